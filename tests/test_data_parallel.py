"""Data-parallel training within one fit (``data_parallel=True``), on 2 real CPU processes.

``torchrun`` starts two processes (gloo, 127.0.0.1, a free port) that run
``tests/_data_parallel_worker.py``: each fits the same cases with ``data_parallel=True``
and writes its test probabilities; rank 0 saves two of the models. The test fits the
same cases here, in one process with the same global batch, and compares.
"""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from sklearn_imbal import FocalLossClassifier, load
from sklearn_imbal.text import TransformerClassifier
from sklearn_imbal.utils import is_main_process
from tests._data_parallel_worker import cases, tabular

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "tests", "_data_parallel_worker.py")
# Bounds the whole module: the two-process run below is itself killed after 240 s.
pytestmark = pytest.mark.timeout(300)

# The two processes and one process compute the same sums grouped differently: each
# process averages its half of a batch and the all-reduce averages the halves (float32,
# about 6e-8 relative per rounding), and the matrix products run on 16 rows instead of
# 32. Over the <= 30 optimizer steps of these fits that drift stays below 1e-7 in the
# probabilities (measured: 1e-9 to 7e-8); 1e-5 leaves two orders of magnitude to other
# BLAS builds, and is far below what a wrong shard or a wrong loss weight changes
# (test_tolerance_sees_a_wrong_batch: over 1e-3).
ATOL = 1e-5
COMPARED = ["focal", "focal_weighted_ce_early_stopping", "transformer_accumulation",
            "transformer_pooled"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def two_processes(tiny_bert_path, tmp_path_factory):
    """The folder the two processes wrote: ``rank0.npz``, ``rank1.npz`` and rank 0's saves."""
    out = tmp_path_factory.mktemp("data_parallel")
    env = {**os.environ, "PYTHONPATH": ROOT, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    env.pop("WORLD_SIZE", None)
    command = [sys.executable, "-m", "torch.distributed.run", "--nnodes=1",
               "--nproc_per_node=2", "--master_addr=127.0.0.1",
               f"--master_port={free_port()}", WORKER, str(out), tiny_bert_path, "--save"]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def ranks(folder):
    return [np.load(os.path.join(folder, f"rank{rank}.npz")) for rank in (0, 1)]


def test_every_process_ends_with_the_same_model(two_processes):
    rank0, rank1 = ranks(two_processes)
    assert sorted(rank0.files) == sorted(rank1.files)
    for name in rank0.files:
        if name != "different_data_error":
            np.testing.assert_array_equal(rank0[name], rank1[name], err_msg=name)
    # random_state=None: rank 0's seed is broadcast, so even unseeded fits agree.
    assert "focal_unseeded" in rank0.files


@pytest.mark.parametrize("name", COMPARED)
def test_same_predictions_as_one_process(two_processes, tiny_bert_path, name):
    estimator, X, y, X_test = cases(tiny_bert_path, [name])[name]
    one_process = estimator.fit(X, y)
    rank0, _ = ranks(two_processes)
    np.testing.assert_allclose(rank0[name], one_process.predict_proba(X_test), rtol=0,
                               atol=ATOL)
    # The recorded training loss is the global batch's, not one process's half.
    np.testing.assert_allclose(rank0[name + "_loss_curve"], one_process.loss_curve_,
                               rtol=1e-5)


def test_tolerance_sees_a_wrong_batch(two_processes, tiny_bert_path):
    # What a process training on its half alone would learn: batches of 16, not 32.
    estimator, X, y, X_test = cases(tiny_bert_path, ["focal"])["focal"]
    half = estimator.set_params(batch_size=16, data_parallel=False).fit(X, y)
    rank0, _ = ranks(two_processes)
    assert np.abs(rank0["focal"] - half.predict_proba(X_test)).max() > 100 * ATOL


def test_rank_0_saves_and_the_folder_loads_in_one_process(two_processes, tiny_bert_path):
    rank0, _ = ranks(two_processes)
    _, _, _, X_test = cases(tiny_bert_path, ["focal"])["focal"]
    focal = load(os.path.join(two_processes, "focal"))
    assert isinstance(focal, FocalLossClassifier) and focal.data_parallel
    np.testing.assert_allclose(focal.predict_proba(X_test), rank0["focal"], rtol=0, atol=1e-6)

    _, _, _, texts_test = cases(tiny_bert_path, ["transformer_accumulation"])[
        "transformer_accumulation"]
    transformer = TransformerClassifier.from_pretrained(
        os.path.join(two_processes, "transformer"), device="cpu")
    np.testing.assert_allclose(transformer.predict_proba(texts_test),
                               rank0["transformer_accumulation"], rtol=0, atol=1e-6)
    # Only rank 0 wrote: the folders are the only entries besides the two results.
    assert sorted(os.listdir(two_processes)) == ["focal", "rank0.npz", "rank1.npz",
                                                 "transformer"]


def test_processes_given_different_data_all_raise(two_processes):
    rank0, rank1 = ranks(two_processes)
    for rank in (rank0, rank1):
        message = str(rank["different_data_error"])
        assert "the processes were given different data" in message
        assert "(50, " in message and "(51, " in message


def test_without_a_launcher_it_trains_in_one_process(monkeypatch):
    for name in ("WORLD_SIZE", "RANK"):
        monkeypatch.delenv(name, raising=False)
    X, y, X_test = tabular(120)
    params = dict(hidden_layer_sizes=(8,), max_epochs=3, batch_size=32, random_state=0)
    alone = FocalLossClassifier(data_parallel=True, **params).fit(X, y)
    plain = FocalLossClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(alone.predict_proba(X_test), plain.predict_proba(X_test))
    assert is_main_process()


def test_a_launcher_environment_without_rendezvous_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    for name in ("RANK", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    X, y, _ = tabular(60)
    with pytest.raises(RuntimeError, match="RANK, MASTER_ADDR, MASTER_PORT are not set"):
        FocalLossClassifier(max_epochs=1, data_parallel=True).fit(X, y)
    # data_parallel=False ignores the launcher's environment.
    FocalLossClassifier(max_epochs=1).fit(X, y)


def test_is_main_process_reads_the_launchers_rank(monkeypatch):
    monkeypatch.setenv("RANK", "1")
    assert not is_main_process()
    monkeypatch.setenv("RANK", "0")
    assert is_main_process()
