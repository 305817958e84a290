"""Running independent fits in parallel: joblib, or Dask's client when it is joblib's backend."""

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


def dask_client():
    """The ``distributed.Client`` of an active ``joblib.parallel_backend("dask")``, else None."""
    backend, _ = get_active_backend()
    if type(backend).__name__ != "DaskDistributedBackend":
        return None
    return backend.client


def run_jobs(jobs, n_jobs, name):
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

    Returns
    -------
    results : list
        One result per job, in the order of ``jobs``.
    """
    client = dask_client()
    if client is None:
        return Parallel(n_jobs=n_jobs)(jobs)
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
        return client.gather(futures)
    finally:
        client.cancel(futures + uploads)
        if nested:
            rejoin()
