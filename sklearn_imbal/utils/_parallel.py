"""Running independent fits in parallel: joblib, or Dask's client when it is joblib's backend.

A fit's floating-point result depends on how many threads its BLAS and torch kernels
split their sums over, and joblib gives each worker process ``cpu_count // n_jobs`` of
them (Dask workers usually one): the same jobs run with ``n_jobs=1`` and ``n_jobs=2``
agree only up to rounding, which an iterative fit can carry into a score. ``run_jobs``
therefore takes ``threads``: every job then runs with exactly that many, wherever it
runs, and its result does not depend on ``n_jobs`` or the backend.
"""

from contextlib import contextmanager
from threading import Lock
from uuid import uuid4

from joblib import Parallel
from joblib.parallel import get_active_backend

# Arguments at least this large (bytes, by dask's sizeof) are sent to the cluster once, as
# the input of a task that returns them, and shared by the jobs' tasks instead of travelling
# inside each one. Not scattered: dask cannot recompute scattered data, so the death of the
# worker(s) holding it would cancel every job (joblib's dask backend scatters, and a killed
# worker can fail its runs that way); the result of a task is recomputed from its input.
_SHARE_BYTES = 1e5


def _identity(value):
    return value


_threads_lock = Lock()
# The blocks of fixed_threads running in this process: their thread count, how many, and
# what to restore when the last one ends.
_threads_state = {"threads": None, "users": 0, "restore": None}


@contextmanager
def fixed_threads(threads):
    """Run the block with ``threads`` threads in BLAS, OpenMP and torch, then restore.

    ``threadpoolctl`` sets the native thread pools (OpenBLAS, MKL, OpenMP) this process
    has loaded; torch keeps its own intra-op count, set with ``torch.set_num_threads``.
    Both are per process: blocks running at once in threads of one process (joblib's
    threading backend) share the setting, which the last one to end restores.
    """
    import torch
    from threadpoolctl import threadpool_limits

    state = _threads_state
    with _threads_lock:
        if state["users"] and state["threads"] != threads:
            raise RuntimeError(
                f"a block with {threads} threads started while one with "
                f"{state['threads']} runs in this process; use one thread count")
        if not state["users"]:
            state["restore"] = (torch.get_num_threads(), threadpool_limits(limits=threads))
            state["threads"] = threads
            torch.set_num_threads(threads)
        state["users"] += 1
    try:
        yield
    finally:
        with _threads_lock:
            state["users"] -= 1
            if not state["users"]:
                before, limits = state["restore"]
                limits.restore_original_limits()
                torch.set_num_threads(before)
                state.update(threads=None, restore=None)


def _call_with_threads(threads, func, *args, **kwargs):
    with fixed_threads(threads):
        return func(*args, **kwargs)


def dask_client():
    """The ``distributed.Client`` of an active ``joblib.parallel_backend("dask")``, else None."""
    backend, _ = get_active_backend()
    if type(backend).__name__ != "DaskDistributedBackend":
        return None
    return backend.client


def run_jobs(jobs, n_jobs, name, *, threads=None, return_as="list"):
    """Run joblib ``delayed`` jobs and return their results in order.

    Under ``joblib.parallel_backend("dask")`` the jobs are submitted to that backend's
    client, one task each, and gathered: a task that keeps killing its workers then
    raises dask's ``KilledWorker`` once the scheduler gives up on it
    (``distributed.scheduler.allowed-failures`` retries), where joblib 1.6's dask
    backend would wait for it forever. Otherwise ``joblib.Parallel(n_jobs)`` runs them.

    Parameters
    ----------
    jobs : list of tuple
        ``joblib.delayed(func)(*args, **kwargs)`` items.
    n_jobs : int or None
        joblib's ``n_jobs`` (under the dask backend, as for joblib, the cluster decides).
    name : str
        Names the tasks on the cluster (``"{name}-{index}-{random hex}"``), so that the
        dashboard and a ``KilledWorker`` message say which job it was.
    threads : int or None, default=None
        Every job runs with this many BLAS, OpenMP and torch threads
        (:func:`fixed_threads`), so that its result is the same for any ``n_jobs`` and
        backend. None: what the process running it has (joblib's workers get
        ``cpu_count // n_jobs``).
    return_as : {"list", "generator"}, default="list"
        ``"generator"`` yields the results in order as they arrive (progress bars).

    Returns
    -------
    results : list or generator
        One result per job, in the order of ``jobs``.
    """
    if threads is not None:
        jobs = [(_call_with_threads, (threads, func, *args), kwargs)
                for func, args, kwargs in jobs]
    results = _results(jobs, n_jobs, name)
    return list(results) if return_as == "list" else results


def _results(jobs, n_jobs, name):
    """A generator of the jobs' results in order (what ``run_jobs`` documents)."""
    client = dask_client()
    if client is None:
        yield from Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
        return
    from dask.sizeof import sizeof
    from distributed import get_worker, rejoin, secede

    run = uuid4().hex
    shared = {}  # id -> (argument, what the tasks get): one upload for data they all receive
    uploads = []

    def upload(value):
        if id(value) not in shared:
            if sizeof(value) >= _SHARE_BYTES:
                uploads.append(client.submit(_identity, value, pure=False,
                                             key=f"{name}-data-{len(uploads)}-{run}"))
                shared[id(value)] = (value, uploads[-1])
            else:
                shared[id(value)] = (value, value)
        return shared[id(value)][1]

    futures = [
        client.submit(func, *map(upload, args), key=f"{name}-{index}-{run}", pure=False,
                      **{key: upload(value) for key, value in kwargs.items()})
        for index, (func, args, kwargs) in enumerate(jobs)
    ]
    try:
        get_worker()
    except ValueError:
        nested = False
    else:  # a task waiting on tasks hands its thread back to the worker meanwhile
        nested = True
        secede()
    try:
        for future in futures:
            yield future.result()
    finally:
        client.cancel(futures + uploads)
        if nested:
            rejoin()
