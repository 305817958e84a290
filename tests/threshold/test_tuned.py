"""ThresholdTunedClassifier and the exact threshold sweep."""

import os
import pickle

import numpy as np
import pytest
import sklearn
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    cohen_kappa_score,
    f1_score,
    fbeta_score,
    get_scorer,
    hamming_loss,
    jaccard_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    StratifiedShuffleSplit,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils import get_tags

from sklearn_imbal import PriorCorrectedClassifier, ThresholdTunedClassifier
from sklearn_imbal.threshold import threshold_sweep
from sklearn_imbal.threshold._sweep import class_flip_confusions


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=1500, n_features=10, weights=[0.92], class_sep=0.6,
                               flip_y=0.02, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(n_samples=2000, n_classes=3, n_informative=5,
                               weights=[0.8, 0.15, 0.05], class_sep=0.8, random_state=0)
    return X, y


def _true_gain(y_true, y_pred):
    """A business gain with no sample_weight: +10 per caught positive, -1 per false alarm."""
    return 10.0 * np.sum((y_true == 1) & (y_pred == 1)) - np.sum((y_true == 0) & (y_pred == 1))


SCORERS = [
    ("f1", lambda y, p, w: f1_score(y, p, sample_weight=w)),
    (make_scorer(fbeta_score, beta=2), lambda y, p, w: fbeta_score(y, p, beta=2, sample_weight=w)),
    ("precision", lambda y, p, w: precision_score(y, p, sample_weight=w, zero_division=0)),
    ("recall", lambda y, p, w: recall_score(y, p, sample_weight=w)),
    ("jaccard", lambda y, p, w: jaccard_score(y, p, sample_weight=w)),
    ("matthews_corrcoef", lambda y, p, w: matthews_corrcoef(y, p, sample_weight=w)),
    ("balanced_accuracy", lambda y, p, w: balanced_accuracy_score(y, p, sample_weight=w)),
    (make_scorer(balanced_accuracy_score, adjusted=True),
     lambda y, p, w: balanced_accuracy_score(y, p, adjusted=True, sample_weight=w)),
    ("accuracy", lambda y, p, w: accuracy_score(y, p, sample_weight=w)),
    ("f1_macro", lambda y, p, w: f1_score(y, p, average="macro", sample_weight=w)),
    ("f1_weighted", lambda y, p, w: f1_score(y, p, average="weighted", sample_weight=w)),
    (make_scorer(cohen_kappa_score), lambda y, p, w: cohen_kappa_score(y, p, sample_weight=w)),
    (make_scorer(hamming_loss, greater_is_better=False),
     lambda y, p, w: -hamming_loss(y, p, sample_weight=w)),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("scoring, reference", SCORERS, ids=[str(s[0])[:40] for s in SCORERS])
def test_sweep_equals_brute_force_at_every_threshold(scoring, reference, weighted):
    rng = np.random.RandomState(0)
    y = (rng.rand(300) < 0.15).astype(int)
    score = np.round(rng.rand(300) * 0.6 + 0.3 * y, 2)  # ties on purpose
    w = rng.uniform(0.5, 2.0, size=300) if weighted else None
    thresholds, scores = threshold_sweep(y, score, scoring=scoring, sample_weight=w)
    assert np.all(np.diff(thresholds) > 0)
    assert len(thresholds) == len(np.unique(score)) + 1
    expected = [reference(y, (score >= t).astype(int), w) for t in thresholds]
    np.testing.assert_allclose(scores, expected, atol=1e-12)


def test_sweep_scorer_without_sample_weight_uses_real_predictions():
    rng = np.random.RandomState(1)
    y = (rng.rand(200) < 0.2).astype(int)
    score = rng.rand(200) + 0.4 * y
    thresholds, scores = threshold_sweep(y, score, scoring=make_scorer(_true_gain))
    expected = [_true_gain(y, (score >= t).astype(int)) for t in thresholds]
    np.testing.assert_allclose(scores, expected)
    assert thresholds[np.argmax(scores)] < np.median(score), "a 10:1 gain favours recall"


def test_sweep_auto_finds_the_best_of_all_thresholds_and_grids_are_coarser():
    rng = np.random.RandomState(2)
    y = (rng.rand(600) < 0.08).astype(int)
    score = rng.rand(600) ** (1.5 - y)
    _, exact = threshold_sweep(y, score)
    brute = max(f1_score(y, (score >= t).astype(int)) for t in np.unique(score))
    assert exact.max() == pytest.approx(brute, abs=1e-12)
    grid, coarse = threshold_sweep(y, score, thresholds=20)
    assert len(grid) == 20 and coarse.max() <= exact.max() + 1e-12
    explicit, values = threshold_sweep(y, score, thresholds=[0.9, 0.5, 0.7])
    np.testing.assert_array_equal(explicit, [0.5, 0.7, 0.9])
    assert values[0] == pytest.approx(f1_score(y, (score >= 0.5).astype(int)))


def test_sweep_string_labels_and_pos_label():
    y = np.array(["ok"] * 8 + ["fraud"] * 2)
    score = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.65, 0.9])
    thresholds, f1 = threshold_sweep(y, score, pos_label="fraud")
    best = thresholds[np.argmax(f1)]
    pred = np.where(score >= best, "fraud", "ok")
    assert f1.max() == pytest.approx(f1_score(y, pred, pos_label="fraud"))
    with pytest.raises(ValueError, match="pos_label='spam' is not one of the classes"):
        threshold_sweep(y, score, pos_label="spam")


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision", "neg_log_loss",
                                     "neg_brier_score"])
def test_ranking_scorers_are_rejected(binary, scoring):
    X, y = binary
    with pytest.raises(ValueError, match="does not depend on the decision threshold"):
        ThresholdTunedClassifier(LogisticRegression(), scoring=scoring).fit(X, y)


def test_plain_callable_scoring_is_rejected(binary):
    X, y = binary
    with pytest.raises(ValueError, match="make_scorer"):
        ThresholdTunedClassifier(LogisticRegression(), scoring=f1_score).fit(X, y)


def test_moved_scorer_internals_are_an_error_naming_the_scikit_learn_version(binary):
    # A scorer's metric, sign and keywords are private: should a scikit-learn release
    # move them, the error says so instead of failing in the middle of the sweep.
    X, y = binary
    scorer = make_scorer(fbeta_score, beta=2)
    del scorer._kwargs
    with pytest.raises(RuntimeError, match=f"scikit-learn {sklearn.__version__} no longer"):
        ThresholdTunedClassifier(LogisticRegression(), scoring=scorer).fit(X, y)


@pytest.mark.parametrize("name, metric", [
    ("precision", precision_score), ("recall", recall_score), ("flagged", None),
])
def test_constrained_threshold_by_hand(binary, name, metric):
    """Best F1 among the thresholds whose mean fold rate meets a bound that binds."""
    X, y = binary
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    folds = [(y[test], LogisticRegression().fit(X[train], y[train])
              .predict_proba(X[test])[:, 1]) for train, test in cv.split(X, y)]

    def mean_rate(t):
        if metric is None:  # share of samples flagged positive
            return np.mean([np.mean(p >= t) for _, p in folds])
        return np.mean([metric(yt, (p >= t).astype(int), zero_division=0.0)
                        for yt, p in folds])

    def meets(t):
        return mean_rate(t) <= value + 1e-12 if at_most else mean_rate(t) >= value - 1e-12

    free = ThresholdTunedClassifier(LogisticRegression(), cv=cv, selection="best").fit(X, y)
    at_most = name == "flagged"
    # A bound the unconstrained F1 optimum breaks.
    value = mean_rate(free.best_threshold_) * (0.5 if at_most else 1.0)
    value = value if at_most else min(1.0, value + 0.1)
    tuned = ThresholdTunedClassifier(LogisticRegression(), cv=cv, constraint=(name, value),
                                     selection="best", store_cv_results=True).fit(X, y)
    assert not meets(free.best_threshold_) and meets(tuned.best_threshold_)
    results = tuned.cv_results_
    assert results["constraint_mean"][results["best_index"]] == pytest.approx(
        mean_rate(tuned.best_threshold_))
    # No candidate that meets the bound scores better.
    for index in range(0, len(results["thresholds"]), 5):
        if meets(results["thresholds"][index]):
            assert results["mean_score"][index] <= tuned.best_score_ + 1e-12
    assert tuned.best_score_ < free.best_score_


def test_unmet_or_bad_constraint_is_a_clear_error(binary):
    X, y = binary
    noise = np.random.RandomState(0).normal(size=X.shape)  # no signal: no precision 0.95
    with pytest.raises(ValueError, match=r"No threshold meets constraint=\('precision', "
                                         r"0.95\).*highest mean precision is 0\.\d+"):
        ThresholdTunedClassifier(LogisticRegression(), constraint=("precision", 0.95)).fit(
            noise, y)
    for bad, match in [(("accuracy", 0.9), "metric among"), (("recall", 1.5), r"in \[0, 1\]"),
                       (("recall",), "must be a pair")]:
        with pytest.raises(ValueError, match=match):
            ThresholdTunedClassifier(LogisticRegression(), constraint=bad).fit(X, y)
    y3 = np.arange(len(y)) % 3
    with pytest.raises(ValueError, match="constraint applies to a binary"):
        ThresholdTunedClassifier(LogisticRegression(),
                                 constraint=("recall", 0.5)).fit(X, y3)


def test_plateau_selection_is_the_one_standard_error_rule(binary):
    X, y = binary
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    best = ThresholdTunedClassifier(LogisticRegression(), cv=cv, selection="best",
                                    store_cv_results=True).fit(X, y)
    plateau = ThresholdTunedClassifier(LogisticRegression(), cv=cv,
                                       store_cv_results=True).fit(X, y)
    results = plateau.cv_results_
    scores, mean = results["scores"], results["mean_score"]
    top = np.argmax(mean)
    # By hand: within one standard error (over the 5 folds, at the best) of the best.
    se = np.std(scores[:, top], ddof=1) / np.sqrt(5)
    close = np.flatnonzero(mean >= mean[top] - se - 1e-12)
    assert plateau.best_threshold_ == results["thresholds"][close[len(close) // 2]]
    assert plateau.best_score_ == pytest.approx(mean[close[len(close) // 2]])
    assert mean[top] - se - 1e-12 <= plateau.best_score_ <= best.best_score_
    assert best.best_threshold_ == results["thresholds"][top]
    assert len(close) > 1 and plateau.best_threshold_ != best.best_threshold_
    # One split: no standard error, both rules keep the best.
    single = [ThresholdTunedClassifier(LogisticRegression(), cv=0.3, selection=rule,
                                       random_state=0).fit(X, y) for rule in ("plateau", "best")]
    assert single[0].best_threshold_ == single[1].best_threshold_


def test_binary_threshold_maximises_the_mean_fold_score(binary):
    X, y = binary
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    tuned = ThresholdTunedClassifier(LogisticRegression(), cv=cv, selection="best",
                                     store_cv_results=True)
    tuned.fit(X, y)
    # Recompute every fold by hand, with plain scikit-learn.
    fold_probas = []
    for train, test in cv.split(X, y):
        model = LogisticRegression().fit(X[train], y[train])
        fold_probas.append((y[test], model.predict_proba(X[test])[:, 1]))

    def mean_f1(threshold):
        return np.mean([f1_score(yt, (p >= threshold).astype(int)) for yt, p in fold_probas])

    assert tuned.best_score_ == pytest.approx(mean_f1(tuned.best_threshold_), abs=1e-12)
    results = tuned.cv_results_
    for index in np.linspace(0, len(results["thresholds"]) - 1, 25).astype(int):
        t = results["thresholds"][index]
        assert results["mean_score"][index] == pytest.approx(mean_f1(t), abs=1e-12)
        assert mean_f1(t) <= tuned.best_score_ + 1e-12
    # scikit-learn's tuner, same folds: our exact choice is at least as good on them.
    theirs = TunedThresholdClassifierCV(LogisticRegression(), cv=cv, scoring="f1").fit(X, y)
    assert tuned.best_score_ >= mean_f1(theirs.best_threshold_) - 1e-12
    # predict applies the threshold to the refitted estimator's probabilities.
    proba = tuned.estimator_.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(tuned.predict(X), (proba >= tuned.best_threshold_).astype(int))
    np.testing.assert_array_equal(tuned.predict_proba(X), tuned.estimator_.predict_proba(X))
    assert tuned.n_features_in_ == X.shape[1] and tuned.n_iter_ == 1


def test_cv_results_curves(binary):
    X, y = binary
    tuned = ThresholdTunedClassifier(LogisticRegression(), cv=4, store_cv_results=True)
    tuned.fit(X, y)
    results = tuned.cv_results_
    n_thresholds = len(results["thresholds"])
    assert results["scores"].shape == (4, n_thresholds)
    np.testing.assert_allclose(results["mean_score"], results["scores"].mean(axis=0))
    np.testing.assert_allclose(results["std_score"], results["scores"].std(axis=0))
    assert results["best_threshold"] == tuned.best_threshold_
    assert results["thresholds"][results["best_index"]] == tuned.best_threshold_
    assert results["fold_best_thresholds"].shape == (4,)
    assert results["fold_best_thresholds_std"] == pytest.approx(
        results["fold_best_thresholds"].std())
    for fold in range(4):
        assert results["scores"][fold].max() == pytest.approx(
            results["scores"][fold][np.searchsorted(
                results["thresholds"], results["fold_best_thresholds"][fold])])
    # Pooled out-of-fold precision / recall / F1 at every threshold.
    oof = np.zeros(len(y))
    for train, test in StratifiedKFold(4).split(X, y):
        oof[test] = LogisticRegression().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    for index in (0, n_thresholds // 3, n_thresholds // 2, n_thresholds - 2):
        pred = (oof >= results["thresholds"][index]).astype(int)
        assert results["precision"][index] == pytest.approx(precision_score(y, pred))
        assert results["recall"][index] == pytest.approx(recall_score(y, pred))
        assert results["f1"][index] == pytest.approx(f1_score(y, pred))
    assert results["scoring"] == "f1" and results["pos_label"] == 1
    assert ThresholdTunedClassifier(LogisticRegression()).fit(X, y).cv_results_ is None


def test_tuning_beats_the_default_cut_on_held_out_data(binary):
    X, y = binary
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    plain = LogisticRegression().fit(X_train, y_train)
    tuned = ThresholdTunedClassifier(LogisticRegression()).fit(X_train, y_train)
    assert f1_score(y_test, tuned.predict(X_test)) > f1_score(y_test, plain.predict(X_test))


def test_string_labels_decision_function_and_pos_label(binary):
    X, y = binary
    labels = np.array(["legit", "fraud"])[y]  # "fraud" sorts first: classes_[0]
    tuned = ThresholdTunedClassifier(
        make_pipeline(StandardScaler(), LinearSVC()), pos_label="fraud"
    ).fit(X, labels)
    assert tuned.response_method_ == "decision_function"
    assert tuned.pos_label_ == "fraud"
    score = -tuned.decision_function(X)  # LinearSVC scores classes_[1] = "legit"
    expected = np.where(score >= tuned.best_threshold_, "fraud", "legit")
    np.testing.assert_array_equal(tuned.predict(X), expected)
    scorer = make_scorer(f1_score, pos_label="fraud")
    from_scorer = ThresholdTunedClassifier(LogisticRegression(), scoring=scorer).fit(X, labels)
    assert from_scorer.pos_label_ == "fraud"


def test_multiclass_weights_are_never_worse_than_argmax(multiclass):
    X, y = multiclass
    tuned = ThresholdTunedClassifier(LogisticRegression(max_iter=1000), store_cv_results=True)
    tuned.fit(X, y)
    results = tuned.cv_results_
    assert tuned.class_weights_.shape == (3,) and tuned.class_weights_.max() == 1.0
    assert tuned.best_score_ >= results["argmax_fold_scores"].mean()
    assert tuned.best_score_ > results["argmax_fold_scores"].mean() + 0.005
    assert results["history"][0][3] == pytest.approx(results["argmax_fold_scores"].mean())
    proba = tuned.predict_proba(X)
    np.testing.assert_array_equal(tuned.predict(X), np.argmax(proba * tuned.class_weights_, 1))
    assert tuned.best_threshold_ is None and tuned.pos_label_ is None
    assert 1 <= tuned.n_iter_ <= 10
    # The reported score is the mean fold macro F1 of the rule, recomputed by hand.
    scores = []
    for train, test in StratifiedKFold(5).split(X, y):
        p = LogisticRegression(max_iter=1000).fit(X[train], y[train]).predict_proba(X[test])
        scores.append(f1_score(y[test], np.argmax(p * tuned.class_weights_, 1), average="macro"))
    assert tuned.best_score_ == pytest.approx(np.mean(scores), abs=1e-9)


def test_multiclass_flip_confusions_match_direct_argmax():
    rng = np.random.RandomState(0)
    proba = rng.dirichlet([1.0, 1.0, 0.5], size=400)
    y = rng.randint(0, 3, size=400)
    weights = rng.uniform(0.5, 1.5, size=400)
    class_weights = np.array([1.0, 0.7, 1.3])
    candidates = np.array([0.05, 0.4, 0.9, 1.7, 5.0])
    confusion, _ = class_flip_confusions(y, proba, weights, class_weights, 1, candidates, 3)
    for c, matrix in zip(candidates, confusion):
        w = class_weights.copy()
        w[1] = c
        pred = np.argmax(proba * w, axis=1)
        expected = np.zeros((3, 3))
        np.add.at(expected, (y, pred), weights)
        np.testing.assert_allclose(matrix, expected)


@pytest.mark.parametrize("scoring", ["matthews_corrcoef", "balanced_accuracy",
                                     make_scorer(cohen_kappa_score)])
def test_multiclass_other_scorers(multiclass, scoring):
    X, y = multiclass
    tuned = ThresholdTunedClassifier(LogisticRegression(max_iter=1000), scoring=scoring,
                                     cv=3, store_cv_results=True).fit(X, y)
    assert tuned.best_score_ >= tuned.cv_results_["argmax_fold_scores"].mean()


def test_multiclass_binary_only_scorer_is_a_clear_error(multiclass):
    X, y = multiclass
    with pytest.raises(ValueError, match="average='binary'.*f1_macro"):
        ThresholdTunedClassifier(LogisticRegression(max_iter=1000), scoring="f1").fit(X, y)


def test_multiclass_needs_predict_proba(multiclass):
    X, y = multiclass
    with pytest.raises(ValueError, match="predict_proba"):
        ThresholdTunedClassifier(LinearSVC()).fit(X, y)


def test_cost_matrix_minimises_expected_cost(multiclass):
    X, y = multiclass
    cost = np.array([[0.0, 1.0, 1.0], [5.0, 0.0, 1.0], [20.0, 5.0, 0.0]])
    tuned = ThresholdTunedClassifier(LogisticRegression(max_iter=1000), cost_matrix=cost,
                                     cv=3).fit(X, y)
    proba = tuned.predict_proba(X)
    np.testing.assert_array_equal(tuned.predict(X), np.argmin(proba @ cost, axis=1))
    argmax_cost = cost[y, np.argmax(proba, 1)].mean()
    assert cost[y, tuned.predict(X)].mean() < argmax_cost
    assert tuned.best_score_ < 0
    with pytest.raises(ValueError, match="cost_matrix and scoring are exclusive"):
        ThresholdTunedClassifier(LogisticRegression(), cost_matrix=cost, scoring="f1").fit(X, y)
    with pytest.raises(ValueError, match=r"cost_matrix must be a \(3, 3\) array"):
        ThresholdTunedClassifier(LogisticRegression(), cost_matrix=np.eye(2)).fit(X, y)


def test_binary_cost_matrix_is_the_bayes_threshold(binary):
    X, y = binary
    cost = np.array([[0.0, 1.0], [9.0, 0.0]])  # a missed positive costs 9 false alarms
    tuned = ThresholdTunedClassifier(LogisticRegression(), cost_matrix=cost).fit(X, y)
    proba = tuned.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(tuned.predict(X), (proba > 0.1).astype(int))


class _CountingLR(LogisticRegression):
    """LogisticRegression recording the size of every fit (clones share the class list)."""

    fit_sizes = []

    def fit(self, X, y, sample_weight=None):
        _CountingLR.fit_sizes.append(len(y))
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture
def fit_sizes():
    _CountingLR.fit_sizes.clear()
    yield _CountingLR.fit_sizes
    _CountingLR.fit_sizes.clear()


def test_cv_float_refit_false_fits_once(binary, fit_sizes):
    X, y = binary
    tuned = ThresholdTunedClassifier(_CountingLR(), cv=0.25, refit=False,
                                     random_state=0).fit(X, y)
    assert fit_sizes == [1125]
    assert tuned.estimator_.coef_.shape == (1, X.shape[1])
    fit_sizes.clear()
    ThresholdTunedClassifier(_CountingLR(), cv=0.25, random_state=0).fit(X, y)
    assert sorted(fit_sizes) == [1125, 1500]


def test_refit_false_with_folds_averages_the_fold_models(binary, fit_sizes):
    X, y = binary
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    tuned = ThresholdTunedClassifier(_CountingLR(), cv=cv, refit=False,
                                     store_cv_results=True).fit(X, y)
    assert fit_sizes == [1000, 1000, 1000]  # the folds only, no refit on all 1500
    members = tuned.estimator_.estimators_
    assert len(members) == 3
    assert len({member.coef_.tobytes() for member in members}) == 3
    expected = np.mean([member.predict_proba(X) for member in members], axis=0)
    np.testing.assert_allclose(tuned.predict_proba(X), expected)
    np.testing.assert_allclose(tuned.decision_function(X), np.mean(
        [member.decision_function(X) for member in members], axis=0))
    np.testing.assert_array_equal(
        tuned.predict(X), (expected[:, 1] >= tuned.best_threshold_).astype(int))
    # The rule was tuned on the out-of-fold responses of exactly these models.
    best = tuned.cv_results_["best_index"]
    for k, (member, (_, test)) in enumerate(zip(members, cv.split(X, y))):
        oof = member.predict_proba(X[test])[:, 1]
        assert f1_score(y[test], oof >= tuned.best_threshold_) == pytest.approx(
            tuned.cv_results_["scores"][k, best])
    assert tuned.n_features_in_ == X.shape[1]
    clone_ = pickle.loads(pickle.dumps(tuned))
    np.testing.assert_array_equal(clone_.predict(X), tuned.predict(X))


def test_refit_false_needs_folds_that_partition_the_data(binary):
    X, y = binary
    with pytest.raises(ValueError, match="test every sample exactly once"):
        ThresholdTunedClassifier(
            LogisticRegression(), refit=False,
            cv=StratifiedShuffleSplit(3, test_size=0.2, random_state=0)).fit(X, y)


def test_prefit_and_frozen_estimators_are_not_refit(binary, fit_sizes):
    X, y = binary
    X_fit, X_tune, y_fit, y_tune = train_test_split(X, y, stratify=y, random_state=0)
    model = _CountingLR().fit(X_fit, y_fit)
    coef = model.coef_.copy()
    prefit = ThresholdTunedClassifier(model, cv="prefit").fit(X_tune, y_tune)
    frozen = ThresholdTunedClassifier(FrozenEstimator(model)).fit(X_tune, y_tune)
    assert fit_sizes == [len(y_fit)]
    assert prefit.estimator_ is model
    np.testing.assert_array_equal(model.coef_, coef)
    assert prefit.best_threshold_ == frozen.best_threshold_
    thresholds, f1 = threshold_sweep(y_tune, model.predict_proba(X_tune)[:, 1])
    assert prefit.best_score_ == pytest.approx(f1.max())
    with pytest.raises(ValueError, match="already fitted"):
        ThresholdTunedClassifier(LogisticRegression(), cv="prefit").fit(X_tune, y_tune)


def test_bad_targets(binary):
    X, y = binary
    with pytest.raises(ValueError, match="one class"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, y[:-1])


def test_wraps_a_text_pipeline_and_delegates_input_tags():
    rng = np.random.RandomState(0)
    words = np.array(["good", "fine", "great", "ok", "nice", "meh", "awful", "broken", "refund"])
    texts, y = [], []
    for i in range(600):
        angry = rng.rand() < 0.1
        pool = words[5:] if angry else words[:6]
        texts.append(" ".join(rng.choice(pool, size=5)))
        y.append("angry" if angry else "calm")
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    tuned = ThresholdTunedClassifier(pipe, pos_label="angry").fit(texts, y)
    assert set(tuned.predict(texts[:50])) <= {"angry", "calm"}
    assert f1_score(y, tuned.predict(texts), pos_label="angry") >= f1_score(
        y, clone(pipe).fit(texts, y).predict(texts), pos_label="angry")
    assert get_tags(tuned).input_tags == get_tags(pipe).input_tags
    assert get_tags(ThresholdTunedClassifier(LogisticRegression())).input_tags.two_d_array


def test_grid_search_imblearn_pipeline_clone_and_pickle(binary):
    X, y = binary
    search = GridSearchCV(
        ThresholdTunedClassifier(LogisticRegression(), cv=3),
        {"estimator__C": [0.01, 1.0], "scoring": ["f1", "matthews_corrcoef"]},
        scoring="f1", cv=3,
    ).fit(X, y)
    assert search.best_estimator_.best_threshold_ is not None
    pipe = make_imb_pipeline(StandardScaler(), RandomUnderSampler(random_state=0),
                             ThresholdTunedClassifier(LogisticRegression(), cv=3)).fit(X, y)
    tuned = pipe[-1]
    # The sampler balanced the training data the tuner saw.
    assert tuned.estimator_.coef_.shape == (1, X.shape[1])
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(X), pipe.predict(X))
    assert clone(tuned).get_params()["cv"] == 3


def test_sample_weight_routing(binary):
    X, y = binary
    X_fit, X_tune, y_fit, y_tune = train_test_split(X, y, stratify=y, random_state=1)
    model = LogisticRegression().fit(X_fit, y_fit)
    weights = np.where(y_tune == 1, 3, 1)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = get_scorer("f1").set_score_request(sample_weight=True)
        weighted = ThresholdTunedClassifier(FrozenEstimator(model), scoring=scorer)
        weighted.fit(X_tune, y_tune, sample_weight=weights)
        # Integer weights are the same as repeating rows.
        repeat = np.repeat(np.arange(len(y_tune)), weights)
        repeated = ThresholdTunedClassifier(FrozenEstimator(model), scoring=scorer)
        repeated.fit(X_tune[repeat], y_tune[repeat])
        assert weighted.best_threshold_ == pytest.approx(repeated.best_threshold_)
        assert weighted.best_score_ == pytest.approx(repeated.best_score_)
        plain = ThresholdTunedClassifier(FrozenEstimator(model), scoring=scorer).fit(
            X_tune, y_tune)
        assert plain.best_threshold_ != weighted.best_threshold_
        # Weights reach the wrapped estimator's fit too.
        fitted = ThresholdTunedClassifier(
            LogisticRegression().set_fit_request(sample_weight=True), scoring=scorer, cv=3
        ).fit(X_fit, y_fit, sample_weight=np.where(y_fit == 1, 5.0, 1.0))
        unweighted_lr = LogisticRegression().fit(X_fit, y_fit)
        assert not np.allclose(fitted.estimator_.coef_, unweighted_lr.coef_)
    with pytest.raises(ValueError, match="sample_weight"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, y, sample_weight=np.ones(len(y)))


def test_constant_scores_are_a_clear_error():
    X = np.zeros((40, 2))
    y = np.array([0, 1] * 20)
    with pytest.raises(ValueError, match="same score to every sample"):
        ThresholdTunedClassifier(LogisticRegression(), cv=2).fit(X, y)


# --------------------------------------------------------------------------- bad decision rules
BAD_THRESHOLDS = [
    pytest.param([np.nan, np.nan], "NaN or infinite", id="all-nan"),
    pytest.param([0.2, np.nan], "NaN or infinite", id="one-nan"),
    pytest.param([np.inf, 0.3], "NaN or infinite", id="inf"),
    pytest.param([], "thresholds is empty", id="empty"),
    pytest.param([[0.1, 0.2]], "1-D array of numbers", id="2-d"),
    pytest.param(["low", "high"], "1-D array of numbers", id="strings"),
]


@pytest.mark.parametrize("thresholds, match", BAD_THRESHOLDS)
def test_bad_thresholds_are_named_before_anything_is_fitted(binary, fit_sizes, thresholds,
                                                            match):
    X, y = binary
    with pytest.raises(ValueError, match=match) as error:
        ThresholdTunedClassifier(_CountingLR(), thresholds=thresholds).fit(X, y)
    assert "thresholds" in str(error.value) and "same score" not in str(error.value)
    assert fit_sizes == []
    with pytest.raises(ValueError, match=match):
        threshold_sweep(y, X[:, 0], thresholds=thresholds)


@pytest.mark.parametrize("thresholds", [1, True, 0.5])
def test_sweep_needs_an_int_of_at_least_two_candidates(binary, thresholds):
    X, y = binary
    with pytest.raises(ValueError, match="thresholds"):
        threshold_sweep(y, X[:, 0], thresholds=thresholds)


def test_a_single_threshold_is_a_fixed_threshold_scored_by_cv(binary):
    X, y = binary
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    tuned = ThresholdTunedClassifier(LogisticRegression(), thresholds=[0.3], cv=cv,
                                     store_cv_results=True).fit(X, y)
    assert tuned.best_threshold_ == 0.3
    fold_scores = []
    for train, test in cv.split(X, y):
        proba = LogisticRegression().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        fold_scores.append(f1_score(y[test], (proba >= 0.3).astype(int)))
    assert tuned.best_score_ == pytest.approx(np.mean(fold_scores))
    assert tuned.cv_results_["scores"].shape == (3, 1)
    proba = tuned.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(tuned.predict(X), (proba >= 0.3).astype(int))


@pytest.mark.parametrize("thresholds", [[0.3], [0.3, 0.7], 20])
def test_thresholds_other_than_auto_are_refused_where_no_threshold_is_tuned(
        binary, multiclass, fit_sizes, thresholds):
    X, y = multiclass
    with pytest.raises(ValueError, match="per-class weights for the 3 classes.*'auto'"):
        ThresholdTunedClassifier(_CountingLR(), thresholds=thresholds).fit(X, y)
    X, y = binary
    with pytest.raises(ValueError, match="minimum expected cost of cost_matrix"):
        ThresholdTunedClassifier(_CountingLR(), thresholds=thresholds,
                                 cost_matrix=[[0, 1], [5, 0]]).fit(X, y)
    assert fit_sizes == []


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_cost_matrix_with_nan_or_inf_says_so(multiclass, fit_sizes, bad):
    X, y = multiclass
    cost = np.array([[0.0, 1.0, 1.0], [5.0, 0.0, bad], [20.0, 5.0, 0.0]])
    with pytest.raises(ValueError, match=r"NaN or infinite values at \[\(1, 2\)\]"):
        ThresholdTunedClassifier(_CountingLR(), cost_matrix=cost).fit(X, y)
    with pytest.raises(ValueError, match="cost_matrix must hold numbers"):
        ThresholdTunedClassifier(_CountingLR(), cost_matrix=[["a", "b"], ["c", "d"]]).fit(X, y)
    assert fit_sizes == []


def test_negative_costs_are_gains(binary):
    # Policy: a negative cost is a gain. Decisions depend on the differences within a row
    # only, so gains and the same matrix shifted to non-negative costs decide alike.
    X, y = binary
    gains = np.array([[0.0, -1.0], [-2.0, 8.0]])  # a caught positive earns 8, a miss costs 2
    shift = np.array([[0.0], [8.0]])  # 8 more on the row of the positives
    assert (-gains + shift).min() == 0
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    with_gains = ThresholdTunedClassifier(LogisticRegression(), cost_matrix=-gains,
                                          cv=cv).fit(X, y)
    shifted = ThresholdTunedClassifier(LogisticRegression(), cost_matrix=-gains + shift,
                                       cv=cv).fit(X, y)
    np.testing.assert_array_equal(with_gains.predict(X), shifted.predict(X))
    np.testing.assert_array_equal(with_gains.cost_matrix_, -gains)
    # best_score_ is the mean gain, the shifted one less the mean shift of the folds.
    mean_shift = np.mean([shift[y[test], 0].mean() for _, test in cv.split(X, y)])
    assert with_gains.best_score_ == pytest.approx(shifted.best_score_ + mean_shift)
    assert with_gains.best_score_ > 0


def test_nan_scores_of_the_estimator_are_named(binary):
    X, y = binary
    broken = LogisticRegression().fit(X, y)
    broken.coef_[:, 0] = np.nan
    with pytest.raises(ValueError, match="predict_proba gave NaN or infinite values for 1500"):
        ThresholdTunedClassifier(FrozenEstimator(broken)).fit(X, y)
    with pytest.raises(ValueError, match="y_score holds 3 NaN or infinite values"):
        threshold_sweep(y[:10], np.r_[np.nan, np.inf, -np.inf, np.linspace(0, 1, 7)])


def _bad_weights(kind, n):
    weights = np.zeros(n) if kind == "zero" else np.ones(n)
    weights[3] = {"negative": -1.0, "nan": np.nan, "zero": 0.0}[kind]
    return weights


@pytest.mark.parametrize("kind, match", [
    ("negative", "Negative values in data passed to `sample_weight`"),
    ("nan", "sample_weight contains NaN"),
    ("zero", "at least one non-zero"),
])
def test_bad_scorer_sample_weight_is_named(binary, kind, match):
    X, y = binary
    model = LogisticRegression().fit(X, y)
    weights = _bad_weights(kind, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = get_scorer("f1").set_score_request(sample_weight=True)
        with pytest.raises(ValueError, match=match):
            ThresholdTunedClassifier(FrozenEstimator(model), scoring=scorer).fit(
                X, y, sample_weight=weights)
    with pytest.raises(ValueError, match=match):
        threshold_sweep(y, X[:, 0], sample_weight=weights)


@pytest.mark.parametrize("scoring", ["f1", "matthews_corrcoef", "precision"])
@pytest.mark.parametrize("repeat_class, r", [(1, 3), (0, 4)])
def test_deployment_prior_equals_resampling_to_that_prevalence(scoring, repeat_class, r):
    """Tuning at a stated prevalence = tuning on the data resampled to it (brute force)."""
    X, y = make_classification(1500, weights=[0.9], flip_y=0.05, random_state=1)
    model = LogisticRegression().fit(X, y)
    repeated = np.concatenate([np.arange(len(y))] + [np.flatnonzero(y == repeat_class)] * (r - 1))
    prior = np.mean(y[repeated] == 1)
    stated = ThresholdTunedClassifier(model, cv="prefit", scoring=scoring, selection="best",
                                      deployment_prior=prior).fit(X, y)
    brute = ThresholdTunedClassifier(model, cv="prefit", scoring=scoring,
                                     selection="best").fit(X[repeated], y[repeated])
    plain = ThresholdTunedClassifier(model, cv="prefit", scoring=scoring,
                                     selection="best").fit(X, y)
    assert stated.best_score_ == pytest.approx(brute.best_score_, abs=1e-9)
    assert stated.best_threshold_ == pytest.approx(brute.best_threshold_)
    if scoring != "precision":  # precision peaks at 1.0 on the top scores at any prior
        assert stated.best_threshold_ != plain.best_threshold_
    # One rate per class, in classes_ order, is the same statement.
    vector = ThresholdTunedClassifier(model, cv="prefit", scoring=scoring, selection="best",
                                      deployment_prior=[1 - prior, prior]).fit(X, y)
    assert vector.best_threshold_ == stated.best_threshold_


def test_deployment_prior_multiclass_and_bad_values():
    X, y = make_classification(900, n_classes=3, n_informative=4, weights=[0.7, 0.2, 0.1],
                               random_state=0)
    model = LogisticRegression().fit(X, y)
    repeated = np.concatenate([np.arange(len(y))] + [np.flatnonzero(y == 2)] * 2)
    prior = np.bincount(y[repeated]) / len(repeated)
    stated = ThresholdTunedClassifier(model, cv="prefit", deployment_prior=prior).fit(X, y)
    brute = ThresholdTunedClassifier(model, cv="prefit").fit(X[repeated], y[repeated])
    np.testing.assert_allclose(stated.class_weights_, brute.class_weights_)
    assert stated.best_score_ == pytest.approx(brute.best_score_)
    for bad, match in [(0.3, "one rate, for a binary target"),
                       ([0.5, 0.5], "3 positive rates"),
                       ([0.5, 0.6, -0.1], "summing to 1")]:
        with pytest.raises(ValueError, match=match):
            ThresholdTunedClassifier(model, cv="prefit", deployment_prior=bad).fit(X, y)


@pytest.mark.parametrize("weighted", [False, True])
def test_best_score_interval_matches_a_brute_force_bootstrap(binary, weighted):
    X, y = binary
    model = LogisticRegression().fit(X, y)
    weights = np.where(y == 1, 2.0, 1.0) if weighted else np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = get_scorer("f1").set_score_request(sample_weight=True)
        tuned = ThresholdTunedClassifier(FrozenEstimator(model), scoring=scorer,
                                         store_cv_results=True, random_state=0).fit(
            X, y, sample_weight=weights)
    low, high = tuned.cv_results_["best_score_interval"]
    assert low < tuned.best_score_ < high
    # By hand: resample the rows, score the chosen threshold, 2.5% and 97.5% points.
    pred = (model.predict_proba(X)[:, 1] >= tuned.best_threshold_).astype(int)
    rng = np.random.RandomState(1)
    draws = [rng.randint(len(y), size=len(y)) for _ in range(2000)]
    brute = [f1_score(y[d], pred[d], sample_weight=weights[d]) for d in draws]
    np.testing.assert_allclose([low, high], np.percentile(brute, [2.5, 97.5]), atol=0.015)
    # Seeded: the same interval again; a scorer on real predictions gets none.
    again = ThresholdTunedClassifier(FrozenEstimator(model), store_cv_results=True,
                                     random_state=0).fit(X, y)
    if not weighted:
        assert again.cv_results_["best_score_interval"] == (low, high)


def test_deployment_prior_composes_with_prior_corrected_probabilities():
    """A model tuned at a deployment prior, alone or wrapped in PriorCorrectedClassifier
    at that prior: the same decisions (binary prior correction is monotone in the
    score), and only the wrapped one's probabilities are those of the deployment."""
    X, y = make_classification(6000, weights=[0.97], class_sep=0.8, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    X_under, y_under = RandomUnderSampler(sampling_strategy=0.25,
                                          random_state=0).fit_resample(X_train, y_train)
    X_fit, X_val, y_fit, y_val = train_test_split(X_under, y_under, stratify=y_under,
                                                  random_state=0)
    prior = float(y_train.mean())
    plain = LogisticRegression().fit(X_fit, y_fit)
    corrected = PriorCorrectedClassifier(LogisticRegression(), training_class_weight=None,
                                         target_prior=[1 - prior, prior]).fit(X_fit, y_fit)
    tuned = [ThresholdTunedClassifier(FrozenEstimator(model), deployment_prior=prior)
             .fit(X_val, y_val) for model in (plain, corrected)]
    # The same decision on every tuning row; on new rows the thresholds (midpoints between
    # neighbouring tuning scores, on two different scales) can only disagree between
    # those two neighbours.
    np.testing.assert_array_equal(tuned[0].predict(X_val), tuned[1].predict(X_val))
    assert np.mean(tuned[0].predict(X_test) != tuned[1].predict(X_test)) < 0.005
    # The corrected probabilities average to the deployment rate on deployment data;
    # the plain ones to the undersampled training rate.
    assert tuned[1].predict_proba(X_test)[:, 1].mean() == pytest.approx(prior, rel=0.25)
    assert tuned[0].predict_proba(X_test)[:, 1].mean() > 2 * prior


class _RecordsItsProcess(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        self.fit_pid_ = os.getpid()
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_n_jobs_fits_the_folds_in_parallel_with_the_same_result(n_classes):
    X, y = make_classification(800, n_classes=n_classes, n_informative=4,
                               weights=[0.8, 0.15, 0.05][:n_classes - 1], random_state=0)
    results = []
    for n_jobs in (1, 2):
        tuned = ThresholdTunedClassifier(_RecordsItsProcess(), n_jobs=n_jobs,
                                         store_cv_results=True, random_state=0).fit(X, y)
        results.append(tuned)
    sequential, parallel = results
    assert sequential.estimator_.fit_pid_ == os.getpid()
    assert parallel.estimator_.fit_pid_ != os.getpid()  # fitted in a joblib worker
    np.testing.assert_array_equal(sequential.predict(X), parallel.predict(X))
    assert sequential.best_score_ == parallel.best_score_
    if n_classes == 2:
        assert sequential.best_threshold_ == parallel.best_threshold_
    else:
        np.testing.assert_array_equal(sequential.class_weights_, parallel.class_weights_)
