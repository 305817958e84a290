"""Offline model resolution and loading (sklearn_imbal.text._hub): one path for both estimators."""

import os
import shutil

import pytest

from sklearn_imbal.text import TransformerClassifier, TransformerEmbedder, _hub
from sklearn_imbal.text import _classifier as classifier_module
from sklearn_imbal.utils._test_common.tiny_bert import support_ticket_corpus

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def _corpus(n):
    texts = support_ticket_corpus(n)
    return texts, ["angry" if i % 4 == 0 else "calm" for i in range(n)]


def _counting(monkeypatch):
    """Count the calls of the real ``resolve_pretrained``, wherever it is imported."""
    calls = []
    real = _hub.resolve_pretrained

    def counted(source, param, estimator_name):
        calls.append((os.fspath(source) if source is not None else None, param))
        return real(source, param, estimator_name)

    monkeypatch.setattr(_hub, "resolve_pretrained", counted)
    monkeypatch.setattr(classifier_module, "resolve_pretrained", counted)
    return calls


def test_the_classifier_resolves_its_model_once_per_fit(tiny_bert_path, monkeypatch, tmp_path):
    texts, labels = _corpus(40)
    calls = _counting(monkeypatch)
    clf = TransformerClassifier(tiny_bert_path, max_epochs=1, random_state=0)
    clf.fit(texts, labels)
    assert calls == [(os.fspath(tiny_bert_path), "model")]

    calls.clear()
    folder = clf.save_pretrained(tmp_path / "saved")
    TransformerClassifier.from_pretrained(folder, device="cpu")
    assert calls == [(folder, "model")]


def test_tokenizer_comes_from_the_resolved_model_folder(tiny_bert_path):
    tokenizer, folder = _hub.resolve_tokenizer(None, os.path.realpath(tiny_bert_path), "X")
    assert folder == os.path.realpath(tiny_bert_path)
    assert tokenizer("refund please")["input_ids"]

    same, none = _hub.resolve_tokenizer(tokenizer, os.path.realpath(tiny_bert_path), "X")
    assert same is tokenizer and none is None


def test_both_estimators_give_one_error_for_a_folder_without_a_model(
    tiny_bert_path, tmp_path
):
    """A folder holding a tokenizer but no config/weights: the same clear error, from the
    embedder's cached encoder loader and the classifier's sequence-classifier loader."""
    folder = tmp_path / "tokenizer_only"
    folder.mkdir()
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(tiny_bert_path, name), folder / name)
    texts, labels = _corpus(20)
    expected = "Could not load a model from .*config.json and weights written by save_pretrained"
    with pytest.raises(ValueError, match=expected):
        TransformerEmbedder(str(folder)).fit(texts)
    with pytest.raises(ValueError, match=expected):
        TransformerClassifier(str(folder), max_epochs=1).fit(texts, labels)
