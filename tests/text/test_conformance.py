"""Conformance of the text estimators, in the spirit of scikit-learn's checks, on real text.

scikit-learn's ``parametrize_with_checks`` runs nothing on estimators that take text
(``input_tags.two_d_array=False``, as for ``CountVectorizer``). Here every public text
estimator gets the data-free checks of scikit-learn (clone, repr, parameters, tags) and
our own behavioural checks on real text with a real tiny BERT.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_get_params_invariance,
    check_mixin_order,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    check_valid_tag_types,
)

from sklearn_imbal.sampling import TextAugmentationSampler
from sklearn_imbal.text import TransformerClassifier, TransformerEmbedder
from sklearn_imbal.utils._test_common.instance_generator import _tested_estimators

TEXT_ESTIMATORS = [TransformerClassifier, TransformerEmbedder, TextAugmentationSampler]

DATA_FREE_CHECKS = [
    check_no_attributes_set_in_init,
    check_estimator_repr,
    check_get_params_invariance,
    check_set_params,
    check_estimator_cloneable,
    check_parameters_default_constructible,
    check_estimator_tags_renamed,
    check_valid_tag_types,
    check_mixin_order,
]


def test_every_text_estimator_is_covered():
    text = {type(est) for est in _tested_estimators() if get_tags(est).input_tags.string}
    assert text == set(TEXT_ESTIMATORS)


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("cls", TEXT_ESTIMATORS, ids=lambda c: c.__name__)
def test_data_free_sklearn_checks(cls, check):
    check(cls.__name__, cls())


@pytest.mark.parametrize("cls", TEXT_ESTIMATORS, ids=lambda c: c.__name__)
def test_text_tags(cls):
    tags = get_tags(cls())
    assert tags.input_tags.string and tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array


def corpus(n=90, seed=0, classes=("angry", "calm")):
    rng = np.random.RandomState(seed)
    vocab = {
        "angry": ["refund", "broken", "worst", "cancel", "late", "awful"],
        "calm": ["thanks", "great", "works", "helpful", "quick", "happy"],
        "neutral": ["order", "invoice", "address", "account", "package", "email"],
    }
    weights = np.array([0.2] + [0.8 / (len(classes) - 1)] * (len(classes) - 1))
    y = rng.choice(classes, size=n, p=weights)
    texts = [" ".join(rng.choice(vocab[label] + vocab["neutral"], size=rng.randint(3, 10)))
             for label in y]
    return texts, y


def build(cls, tiny_bert_path):
    if cls is TransformerClassifier:
        return TransformerClassifier(model=tiny_bert_path, lr=1e-2, max_epochs=3,
                                     batch_size=16, warmup_ratio=0.0, random_state=0)
    if cls is TransformerEmbedder:
        return TransformerEmbedder(model=tiny_bert_path, batch_size=16)
    return TextAugmentationSampler(random_state=0)


def outputs(estimator, texts, y):
    if hasattr(estimator, "fit_resample"):
        X_res, y_res = estimator.fit_resample(texts, y)
        return np.asarray(X_res), np.asarray(y_res)
    estimator.fit(texts, y)
    if is_classifier(estimator):
        return estimator.predict_proba(texts)
    return estimator.transform(texts)


@pytest.mark.parametrize("cls", TEXT_ESTIMATORS, ids=lambda c: c.__name__)
def test_refit_and_clone_are_idempotent(cls, tiny_bert_path):
    texts, y = corpus()
    estimator = build(cls, tiny_bert_path)
    first = outputs(estimator, texts, y)
    again = outputs(estimator, texts, y)
    cloned = outputs(clone(estimator), texts, y)
    for other in (again, cloned):
        if isinstance(first, tuple):
            np.testing.assert_array_equal(first[0], other[0])
            np.testing.assert_array_equal(first[1], other[1])
        else:
            np.testing.assert_allclose(first, other, atol=1e-6)


@pytest.mark.parametrize("cls", [TransformerClassifier, TransformerEmbedder],
                         ids=lambda c: c.__name__)
def test_pickle_round_trip_and_sample_order_invariance(cls, tiny_bert_path):
    texts, y = corpus()
    estimator = build(cls, tiny_bert_path)
    expected = outputs(estimator, texts, y)
    method = "predict_proba" if is_classifier(estimator) else "transform"
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(getattr(restored, method)(texts), expected)
    order = np.random.RandomState(1).permutation(len(texts))
    permuted = getattr(estimator, method)([texts[i] for i in order])
    np.testing.assert_allclose(permuted, expected[order], atol=1e-5)


@pytest.mark.parametrize("cls", [TransformerClassifier, TransformerEmbedder],
                         ids=lambda c: c.__name__)
def test_unfitted_errors(cls, tiny_bert_path):
    estimator = build(cls, tiny_bert_path)
    method = "predict" if is_classifier(estimator) else "transform"
    with pytest.raises(NotFittedError):
        getattr(estimator, method)(["some text"])


@pytest.mark.parametrize("labels", [("angry", "calm"), (0, 1), ("angry", "calm", "neutral")],
                         ids=["strings", "ints", "multiclass"])
def test_classifier_label_types(labels, tiny_bert_path):
    texts, y = corpus(120, classes=("angry", "calm", "neutral")[:len(labels)])
    mapping = dict(zip(sorted(set(y)), labels))
    y = np.array([mapping[label] for label in y])
    clf = build(TransformerClassifier, tiny_bert_path).fit(texts, y)
    assert list(clf.classes_) == sorted(labels)
    assert set(clf.predict(texts)) <= set(labels)
    assert clf.predict_proba(texts).shape == (len(texts), len(labels))


@pytest.mark.parametrize("cls", TEXT_ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "X",
    ["one string", ["ok", None, "fine"], ["ok", 3.5, "fine"], ["ok", "", "fine"],
     np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object)],
    ids=["bare-string", "none", "float", "empty", "two-columns"],
)
def test_bad_text_inputs_name_the_estimator(cls, X, tiny_bert_path):
    estimator = build(cls, tiny_bert_path)
    y = ["angry", "calm", "calm"]
    fit = getattr(estimator, "fit_resample", estimator.fit)
    with pytest.raises((TypeError, ValueError), match=cls.__name__):
        fit(X, y)
