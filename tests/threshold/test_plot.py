"""Tests for sklearn_imbal.threshold.ThresholdCurveDisplay."""

import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    f1_score,
    fbeta_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from sklearn_imbal.threshold import ThresholdCurveDisplay
from sklearn_imbal.threshold import ThresholdTunedClassifier, threshold_sweep

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

THRESHOLDS = np.linspace(0.1, 0.9, 9)
SCORES = np.array([0.30, 0.42, 0.55, 0.63, 0.66, 0.61, 0.50, 0.35, 0.20])
FOLD_SCORES = SCORES + np.array([[-0.02], [0.01], [0.03]])
PRECISION = np.linspace(0.2, 0.95, 9)
RECALL = np.linspace(1.0, 0.1, 9)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def make_display(**params):
    defaults = dict(
        thresholds=THRESHOLDS,
        scores=SCORES,
        best_threshold=0.5,
        best_score=0.66,
        score_name="F1",
    )
    return ThresholdCurveDisplay(**{**defaults, **params})


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def make_cv_results():
    return {
        "thresholds": THRESHOLDS,
        "scores": FOLD_SCORES,
        "mean_score": FOLD_SCORES.mean(axis=0),
        "std_score": FOLD_SCORES.std(axis=0),
        "best_index": 4,
        "best_threshold": 0.5,
        "best_score": FOLD_SCORES.mean(axis=0)[4],
        "fold_best_thresholds": np.array([0.5, 0.5, 0.5]),
        "fold_best_thresholds_std": 0.0,
        "precision": PRECISION,
        "recall": RECALL,
        "f1": 2 * PRECISION * RECALL / (PRECISION + RECALL),
        "scoring": "balanced_accuracy",
        "pos_label": "spam",
    }


def test_init_only_stores():
    fold_scores = [[1.0]]  # not validated at construction
    disp = ThresholdCurveDisplay(
        thresholds="a", scores="b", best_threshold="c", fold_scores=fold_scores, pos_label=0
    )
    assert disp.thresholds == "a" and disp.scores == "b" and disp.best_threshold == "c"
    assert disp.fold_scores is fold_scores and disp.pos_label == 0
    assert disp.best_score is None and disp.precision is None and disp.recall is None
    assert disp.score_name is None
    assert not hasattr(disp, "ax_") and not hasattr(disp, "line_")


def test_plot_draws_score_line_and_best_threshold():
    disp = make_display()
    assert disp.plot() is disp

    np.testing.assert_array_equal(disp.line_.get_xdata(), THRESHOLDS)
    np.testing.assert_array_equal(disp.line_.get_ydata(), SCORES)
    assert list(disp.best_threshold_line_.get_xdata()) == [0.5, 0.5]
    # axvline spans the whole height of the axes
    assert disp.best_threshold_line_.get_transform() is not disp.line_.get_transform()
    assert list(disp.best_threshold_line_.get_ydata()) == [0, 1]

    assert disp.ax_.get_xlabel() == "Decision threshold"
    assert disp.ax_.get_ylabel() == "F1"
    assert legend_texts(disp.ax_) == ["F1", "Best threshold = 0.5 (F1 = 0.66)"]
    assert disp.ax_.get_legend().get_title().get_text() == ""
    assert disp.figure_ is disp.ax_.figure
    assert disp.ax_.get_lines() == [disp.line_, disp.best_threshold_line_]
    assert disp.fold_lines_ is None
    assert disp.precision_line_ is None and disp.recall_line_ is None


def test_plot_defaults_without_score_name_best_score_and_with_pos_label():
    disp = make_display(score_name=None, best_score=None, best_threshold=0.123456, pos_label=1)
    disp.plot()
    assert disp.ax_.get_ylabel() == "Score"
    assert legend_texts(disp.ax_) == ["Score", "Best threshold = 0.123"]
    assert disp.ax_.get_legend().get_title().get_text() == "Positive label: 1"
    assert disp.best_threshold_line_.get_xdata()[0] == pytest.approx(0.123456)


def test_fold_lines():
    disp = make_display(fold_scores=FOLD_SCORES, scores=FOLD_SCORES.mean(axis=0)).plot()
    assert len(disp.fold_lines_) == FOLD_SCORES.shape[0]
    for line, fold in zip(disp.fold_lines_, FOLD_SCORES):
        np.testing.assert_array_equal(line.get_xdata(), THRESHOLDS)
        np.testing.assert_allclose(line.get_ydata(), fold)
        # thin, transparent, same colour as and below the mean curve
        assert line.get_alpha() < 1
        assert line.get_linewidth() < disp.line_.get_linewidth()
        assert line.get_color() == disp.line_.get_color()
        assert line.get_zorder() < disp.line_.get_zorder()
    np.testing.assert_allclose(disp.line_.get_ydata(), FOLD_SCORES.mean(axis=0))
    # one legend entry for all folds
    assert legend_texts(disp.ax_) == [
        "F1 (mean of 3 folds)",
        "F1 per fold",
        "Best threshold = 0.5 (F1 = 0.66)",
    ]

    disp = make_display(fold_scores=FOLD_SCORES).plot(show_folds=False)
    assert disp.fold_lines_ is None
    assert len(disp.ax_.get_lines()) == 2
    assert legend_texts(disp.ax_) == ["F1", "Best threshold = 0.5 (F1 = 0.66)"]


def test_precision_recall_lines():
    disp = make_display(precision=PRECISION, recall=RECALL).plot()
    np.testing.assert_array_equal(disp.precision_line_.get_xdata(), THRESHOLDS)
    np.testing.assert_array_equal(disp.precision_line_.get_ydata(), PRECISION)
    np.testing.assert_array_equal(disp.recall_line_.get_ydata(), RECALL)
    assert disp.precision_line_.get_linestyle() == "--"
    assert disp.recall_line_.get_linestyle() == "--"
    assert disp.line_.get_linestyle() == "-"
    assert legend_texts(disp.ax_) == [
        "F1",
        "Precision",
        "Recall",
        "Best threshold = 0.5 (F1 = 0.66)",
    ]

    disp = make_display(precision=PRECISION, recall=RECALL).plot(show_precision_recall=False)
    assert disp.precision_line_ is None and disp.recall_line_ is None
    assert "Precision" not in legend_texts(disp.ax_)

    disp = make_display(recall=RECALL).plot()
    assert disp.precision_line_ is None
    np.testing.assert_array_equal(disp.recall_line_.get_ydata(), RECALL)


def test_plot_uses_given_ax_and_name():
    fig, (ax_left, ax_right) = plt.subplots(ncols=2)
    disp = make_display().plot(ax=ax_right, name="LogReg")
    assert disp.ax_ is ax_right and disp.figure_ is fig
    assert disp.line_ in ax_right.get_lines()
    assert ax_left.get_lines() == []
    assert legend_texts(ax_right)[0] == "LogReg (F1)"

    # a second display on the same axes adds to it
    other = make_display(scores=SCORES / 2, best_threshold=0.3).plot(ax=ax_right, name="Other")
    assert other.ax_ is ax_right
    assert len(ax_right.get_lines()) == 4
    assert "Other (F1)" in legend_texts(ax_right)


def test_plot_kwargs_go_to_score_line():
    disp = make_display().plot(color="red", lw=3, label="my curve")
    assert disp.line_.get_color() == "red"
    assert disp.line_.get_linewidth() == 3
    assert legend_texts(disp.ax_)[0] == "my curve"
    assert disp.best_threshold_line_.get_color() == "k"

    with pytest.raises(TypeError, match="aliases"):
        make_display().plot(c="red", color="blue")


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(scores=SCORES[:-1]), r"scores must have one value per threshold, shape \(9,\)"),
        (dict(thresholds=[]), "non-empty 1-D"),
        (dict(fold_scores=SCORES), r"fold_scores must have shape \(n_folds, n_thresholds\)"),
        (dict(fold_scores=FOLD_SCORES[:, :-1]), r"got an array of shape \(3, 8\)"),
        (dict(precision=PRECISION[:3]), "precision must have one value per threshold"),
        (dict(recall=np.ones((9, 1))), "recall must have one value per threshold"),
    ],
)
def test_plot_rejects_mismatched_shapes(params, match):
    with pytest.raises(ValueError, match=match):
        make_display(**params).plot()


def test_clear_error_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="ThresholdCurveDisplay.plot requires matplotlib"):
        make_display().plot()
    with pytest.raises(ImportError, match="from_cv_results requires matplotlib"):
        ThresholdCurveDisplay.from_cv_results(make_cv_results())
    with pytest.raises(ImportError, match="from_predictions requires matplotlib"):
        ThresholdCurveDisplay.from_predictions([0, 1], [0.2, 0.8])


def test_from_cv_results_hand_made():
    cv_results = make_cv_results()
    fig, ax = plt.subplots()
    disp = ThresholdCurveDisplay.from_cv_results(cv_results, ax=ax, name="clf")
    assert isinstance(disp, ThresholdCurveDisplay)
    assert disp.ax_ is ax
    np.testing.assert_array_equal(disp.line_.get_xdata(), THRESHOLDS)
    np.testing.assert_allclose(disp.line_.get_ydata(), cv_results["mean_score"])
    assert len(disp.fold_lines_) == 3
    for line, fold in zip(disp.fold_lines_, FOLD_SCORES):
        np.testing.assert_allclose(line.get_ydata(), fold)
    np.testing.assert_array_equal(disp.precision_line_.get_ydata(), PRECISION)
    np.testing.assert_array_equal(disp.recall_line_.get_ydata(), RECALL)
    assert list(disp.best_threshold_line_.get_xdata()) == [0.5, 0.5]
    assert disp.score_name == "Balanced accuracy"
    assert disp.ax_.get_ylabel() == "Balanced accuracy"
    best = cv_results["best_score"]
    assert legend_texts(ax) == [
        "clf (Balanced accuracy (mean of 3 folds))",
        "Balanced accuracy per fold",
        "Precision",
        "Recall",
        f"Best threshold = 0.5 (Balanced accuracy = {best:.3g})",
    ]
    assert ax.get_legend().get_title().get_text() == "Positive label: spam"


def test_from_cv_results_forwards_plot_kwargs_and_optional_keys():
    cv_results = make_cv_results()
    for key in ("precision", "recall", "scoring", "pos_label"):
        del cv_results[key]
    disp = ThresholdCurveDisplay.from_cv_results(cv_results, show_folds=False, color="green")
    assert disp.fold_lines_ is None
    assert disp.precision_line_ is None and disp.recall_line_ is None
    assert disp.line_.get_color() == "green"
    assert disp.ax_.get_ylabel() == "Score"
    assert disp.pos_label is None


def test_from_cv_results_none_names_store_cv_results():
    with pytest.raises(ValueError, match=r"store_cv_results=True"):
        ThresholdCurveDisplay.from_cv_results(None)


def test_from_cv_results_multiclass():
    multiclass = {
        "class_weights": np.ones((4, 3)),
        "scores": np.zeros((5, 4)),
        "mean_score": np.zeros(4),
        "best_index": 0,
        "best_score": 0.0,
    }
    with pytest.raises(ValueError, match="multiclass"):
        ThresholdCurveDisplay.from_cv_results(multiclass)


@pytest.mark.parametrize("key", ["thresholds", "scores", "mean_score", "best_threshold"])
def test_from_cv_results_missing_key(key):
    cv_results = make_cv_results()
    del cv_results[key]
    with pytest.raises(ValueError, match=rf"lacks the key\(s\) \['{key}'\].*store_cv_results"):
        ThresholdCurveDisplay.from_cv_results(cv_results)


def test_from_cv_results_not_a_dict():
    class Fitted:
        cv_results_ = None

    with pytest.raises(ValueError, match="Pass estimator.cv_results_"):
        ThresholdCurveDisplay.from_cv_results(Fitted())
    with pytest.raises(ValueError, match="got list"):
        ThresholdCurveDisplay.from_cv_results([1, 2])


# --------------------------------------------------------------------------- real estimator
@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    return train_test_split(X, y, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def tuned(data):
    X_train, _, y_train, _ = data
    return ThresholdTunedClassifier(LogisticRegression(), store_cv_results=True).fit(
        X_train, y_train
    )


def test_from_cv_results_of_fitted_estimator(tuned):
    cv_results = tuned.cv_results_
    disp = ThresholdCurveDisplay.from_cv_results(cv_results)
    np.testing.assert_array_equal(disp.line_.get_xdata(), cv_results["thresholds"])
    np.testing.assert_array_equal(disp.line_.get_ydata(), cv_results["mean_score"])
    assert len(disp.fold_lines_) == cv_results["scores"].shape[0] == 5
    for line, fold in zip(disp.fold_lines_, cv_results["scores"]):
        np.testing.assert_array_equal(line.get_ydata(), fold)
    np.testing.assert_array_equal(disp.precision_line_.get_ydata(), cv_results["precision"])
    np.testing.assert_array_equal(disp.recall_line_.get_ydata(), cv_results["recall"])
    assert list(disp.best_threshold_line_.get_xdata()) == [tuned.best_threshold_] * 2
    assert disp.ax_.get_ylabel() == "F1"
    assert legend_texts(disp.ax_)[-1] == (
        f"Best threshold = {tuned.best_threshold_:.3g} (F1 = {tuned.best_score_:.3g})"
    )
    assert disp.ax_.get_legend().get_title().get_text() == "Positive label: 1"


def test_from_estimator_matches_threshold_sweep(tuned, data):
    _, X_test, _, y_test = data
    fig, ax = plt.subplots()
    disp = ThresholdCurveDisplay.from_estimator(tuned, X_test, y_test, ax=ax)
    assert disp.ax_ is ax

    y_score = tuned.predict_proba(X_test)[:, 1]
    thresholds, f1 = threshold_sweep(y_test, y_score, scoring="f1", pos_label=1)
    np.testing.assert_array_equal(disp.line_.get_xdata(), thresholds)
    np.testing.assert_array_equal(disp.line_.get_ydata(), f1)
    for line, metric in [(disp.precision_line_, "precision"), (disp.recall_line_, "recall")]:
        expected_thresholds, expected = threshold_sweep(
            y_test, y_score, scoring=metric, pos_label=1
        )
        np.testing.assert_array_equal(line.get_xdata(), expected_thresholds)
        np.testing.assert_array_equal(line.get_ydata(), expected)
    assert disp.fold_lines_ is None

    best = tuned.best_threshold_
    assert list(disp.best_threshold_line_.get_xdata()) == [best, best]
    nearest = np.argmin(np.abs(thresholds - best))
    assert disp.best_score == f1[nearest]
    assert legend_texts(ax) == [
        "ThresholdTunedClassifier (F1)",
        "Precision",
        "Recall",
        f"Best threshold = {best:.3g} (F1 = {f1[nearest]:.3g})",
    ]
    assert disp.pos_label == 1


def test_from_estimator_sample_weight_name_and_kwargs(tuned, data):
    _, X_test, _, y_test = data
    sample_weight = np.where(y_test == 1, 3.0, 1.0)
    disp = ThresholdCurveDisplay.from_estimator(
        tuned, X_test, y_test, sample_weight=sample_weight, name="LR", color="red",
        show_precision_recall=False,
    )
    y_score = tuned.predict_proba(X_test)[:, 1]
    _, weighted = threshold_sweep(y_test, y_score, sample_weight=sample_weight)
    _, unweighted = threshold_sweep(y_test, y_score)
    np.testing.assert_array_equal(disp.line_.get_ydata(), weighted)
    assert not np.allclose(weighted, unweighted)
    assert disp.line_.get_color() == "red"
    assert disp.precision_line_ is None and disp.recall_line_ is None
    assert legend_texts(disp.ax_)[0] == "LR (F1)"


def test_from_estimator_decision_function_negative_pos_label(data):
    X_train, X_test, y_train, y_test = data
    labels = np.array(["ham", "spam"])
    clf = ThresholdTunedClassifier(LinearSVC(), pos_label="ham").fit(X_train, labels[y_train])
    assert clf.cv_results_ is None and clf.response_method_ == "decision_function"
    disp = ThresholdCurveDisplay.from_estimator(clf, X_test, labels[y_test])

    # "ham" is classes_[0]: its score is minus the decision function, as in the estimator
    y_score = -clf.decision_function(X_test)
    np.testing.assert_array_equal(
        clf.predict(X_test), np.where(y_score >= clf.best_threshold_, "ham", "spam")
    )
    thresholds, f1 = threshold_sweep(labels[y_test], y_score, pos_label="ham")
    np.testing.assert_array_equal(disp.line_.get_xdata(), thresholds)
    np.testing.assert_array_equal(disp.line_.get_ydata(), f1)
    assert disp.best_threshold_line_.get_xdata()[0] == clf.best_threshold_
    assert disp.ax_.get_legend().get_title().get_text() == "Positive label: ham"


@pytest.mark.parametrize(
    "scoring, score_name",
    [("balanced_accuracy", "Balanced accuracy"), (make_scorer(fbeta_score, beta=2), "Fbeta score")],
)
def test_score_name_follows_scoring(data, scoring, score_name):
    X_train, X_test, y_train, y_test = data
    clf = ThresholdTunedClassifier(
        LogisticRegression(), scoring=scoring, store_cv_results=True
    ).fit(X_train, y_train)
    from_cv = ThresholdCurveDisplay.from_cv_results(clf.cv_results_)
    assert from_cv.ax_.get_ylabel() == score_name
    disp = ThresholdCurveDisplay.from_estimator(clf, X_test, y_test)
    assert disp.ax_.get_ylabel() == score_name
    _, expected = threshold_sweep(y_test, clf.predict_proba(X_test)[:, 1], scoring=scoring)
    np.testing.assert_array_equal(disp.line_.get_ydata(), expected)


def test_from_estimator_errors(data):
    X_train, X_test, y_train, y_test = data
    with pytest.raises(NotFittedError):
        ThresholdCurveDisplay.from_estimator(
            ThresholdTunedClassifier(LogisticRegression()), X_test, y_test
        )
    plain = LogisticRegression().fit(X_train, y_train)
    with pytest.raises(ValueError, match="LogisticRegression did not: it has no best_thr"):
        ThresholdCurveDisplay.from_estimator(plain, X_test, y_test)
    cost = ThresholdTunedClassifier(
        LogisticRegression(), cost_matrix=[[0, 1], [5, 0]], store_cv_results=True
    ).fit(X_train, y_train)
    with pytest.raises(ValueError, match="fitted with a cost_matrix"):
        ThresholdCurveDisplay.from_estimator(cost, X_test, y_test)
    with pytest.raises(ValueError, match="cost_matrix, which tunes no decision threshold"):
        ThresholdCurveDisplay.from_cv_results(cost.cv_results_)
    with pytest.raises(ValueError, match="Found input variables with inconsistent numbers"):
        ThresholdCurveDisplay.from_estimator(
            ThresholdTunedClassifier(LogisticRegression()).fit(X_train, y_train),
            X_test,
            y_test[:-1],
        )


def test_real_multiclass_and_unstored_cv_results():
    X, y = make_classification(
        n_samples=150, n_classes=3, n_informative=4, weights=[0.7, 0.2], random_state=0
    )
    clf = ThresholdTunedClassifier(LogisticRegression(), store_cv_results=True).fit(X, y)
    with pytest.raises(ValueError, match="multiclass fit, which tunes class weights"):
        ThresholdCurveDisplay.from_cv_results(clf.cv_results_)
    with pytest.raises(ValueError, match="fitted on 3 classes"):
        ThresholdCurveDisplay.from_estimator(clf, X, y)

    unstored = ThresholdTunedClassifier(LogisticRegression()).fit(X, y == 0)
    with pytest.raises(ValueError, match=r"store_cv_results=True"):
        ThresholdCurveDisplay.from_cv_results(unstored.cv_results_)


# --------------------------------------------------------------------------- from_predictions
def brute_force(metric, y_true, y_score, thresholds, positive, negative, **kwargs):
    """``metric`` of real predictions (positive when score >= t) at every threshold."""
    return np.array([
        metric(y_true, np.where(y_score >= t, positive, negative), **kwargs)
        for t in thresholds
    ])


@pytest.fixture(scope="module")
def predictions():
    """String labels, ties among the scores (rounded), 30% 'spam', three folds."""
    rng = np.random.RandomState(0)
    y = np.where(rng.rand(120) < 0.3, "spam", "ham")
    score = np.round(np.clip(0.35 * (y == "spam") + rng.rand(120) * 0.7, 0, 1), 2)
    folds = np.arange(120) % 3
    return y, score, folds


def test_from_predictions_matches_brute_force(predictions):
    y, score, _ = predictions
    disp = ThresholdCurveDisplay.from_predictions(y, score, pos_label="spam", name="LR")
    thresholds = disp.thresholds
    np.testing.assert_array_equal(disp.line_.get_xdata(), thresholds)
    reference = dict(pos_label="spam", zero_division=0)
    for values, metric in [(disp.scores, f1_score), (disp.precision, precision_score),
                           (disp.recall, recall_score)]:
        np.testing.assert_allclose(
            values, brute_force(metric, y, score, thresholds, "spam", "ham", **reference))
    # Every place a prediction changes is a candidate: the best of all cut-offs is on it.
    every_cut = np.r_[np.unique(score), np.inf]
    best = brute_force(f1_score, y, score, every_cut, "spam", "ham", **reference).max()
    assert disp.best_score == pytest.approx(best) == disp.scores.max()
    assert disp.scores[np.flatnonzero(thresholds == disp.best_threshold)[0]] == disp.best_score
    assert disp.fold_lines_ is None and disp.pos_label == "spam"
    assert legend_texts(disp.ax_) == [
        "LR (F1)", "Precision", "Recall",
        f"Best threshold = {disp.best_threshold:.3g} (F1 = {disp.best_score:.3g})",
    ]


def test_from_predictions_folds_average_per_fold_curves(predictions):
    y, score, folds = predictions
    disp = ThresholdCurveDisplay.from_predictions(
        y, score, scoring="matthews_corrcoef", pos_label="spam", folds=folds)
    thresholds = disp.thresholds
    expected = np.array([
        brute_force(matthews_corrcoef, y[folds == k], score[folds == k], thresholds, "spam",
                    "ham")
        for k in range(3)
    ])
    np.testing.assert_allclose(disp.fold_scores, expected, atol=1e-12)
    np.testing.assert_allclose(disp.scores, expected.mean(axis=0), atol=1e-12)
    assert len(disp.fold_lines_) == 3
    for line, fold in zip(disp.fold_lines_, expected):
        np.testing.assert_allclose(line.get_ydata(), fold, atol=1e-12)
    # precision and recall of the pooled samples
    np.testing.assert_allclose(disp.recall, brute_force(
        recall_score, y, score, thresholds, "spam", "ham", pos_label="spam"))
    assert disp.best_score == pytest.approx(disp.scores.max())
    assert disp.ax_.get_ylabel() == "Matthews corrcoef"
    assert legend_texts(disp.ax_)[:2] == [
        "Matthews corrcoef (mean of 3 folds)", "Matthews corrcoef per fold"]


def test_from_predictions_best_threshold_weights_and_grid(predictions):
    y, score, _ = predictions
    weight = np.where(y == "spam", 2.0, 1.0)
    grid = np.linspace(0, 1, 11)
    disp = ThresholdCurveDisplay.from_predictions(
        y, score, pos_label="spam", thresholds=grid, sample_weight=weight,
        best_threshold=0.52, score_name="my F1", show_precision_recall=False)
    np.testing.assert_allclose(disp.thresholds, grid)
    np.testing.assert_allclose(disp.scores, brute_force(
        f1_score, y, score, grid, "spam", "ham", pos_label="spam", sample_weight=weight))
    assert disp.best_threshold == 0.52
    assert disp.best_score == disp.scores[5]  # at the nearest threshold, 0.5
    assert disp.ax_.get_ylabel() == "my F1"
    assert disp.precision_line_ is None
    disp = ThresholdCurveDisplay.from_predictions(y, score, pos_label="spam", thresholds=5)
    np.testing.assert_allclose(disp.thresholds, np.linspace(score.min(), score.max(), 5))


def test_from_predictions_pos_label_of_the_scorer(predictions):
    """Without pos_label, the scorer's positive class, for precision and recall too."""
    y, score, _ = predictions
    scorer = make_scorer(f1_score, pos_label="ham")
    disp = ThresholdCurveDisplay.from_predictions(y, 1 - score, scoring=scorer)
    assert disp.pos_label == "ham"
    np.testing.assert_allclose(disp.precision, brute_force(
        precision_score, y, 1 - score, disp.thresholds, "ham", "spam", pos_label="ham",
        zero_division=0))
    assert disp.ax_.get_ylabel() == "F1 score"


def test_from_predictions_errors(predictions):
    y, score, folds = predictions
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ThresholdCurveDisplay.from_predictions(y, score[:-1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ThresholdCurveDisplay.from_predictions(y, score, folds=folds[:-1])
    with pytest.raises(ValueError, match="needs two classes"):
        ThresholdCurveDisplay.from_predictions(np.append(y[:-1], "eggs"), score)
    with pytest.raises(ValueError, match="pos_label='eggs' is not one of the classes"):
        ThresholdCurveDisplay.from_predictions(y, score, pos_label="eggs")


def test_non_finite_thresholds_and_scores_are_named(predictions):
    with pytest.raises(ValueError, match="thresholds holds NaN or infinite values"):
        make_display(thresholds=np.r_[THRESHOLDS[:-1], np.nan]).plot()
    y, score, _ = predictions
    for thresholds, match in [([np.nan, 0.5], "NaN or infinite"), ([], "thresholds is empty"),
                              (1, "must be >= 2")]:
        with pytest.raises(ValueError, match=match):
            ThresholdCurveDisplay.from_predictions(y, score, thresholds=thresholds)
    with pytest.raises(ValueError, match="y_score holds 1 NaN or infinite values"):
        ThresholdCurveDisplay.from_predictions(y, np.r_[np.nan, score[1:]])
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        ThresholdCurveDisplay.from_predictions(y, score, sample_weight=np.r_[-1.0, score[1:]])


def test_a_constrained_tuner_draws_its_constraint():
    X, y = make_classification(600, weights=[0.85], random_state=0)
    clf = ThresholdTunedClassifier(LogisticRegression(), scoring="recall",
                                   constraint=("precision", 0.6),
                                   store_cv_results=True).fit(X, y)
    disp = ThresholdCurveDisplay.from_cv_results(clf.cv_results_)
    np.testing.assert_array_equal(disp.constraint_line_.get_ydata(),
                                  clf.cv_results_["constraint_mean"])
    assert disp.constraint_bound_line_.get_ydata()[0] == 0.6
    assert "Constraint: precision >= 0.6" in legend_texts(disp.ax_)
    # The chosen threshold meets the bound that the plot shows.
    best = clf.cv_results_["best_index"]
    assert clf.cv_results_["constraint_mean"][best] >= 0.6
    plain = make_display().plot()
    assert plain.constraint_line_ is None and plain.constraint_bound_line_ is None


def test_constraint_curve_of_the_wrong_length_is_named():
    with pytest.raises(ValueError, match="constraint_values"):
        make_display(constraint=("flagged", 0.1), constraint_values=[0.1, 0.2]).plot()
    disp = make_display(constraint=("flagged", 0.1)).plot()
    assert disp.constraint_line_ is None
    assert "Constraint: flagged <= 0.1" in legend_texts(disp.ax_)


def test_a_fitted_tuner_draws_the_interval_of_its_best_score():
    X, y = make_classification(600, weights=[0.85], random_state=0)
    clf = ThresholdTunedClassifier(LogisticRegression(), store_cv_results=True,
                                   random_state=0).fit(X, y)
    low, high = clf.cv_results_["best_score_interval"]
    disp = ThresholdCurveDisplay.from_cv_results(clf.cv_results_)
    # The band spans exactly the interval, across the whole threshold axis, in the score's
    # colour, and contains the best score it is an interval of.
    corners = disp.ax_.transData.inverted().transform(disp.best_score_band_.get_verts())
    np.testing.assert_allclose([corners[:, 1].min(), corners[:, 1].max()], [low, high])
    axes_x = disp.ax_.transAxes.inverted().transform(disp.best_score_band_.get_verts())[:, 0]
    np.testing.assert_allclose([axes_x.min(), axes_x.max()], [0.0, 1.0], atol=1e-9)
    assert low <= clf.best_score_ <= high
    assert disp.best_score_band_.get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb(disp.line_.get_color()))
    assert f"95% interval of the best F1 [{low:.3g}, {high:.3g}]" in legend_texts(disp.ax_)
    hidden = ThresholdCurveDisplay.from_cv_results(clf.cv_results_, show_interval=False)
    assert hidden.best_score_band_ is None
    assert make_display().plot().best_score_band_ is None


@pytest.mark.parametrize("interval", [(0.7, 0.6), (0.6, np.nan), (0.6,), "wide"])
def test_a_malformed_interval_is_named(interval):
    with pytest.raises(ValueError, match="best_score_interval must be two finite numbers"):
        make_display(best_score_interval=interval).plot()
