"""run_jobs and fixed_threads: jobs with a fixed thread count, wherever they run."""

import os
import threading

import numpy as np
import pytest
import torch
from joblib import delayed
from threadpoolctl import threadpool_info

from sklearn_imbal.utils._parallel import fixed_threads, run_jobs


def _native_threads():
    """The thread counts of the BLAS and OpenMP libraries this process has loaded."""
    return {info["num_threads"] for info in threadpool_info()}


def _where_and_how(index):
    # A BLAS call, so that numpy's BLAS is loaded (and counted) in a fresh worker too.
    np.ones((4, 4)) @ np.ones((4, 4))
    return index, os.getpid(), torch.get_num_threads(), _native_threads()


def test_fixed_threads_sets_torch_and_native_pools_then_restores():
    np.ones((4, 4)) @ np.ones((4, 4))
    torch_before, native_before = torch.get_num_threads(), _native_threads()
    with fixed_threads(1):
        assert torch.get_num_threads() == 1
        assert _native_threads() == {1}
    assert torch.get_num_threads() == torch_before
    assert _native_threads() == native_before


def test_fixed_threads_blocks_at_once_in_threads_share_the_setting():
    """The first block to end must not restore the count while another still runs."""
    before = torch.get_num_threads()
    entered, first_left = threading.Barrier(2), threading.Event()
    seen = {}

    def block(name, leave_first):
        with fixed_threads(1):
            entered.wait(timeout=10)
            if leave_first:
                return
            first_left.wait(timeout=10)
            seen[name] = torch.get_num_threads()

    second = threading.Thread(target=block, args=("second", False))
    second.start()
    block("first", True)
    first_left.set()
    second.join(timeout=10)
    assert seen == {"second": 1}
    assert torch.get_num_threads() == before


def test_fixed_threads_refuses_two_counts_at_once():
    with fixed_threads(1):
        with pytest.raises(RuntimeError, match="started while one with 1 runs"):
            with fixed_threads(2):
                pass
    with fixed_threads(2):  # the refused block left nothing behind
        assert torch.get_num_threads() == 2


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_run_jobs_runs_every_job_on_the_threads_asked(n_jobs):
    jobs = [delayed(_where_and_how)(index) for index in range(4)]
    results = run_jobs(jobs, n_jobs, "test", threads=1, return_as="generator")
    assert not isinstance(results, list)
    results = list(results)
    assert [index for index, *_ in results] == [0, 1, 2, 3]  # in order
    assert all(torch_threads == 1 and native == {1} for _, _, torch_threads, native in results)
    pids = {pid for _, pid, _, _ in results}
    assert (pids == {os.getpid()}) == (n_jobs == 1)
    # Without ``threads``, a job gets what its process has: here, this process's count.
    (_, _, torch_threads, _), = run_jobs([delayed(_where_and_how)(0)], 1, "test")
    assert torch_threads == torch.get_num_threads()
