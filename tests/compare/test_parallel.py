"""compare_techniques(n_jobs=...): the (technique, fold) fits in joblib workers."""

import os
import pickle

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from sklearn_imbal.compare import compare_techniques
from sklearn_imbal.compare._techniques import EmbeddingStore
from sklearn_imbal.datasets import load_vader_tweets
from sklearn_imbal.sampling import WordAugmenter


class _RecordsItsProcess(WordAugmenter):
    """Word edits that append the id of the process they run in and its torch thread
    count to the file ``log``."""

    def __init__(self, log, *, random_state=None):
        super().__init__(random_state=random_state)
        self.log = log

    def generate(self, texts, n, *, label=None, random_state=None):
        with open(self.log, "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {torch.get_num_threads()}\n")
        return super().generate(texts, n, label=label, random_state=random_state)


def _without_times(folds):
    return [{k: v for k, v in fold.items() if k != "fit_time"} for fold in folds]


def _assert_same(sequential, parallel):
    """The same comparison, exactly, but for fit times."""
    assert parallel.ranking == sequential.ranking
    assert parallel.skipped == sequential.skipped
    assert parallel.labels == sequential.labels
    np.testing.assert_array_equal(parallel.folds, sequential.folds)
    for technique, folds in sequential.fold_scores.items():
        expected, got = _without_times(folds), _without_times(parallel.fold_scores[technique])
        np.testing.assert_array_equal(parallel.oof_pred[technique],
                                      sequential.oof_pred[technique])
        np.testing.assert_array_equal(parallel.oof_proba[technique],
                                      sequential.oof_proba[technique])
        assert str(got) == str(expected)  # nan == nan
    assert parallel.recommendation == sequential.recommendation


def test_text_embeddings_in_workers_give_the_same_comparison(tiny_bert_path, tmp_path):
    """Augmentation embeds its new texts in the workers (the encoder loaded there from
    its folder), the real texts were embedded once in this process."""
    X, y = load_vader_tweets(return_X_y=True)
    keep, _ = train_test_split(np.arange(len(y)), train_size=150, stratify=y,
                               random_state=0)
    X, y = [X[i] for i in keep], y[keep]
    results = {}
    for n_jobs in (1, 2):
        log = tmp_path / f"pids-{n_jobs}.txt"
        results[n_jobs] = compare_techniques(
            X, y, model="embeddings", model_path=tiny_bert_path, cv=2, progress=False,
            techniques=["augmentation", "focal_loss", "threshold", "best_combination"],
            augmenter=_RecordsItsProcess(str(log), random_state=0), n_jobs=n_jobs)
        results[n_jobs].calls = {tuple(map(int, line.split()))
                                 for line in log.read_text().splitlines()}
    sequential, parallel = results[1], results[2]
    # Fitted here, then in joblib workers; one torch thread each (threads_per_job=1).
    assert {pid for pid, _ in sequential.calls} == {os.getpid()}
    assert parallel.calls and os.getpid() not in {pid for pid, _ in parallel.calls}
    assert {threads for _, threads in sequential.calls | parallel.calls} == {1}
    assert sequential.skipped == {}
    _assert_same(sequential, parallel)


def test_tabular_in_workers_gives_the_same_comparison():
    X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    kwargs = dict(cv=3, repeats=2, progress=False,
                  techniques=["smote", "focal_loss", "threshold", "best_combination"])
    sequential = compare_techniques(X, y, n_jobs=1, **kwargs)
    parallel = compare_techniques(X, y, n_jobs=2, **kwargs)
    _assert_same(sequential, parallel)
    assert sequential.info["combination_base"] == parallel.info["combination_base"]


def test_threads_per_job_sets_the_threads_of_every_fit(tiny_bert_path, tmp_path):
    X, y = load_vader_tweets(return_X_y=True)
    keep, _ = train_test_split(np.arange(len(y)), train_size=100, stratify=y,
                               random_state=0)
    X, y = [X[i] for i in keep], y[keep]
    before = torch.get_num_threads()
    for threads in (2, None):
        log = tmp_path / f"threads-{threads}.txt"
        compare_techniques(X, y, model="embeddings", model_path=tiny_bert_path, cv=2,
                           progress=False, techniques=["augmentation"],
                           threads_per_job=threads,
                           augmenter=_RecordsItsProcess(str(log), random_state=0))
        seen = {int(line.split()[1]) for line in log.read_text().splitlines()}
        assert seen == {threads or before}
        assert torch.get_num_threads() == before  # restored after the comparison


def test_embedding_store_ships_its_vectors_not_its_model(tiny_bert_path):
    """What a worker receives: the vectors and the encoder's settings, not the loaded
    encoder; it loads that itself to embed a new text, to the same vector."""
    from sklearn_imbal.text import TransformerEmbedder

    embedder = TransformerEmbedder(tiny_bert_path).fit(["a"])
    store = EmbeddingStore(embedder)
    store.add([f"text number {i}" for i in range(50)])
    shipped = pickle.dumps(store)
    assert len(shipped) < len(pickle.dumps(embedder))
    copy = pickle.loads(shipped)
    assert not hasattr(copy.embedder, "model_")
    assert copy.embedder.get_params() == embedder.get_params()
    assert list(copy.vectors) == list(store.vectors)
    np.testing.assert_array_equal(copy.embed(["text number 7"]), store.embed(["text number 7"]))
    new = ["a text the store has not seen"]
    np.testing.assert_array_equal(copy.embed(new), store.embed(new))
    assert hasattr(copy.embedder, "model_")
    # A fork shares the vectors so far and keeps what it adds to itself.
    fork = store.fork()
    fork.add(["only in the fork"])
    assert "only in the fork" in fork.vectors and "only in the fork" not in store.vectors
