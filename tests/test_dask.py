"""Across fits on Dask: the estimators under ``joblib.parallel_backend("dask")`` on a real
two-process ``distributed.LocalCluster``, and what happens when a fit kills its worker."""

import os
import pickle
import subprocess
import sys
import time

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate

from sklearn_imbal import FocalLossClassifier, ThresholdTunedClassifier
from sklearn_imbal.compare import compare_techniques
from sklearn_imbal.sampling import WordAugmenter
from sklearn_imbal.text import TransformerClassifier

from .text.test_classifier import make_texts

dask = pytest.importorskip("dask", reason="the dask extra (dask[distributed]) is not installed")
distributed = pytest.importorskip(
    "distributed", reason="the dask extra (dask[distributed]) is not installed")

# One retry: a task whose worker dies once runs again; dying twice is a KilledWorker.
ALLOWED_FAILURES = 1
CV = StratifiedKFold(2, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def client():
    # The scheduler reads allowed-failures when it starts, so it is set before the cluster.
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None) as cluster:
            with distributed.Client(cluster) as client:
                yield client


@pytest.fixture(scope="module")
def tabular():
    X, y = make_classification(n_samples=200, n_features=6, weights=[0.85], random_state=0)
    return X.astype(np.float32), y


def small_net(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_epochs=5, lr=1e-2, random_state=0)
    return FocalLossClassifier(**{**defaults, **params})


def tiny_transformer(path, **params):
    defaults = dict(model=path, lr=1e-2, max_epochs=1, batch_size=16, max_length=32,
                    warmup_ratio=0.0, random_state=0)
    return TransformerClassifier(**{**defaults, **params})


def on_dask(function):
    with joblib.parallel_backend("dask"):
        return function()


class DiesInFit(FocalLossClassifier):
    """A FocalLossClassifier whose ``fit`` ends its process (``os._exit``, as an
    out-of-memory kill or a segfault would) the first ``kills`` times it runs anywhere,
    counted by marker files created atomically in ``marker_dir``."""

    def __init__(self, *, marker_dir=None, kills=0, max_epochs=5, random_state=0):
        super().__init__(hidden_layer_sizes=(8,), max_epochs=max_epochs, lr=1e-2,
                         random_state=random_state)
        self.marker_dir = marker_dir
        self.kills = kills

    def fit(self, X, y, **fit_params):
        _kill_unless_marked(self.marker_dir, self.kills)
        return super().fit(X, y, **fit_params)


def _kill_unless_marked(marker_dir, kills):
    """End this process (``os._exit``, as an out-of-memory kill or a segfault would)
    unless ``kills`` marker files, created atomically in ``marker_dir``, say it happened
    that many times already, anywhere."""
    for index in range(kills):
        try:
            os.close(os.open(os.path.join(marker_dir, f"kill-{index}"),
                             os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        os._exit(1)


class DiesInGenerate(WordAugmenter):
    """Offline word edits whose ``generate`` ends its process the first ``kills`` times
    it runs anywhere: what compare_techniques' augmentation jobs call."""

    def __init__(self, *, marker_dir=None, kills=0, random_state=None):
        super().__init__(random_state=random_state)
        self.marker_dir = marker_dir
        self.kills = kills

    def generate(self, texts, n, *, label=None, random_state=None):
        _kill_unless_marked(self.marker_dir, self.kills)
        return super().generate(texts, n, label=label, random_state=random_state)


def assert_same_search(parallel, sequential):
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], sequential.cv_results_[key])
    assert parallel.best_params_ == sequential.best_params_


# --------------------------------------------------------------------------- same results
def test_grid_search_focal_loss(client, tabular):
    X, y = tabular
    search = GridSearchCV(small_net(), {"gamma": [0.0, 2.0], "lr": [1e-2, 3e-2]}, cv=CV,
                          scoring="average_precision")
    on_dask_search = on_dask(lambda: clone(search).fit(X, y))
    assert_same_search(on_dask_search, clone(search).fit(X, y))


def test_grid_search_transformer_fits_on_the_workers(client, tiny_bert_path):
    texts, y = make_texts(n=60, seed=1)
    estimator = tiny_transformer(tiny_bert_path, device="auto")
    # Unfitted, it is its parameters: the weights are loaded from `model` by fit, on the
    # worker (a local folder here, which every process of this machine can read).
    assert len(pickle.dumps(estimator)) < 1000
    search = GridSearchCV(estimator, {"lr": [1e-2, 3e-2]}, cv=CV, scoring="f1_macro")
    on_dask_search = on_dask(lambda: clone(search).fit(texts, y))
    assert_same_search(on_dask_search, clone(search).fit(texts, y))


def test_cross_validate_resolves_device_on_the_worker(client, tabular):
    X, y = tabular
    estimator = small_net(device="auto")

    def run():
        return cross_validate(estimator, X, y, cv=CV, scoring="average_precision",
                              return_estimator=True)

    parallel, sequential = on_dask(run), run()
    np.testing.assert_array_equal(parallel["test_score"], sequential["test_score"])
    assert estimator.device == "auto" and not hasattr(estimator, "device_")
    # "auto" is resolved by fit, where the fit runs: the CPU on these workers.
    assert all(fitted.device_.type == "cpu" for fitted in parallel["estimator"])

    def fit_here(estimator):
        return os.getpid(), estimator.fit(X, y).device_.type

    pid, device = client.submit(fit_here, estimator, pure=False).result(timeout=60)
    assert pid != os.getpid() and device == "cpu"


def test_threshold_tuner_n_jobs(client, tabular):
    X, y = tabular
    tuner = ThresholdTunedClassifier(small_net(), cv=CV, n_jobs=2)
    parallel = on_dask(lambda: clone(tuner).fit(X, y))
    sequential = clone(tuner).set_params(n_jobs=None).fit(X, y)
    assert parallel.best_threshold_ == sequential.best_threshold_
    assert parallel.best_score_ == sequential.best_score_
    np.testing.assert_array_equal(parallel.predict_proba(X), sequential.predict_proba(X))


def assert_same_comparison(parallel, sequential):
    assert parallel.ranking == sequential.ranking
    for technique, folds in sequential.fold_scores.items():
        without_times = [{k: v for k, v in fold.items() if k != "fit_time"} for fold in folds]
        got = [{k: v for k, v in fold.items() if k != "fit_time"}
               for fold in parallel.fold_scores[technique]]
        assert str(got) == str(without_times)  # exactly, nan == nan
        np.testing.assert_array_equal(parallel.oof_proba[technique],
                                      sequential.oof_proba[technique])


def test_compare_techniques_on_the_cluster(client, tabular):
    X, y = tabular
    kwargs = dict(cv=2, progress=False, n_jobs=2,
                  techniques=["smote", "focal_loss", "threshold", "best_combination"])
    assert_same_comparison(on_dask(lambda: compare_techniques(X, y, **kwargs)),
                           compare_techniques(X, y, **kwargs))


# --------------------------------------------------------------------------- killed workers
@pytest.mark.timeout(120)
def test_a_worker_killed_once_is_retried(client, tabular, tmp_path):
    X, y = tabular
    search = GridSearchCV(DiesInFit(marker_dir=str(tmp_path), kills=1),
                          {"max_epochs": [3, 5]}, cv=CV, scoring="average_precision")
    # joblib sends X and y (over 1 kB) to one worker unless told to broadcast them: then
    # the death of that worker would lose them and cancel the search (README).
    with joblib.parallel_backend("dask", scatter=[X, y]):
        on_dask_search = clone(search).fit(X, y)
    assert os.listdir(tmp_path) == ["kill-0"]  # a worker did die
    reference = clone(search).set_params(estimator__kills=0).fit(X, y)
    assert_same_search(on_dask_search, reference)


@pytest.mark.timeout(120)
def test_tuner_survives_a_worker_killed_once_with_its_data(client, tmp_path):
    # Over 100 kB: the tuner sends X to the workers once, to all of them, so that a dead
    # worker loses no data.
    X, y = make_classification(n_samples=1700, n_features=8, weights=[0.85], random_state=0)
    tuner = ThresholdTunedClassifier(DiesInFit(marker_dir=str(tmp_path), kills=1, max_epochs=2),
                                     cv=CV, n_jobs=2)
    parallel = on_dask(lambda: clone(tuner).fit(X, y))
    assert os.listdir(tmp_path) == ["kill-0"]
    sequential = clone(tuner).set_params(estimator__kills=0, n_jobs=None).fit(X, y)
    assert parallel.best_threshold_ == sequential.best_threshold_
    np.testing.assert_array_equal(parallel.predict_proba(X), sequential.predict_proba(X))


@pytest.mark.timeout(120)
def test_tuner_fit_that_always_kills_its_worker_raises_killed_worker(client, tabular,
                                                                     tmp_path):
    X, y = tabular
    tuner = ThresholdTunedClassifier(DiesInFit(marker_dir=str(tmp_path), kills=100), cv=CV)
    start = time.monotonic()
    with pytest.raises(distributed.scheduler.KilledWorker, match="ThresholdTunedClassifier"):
        on_dask(lambda: tuner.fit(X, y))
    assert time.monotonic() - start < 90
    # Dask gave up after the allowed retries: each task ran on at most that many + 1
    # workers, all of which died.
    assert 2 <= len(os.listdir(tmp_path)) <= 3 * (ALLOWED_FAILURES + 1)


@pytest.mark.timeout(150)
def test_compare_retries_a_killed_worker_and_ends_when_one_keeps_dying(
        client, tiny_bert_path, tmp_path):
    texts, y = make_texts(n=40, seed=2)
    kwargs = dict(model="embeddings", model_path=tiny_bert_path, cv=2, progress=False,
                  techniques=["augmentation"], n_jobs=2)
    once, always = tmp_path / "once", tmp_path / "always"
    once.mkdir(), always.mkdir()
    parallel = on_dask(lambda: compare_techniques(
        texts, y, augmenter=DiesInGenerate(marker_dir=str(once), kills=1, random_state=0),
        **kwargs))
    assert os.listdir(once) == ["kill-0"]
    assert parallel.skipped == {}
    assert_same_comparison(parallel, compare_techniques(
        texts, y, augmenter=DiesInGenerate(random_state=0), **kwargs))

    start = time.monotonic()
    with pytest.raises(distributed.scheduler.KilledWorker, match="compare_techniques"):
        on_dask(lambda: compare_techniques(
            texts, y, augmenter=DiesInGenerate(marker_dir=str(always), kills=100), **kwargs))
    assert time.monotonic() - start < 90


def candidates_as_tasks(client, estimator, grid, X, y, **cv_params):
    """The README's bounded grid search: one ``cross_validate`` task per candidate."""
    from sklearn.model_selection import ParameterGrid

    candidates = list(ParameterGrid(grid))
    futures = [client.submit(cross_validate, clone(estimator).set_params(**params), X, y,
                             pure=False, **cv_params) for params in candidates]
    scores = [result["test_score"].mean() for result in client.gather(futures)]
    return candidates[int(np.argmax(scores))], scores


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_candidates_as_tasks_end_with_a_killed_worker_error(client, tabular, tmp_path):
    X, y = tabular
    grid = {"max_epochs": [3, 5]}
    best, scores = candidates_as_tasks(client, DiesInFit(), grid, X, y, cv=CV,
                                       scoring="average_precision")
    reference = GridSearchCV(DiesInFit(), grid, cv=CV, scoring="average_precision").fit(X, y)
    assert best == reference.best_params_
    np.testing.assert_array_equal(scores, reference.cv_results_["mean_test_score"])

    start = time.monotonic()
    with pytest.raises(distributed.scheduler.KilledWorker, match="cross_validate"):
        candidates_as_tasks(client, DiesInFit(marker_dir=str(tmp_path), kills=100), grid,
                            X, y, cv=CV)
    assert time.monotonic() - start < 90


GRID_SEARCH_THAT_KILLS = """
import os, sys, threading
import dask, distributed, joblib
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from tests.test_dask import DiesInFit

if __name__ == "__main__":
    marker_dir, wait = sys.argv[1], float(sys.argv[2])
    # Under 1 kB, so that joblib sends them inside the tasks: no scattered data to lose.
    X, y = make_classification(n_samples=20, n_features=4, random_state=0)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                           dashboard_address=None)
    client = distributed.Client(cluster)
    search = GridSearchCV(DiesInFit(marker_dir=marker_dir, kills=100), {"max_epochs": [3, 5]},
                          cv=2)
    outcome = []

    def run():
        try:
            with joblib.parallel_backend("dask"):
                search.fit(X, y)
            outcome.append("returned")
        except BaseException as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(wait)
    print("outcome:", outcome[0] if outcome else "still waiting", flush=True)
    client.close()
    cluster.close()
    os._exit(0)  # the search thread is still polling: end the process without it
"""


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_grid_search_waits_forever_for_a_task_dask_gave_up_on(tmp_path):
    # What the README says about GridSearchCV under joblib's dask backend: when a task has
    # killed allowed-failures + 1 workers, the scheduler marks it failed but joblib (1.6)
    # never hears of it. Run in a child process that bounds its own wait.
    script = tmp_path / "search.py"
    script.write_text(GRID_SEARCH_THAT_KILLS)
    markers = tmp_path / "markers"
    markers.mkdir()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, str(script), str(markers), "40"],
                            capture_output=True, text=True, timeout=150, cwd=root,
                            env={**os.environ, "PYTHONPATH": root})
    assert "outcome: still waiting" in result.stdout, result.stdout + result.stderr
    assert "marked as failed because 2 workers died" in result.stderr
