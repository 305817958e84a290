"""PriorCorrectedClassifier against the Bayes prior-shift formula, on real models."""

import pickle

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GridSearchCV
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from sklearn_imbal import (
    FocalLossClassifier,
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
    TransformerClassifier,
    expected_calibration_error,
)


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=3000, n_features=8, weights=[0.93], class_sep=0.8,
                               random_state=0)
    return X[:2000], y[:2000], X[2000:], y[2000:]


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(n_samples=1500, n_features=8, n_informative=5, n_classes=3,
                               weights=[0.8, 0.15, 0.05], random_state=0)
    labels = np.array(["common", "rare", "medium"])[y]  # sorted: common, medium, rare
    return X, labels


def prior_shift(proba, weights, factor=1.0):
    """The formula: p_k proportional to q_k * factor_k / w_k."""
    corrected = proba * np.asarray(factor) / np.asarray(weights)
    return corrected / corrected.sum(axis=1, keepdims=True)


def test_balanced_logistic_regression_matches_formula(binary):
    X, y, X_test, _ = binary
    weighted = LogisticRegression(class_weight="balanced").fit(X, y)
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced")).fit(X, y)
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    np.testing.assert_allclose(clf.class_weight_, weights)
    np.testing.assert_allclose(clf.class_prior_, np.bincount(y) / len(y))
    np.testing.assert_allclose(clf.correction_, (1 / weights) / (1 / weights).max())
    expected = prior_shift(weighted.predict_proba(X_test), weights)
    np.testing.assert_allclose(clf.predict_proba(X_test), expected, rtol=1e-10)
    np.testing.assert_allclose(clf.predict_log_proba(X_test), np.log(expected), rtol=1e-10)
    np.testing.assert_array_equal(clf.predict(X_test), np.argmax(expected, axis=1))


def test_correction_lowers_ece_and_keeps_the_ranking(binary):
    X, y, X_test, y_test = binary
    weighted = LogisticRegression(class_weight="balanced").fit(X, y)
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced")).fit(X, y)
    raw, corrected = weighted.predict_proba(X_test)[:, 1], clf.predict_proba(X_test)[:, 1]
    assert expected_calibration_error(y_test, corrected) < 0.5 * expected_calibration_error(
        y_test, raw)
    assert np.mean(corrected) == pytest.approx(np.mean(y_test), abs=0.03)
    assert average_precision_score(y_test, corrected) == pytest.approx(
        average_precision_score(y_test, raw), abs=1e-12)


def test_threshold_tuning_decisions_unchanged(binary):
    """A monotone correction: the exact maximum of the sweep picks the same decisions.

    (The plateau rule takes the middle of the near-best candidates pooled over the folds;
    each fold model's correction is its own monotone map, so their order can differ.)
    """
    X, y, X_test, _ = binary
    raw = ThresholdTunedClassifier(LogisticRegression(class_weight="balanced"), cv=3,
                                   selection="best").fit(X, y)
    corrected = ThresholdTunedClassifier(
        PriorCorrectedClassifier(LogisticRegression(class_weight="balanced")), cv=3,
        selection="best").fit(X, y)
    assert corrected.best_score_ == pytest.approx(raw.best_score_)
    np.testing.assert_array_equal(corrected.predict(X_test), raw.predict(X_test))


def test_unweighted_model_is_left_alone(binary):
    X, y, X_test, _ = binary
    plain = LogisticRegression().fit(X, y)
    clf = PriorCorrectedClassifier(LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 1.0])
    np.testing.assert_allclose(clf.predict_proba(X_test), plain.predict_proba(X_test))


@pytest.mark.parametrize("given", [
    {"rare": 6.0, "medium": 2.0},
    np.array([1.0, 2.0, 6.0]),
])
def test_explicit_weights_multiclass_string_labels(multiclass, given):
    X, y = multiclass
    model = LogisticRegression(class_weight={"rare": 6.0, "medium": 2.0}).fit(X, y)
    clf = PriorCorrectedClassifier(
        LogisticRegression(class_weight={"rare": 6.0, "medium": 2.0}),
        training_class_weight=given).fit(X, y)
    auto = PriorCorrectedClassifier(
        LogisticRegression(class_weight={"rare": 6.0, "medium": 2.0})).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["common", "medium", "rare"])
    np.testing.assert_allclose(clf.class_weight_, [1.0, 2.0, 6.0])
    np.testing.assert_allclose(auto.class_weight_, [1.0, 2.0, 6.0])
    expected = prior_shift(model.predict_proba(X), [1.0, 2.0, 6.0])
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-10)
    assert set(clf.predict(X)) <= set(clf.classes_)


def test_target_prior(multiclass):
    X, y = multiclass
    model = LogisticRegression(class_weight="balanced").fit(X, y)
    target = np.array([2.0, 1.0, 1.0])  # normalised to [0.5, 0.25, 0.25]
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced"),
                                   target_prior=target).fit(X, y)
    prior = np.unique(y, return_counts=True)[1] / len(y)
    weights = compute_class_weight("balanced", classes=np.unique(y), y=y)
    expected = prior_shift(model.predict_proba(X), weights, target / target.sum() / prior)
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-10)
    # Balanced weights and a uniform target prior cancel: p * (1/3) / (w pi) = p
    uniform = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced"),
                                       target_prior=[1, 1, 1]).fit(X, y)
    np.testing.assert_allclose(uniform.predict_proba(X), model.predict_proba(X), rtol=1e-10)


def test_focal_loss_classifier_weights_are_read(binary):
    X, y, X_test, _ = binary
    params = dict(hidden_layer_sizes=(16,), max_epochs=5, class_weight="balanced",
                  random_state=0)
    model = FocalLossClassifier(**params).fit(X, y)
    clf = PriorCorrectedClassifier(FocalLossClassifier(**params)).fit(X, y)
    np.testing.assert_allclose(clf.class_weight_, model.class_weight_)
    np.testing.assert_allclose(clf.predict_proba(X_test),
                               prior_shift(model.predict_proba(X_test), model.class_weight_),
                               rtol=1e-5)


def test_pipeline_and_frozen_prefit_model(binary):
    X, y, X_test, _ = binary
    pipe = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced"))
    fitted = pipe.fit(X, y)
    clf = PriorCorrectedClassifier(FrozenEstimator(fitted)).fit(X, y)
    assert clf.estimator_.estimator is fitted  # not refitted
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    np.testing.assert_allclose(clf.predict_proba(X_test),
                               prior_shift(fitted.predict_proba(X_test), weights), rtol=1e-10)


def test_sampler_pipeline_needs_explicit_weights(binary):
    X, y, X_test, _ = binary
    pipe = make_imb_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    with pytest.raises(ValueError, match="sampler"):
        PriorCorrectedClassifier(pipe).fit(X, y)
    clf = PriorCorrectedClassifier(pipe, training_class_weight="balanced").fit(X, y)
    fitted = clf.estimator_
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    np.testing.assert_allclose(clf.predict_proba(X_test),
                               prior_shift(fitted.predict_proba(X_test), weights), rtol=1e-10)


def test_auto_warns_without_any_class_weight(binary):
    X, y, _, _ = binary
    with pytest.warns(UserWarning, match="neither a class_weight_ attribute"):
        clf = PriorCorrectedClassifier(GaussianNB()).fit(X, y)
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 1.0])
    PriorCorrectedClassifier(GaussianNB(), training_class_weight=None).fit(X, y)  # silent


@pytest.mark.parametrize("params, match", [
    (dict(training_class_weight=[1.0, 2.0, 3.0]), "one weight per class"),
    (dict(training_class_weight=[1.0, 0.0]), "finite and > 0"),
    (dict(target_prior=[1.0, -1.0]), "target_prior"),
    (dict(target_prior=[1.0]), "target_prior"),
])
def test_invalid_values(binary, params, match):
    X, y, _, _ = binary
    with pytest.raises(ValueError, match=match):
        PriorCorrectedClassifier(LogisticRegression(), **params).fit(X, y)


def test_prefit_model_on_other_classes(binary, multiclass):
    X, y, _, _ = binary
    X3, y3 = multiclass
    fitted = LogisticRegression().fit(X3, y3)
    with pytest.raises(ValueError, match="classes"):
        PriorCorrectedClassifier(FrozenEstimator(fitted), training_class_weight=None).fit(X, y)


def test_grid_search_and_pickle(binary):
    X, y, X_test, _ = binary
    search = GridSearchCV(
        PriorCorrectedClassifier(LogisticRegression(class_weight="balanced")),
        {"estimator__C": [0.1, 1.0], "training_class_weight": ["auto", None]},
        scoring="neg_log_loss", cv=3,
    ).fit(X, y)
    # The corrected probabilities have the lower log-loss.
    assert search.best_params_["training_class_weight"] == "auto"
    clf = search.best_estimator_
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X_test), clf.predict_proba(X_test))


def test_logit_adjusted_transformer(tiny_bert_path):
    """loss='logit_adjusted' predicts p / pi^tau: the correction multiplies pi^tau back."""
    texts = ["refund now, this is broken", "thanks, works great", "love it", "great support",
             "all good, thanks", "nice and quick"] * 5
    labels = ["angry", "calm", "calm", "calm", "calm", "calm"] * 5
    params = dict(model=tiny_bert_path, loss="logit_adjusted", tau=0.5, max_epochs=1,
                  device="cpu", random_state=0)
    model = TransformerClassifier(**params).fit(texts, labels)
    clf = PriorCorrectedClassifier(TransformerClassifier(**params)).fit(texts, labels)
    prior = np.array([1 / 6, 5 / 6])
    np.testing.assert_allclose(clf.class_weight_, prior ** -0.5)
    np.testing.assert_allclose(clf.predict_proba(texts),
                               prior_shift(model.predict_proba(texts), prior ** -0.5),
                               rtol=1e-5)


def test_sample_weight_is_passed_and_weighs_the_classes(binary):
    X, y, X_test, _ = binary
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    model = LogisticRegression(class_weight="balanced").fit(X, y, sample_weight=sample_weight)
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced")).fit(
        X, y, sample_weight=sample_weight)
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y,
                                   sample_weight=sample_weight)
    np.testing.assert_allclose(clf.class_weight_, weights)
    np.testing.assert_allclose(clf.class_prior_,
                               np.bincount(y, weights=sample_weight) / sample_weight.sum())
    np.testing.assert_allclose(clf.predict_proba(X_test),
                               prior_shift(model.predict_proba(X_test), weights), rtol=1e-10)
    with pytest.raises(ValueError, match="no sample weight"):
        PriorCorrectedClassifier(LogisticRegression()).fit(X, y, sample_weight=y)


@pytest.mark.parametrize("bad, match", [
    (-5.0, "Negative values in data passed to `sample_weight`"),
    (np.nan, "sample_weight contains NaN"),
    (np.inf, "sample_weight contains infinity"),
    ("all zero", "at least one non-zero"),
])
def test_bad_sample_weight_is_named_before_the_estimator_is_fitted(binary, bad, match):
    X, y, _, _ = binary
    sample_weight = np.ones(len(y))
    if bad == "all zero":
        sample_weight[:] = 0.0
    else:
        sample_weight[np.flatnonzero(y == 1)[0]] = bad
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight="balanced"))
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, sample_weight=sample_weight)
    assert not hasattr(clf, "estimator_") and not hasattr(clf, "class_prior_")
