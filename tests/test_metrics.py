"""Tests for sklearn_imbal.metrics against scikit-learn, imbalanced-learn and slow references."""

import pickle
import re
import warnings

import numpy as np
import pytest
import sklearn
from imblearn.metrics import geometric_mean_score
from sklearn.calibration import calibration_curve
from sklearn.datasets import make_classification
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import label_binarize
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_imbal.metrics import (
    expected_calibration_error,
    get_imbalanced_scorers,
    imbalanced_scores,
    minority_f1_score,
    minority_precision_score,
    minority_recall_score,
)

PRED_KEYS = [
    "macro_f1",
    "minority_precision",
    "minority_recall",
    "minority_f1",
    "mcc",
    "balanced_accuracy",
    "geometric_mean",
    "accuracy",
]
RANK_KEYS = ["auroc", "average_precision", "minority_average_precision"]
PROB_KEYS = ["brier_score", "ece"]
SCORER_KEYS = [
    "macro_f1",
    "minority_precision",
    "minority_recall",
    "minority_f1",
    "mcc",
    "balanced_accuracy",
    "auroc",
    "average_precision",
]


# --------------------------------------------------------------------------------------
# Data and references
# --------------------------------------------------------------------------------------


def binary_problem(classes=(0, 1), minority=1, n=400, seed=0):
    """Labels with ~15% minority, noisy minority probabilities and thresholded predictions."""
    rng = np.random.default_rng(seed)
    majority = classes[0] if minority == classes[1] else classes[1]
    is_minority = rng.random(n) < 0.15
    logit = 2.5 * is_minority - 2.0 + rng.normal(0.0, 1.2, n)
    p_minority = 1.0 / (1.0 + np.exp(-logit))
    y_true = np.where(is_minority, minority, majority)
    y_pred = np.where(p_minority > 0.35, minority, majority)
    return y_true, y_pred, p_minority


def multiclass_problem(classes=(0, 1, 2), counts=(150, 60, 25), seed=0):
    """Three unequal classes, softmax probabilities (columns in sorted order), argmax labels."""
    rng = np.random.default_rng(seed)
    y_index = np.repeat(np.arange(len(counts)), counts)
    rng.shuffle(y_index)
    logits = rng.normal(0.0, 1.0, (y_index.shape[0], len(counts)))
    logits[np.arange(y_index.shape[0]), y_index] += 1.5
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    classes = np.asarray(classes)
    return classes[y_index], classes[proba.argmax(axis=1)], proba


def two_column(y_true, p_minority, minority):
    """(n, 2) probabilities in sorted label order from minority probabilities."""
    if minority == np.unique(y_true)[1]:
        return np.column_stack([1 - p_minority, p_minority])
    return np.column_stack([p_minority, 1 - p_minority])


def reference_ece(outcome, prob, n_bins, strategy="uniform", weight=None):
    """Slow binned calibration error; also returns the per-bin means of non-empty bins."""
    prob = [float(p) for p in prob]
    outcome = [float(y) for y in outcome]
    weight = [1.0] * len(prob) if weight is None else [float(w) for w in weight]
    n = len(prob)
    if strategy == "uniform":
        edges = [b / n_bins for b in range(n_bins + 1)]
    else:  # linear-interpolation quantiles of the probabilities, by hand
        ordered = sorted(prob)
        edges = []
        for b in range(n_bins + 1):
            position = (n - 1) * b / n_bins
            low = int(position)
            high = min(low + 1, n - 1)
            edges.append(ordered[low] + (position - low) * (ordered[high] - ordered[low]))
    sums = [[0.0, 0.0, 0.0] for _ in range(n_bins)]  # weight, weighted outcome, weighted prob
    for y, p, w in zip(outcome, prob, weight):
        b = 0
        while b < n_bins - 1 and p > edges[b + 1]:  # an edge value goes to the lower bin
            b += 1
        sums[b][0] += w
        sums[b][1] += w * y
        sums[b][2] += w * p
    total = sum(weight)
    ece, prob_true, prob_pred = 0.0, [], []
    for w_b, y_b, p_b in sums:
        if w_b > 0:
            ece += w_b / total * abs(y_b / w_b - p_b / w_b)
            prob_true.append(y_b / w_b)
            prob_pred.append(p_b / w_b)
    return ece, prob_true, prob_pred


def reference_top_label(y_index, proba):
    """Top-label confidence and correctness by loops (first column wins a tie)."""
    confidence, correct = [], []
    for truth, row in zip(y_index, proba):
        best = 0
        for k in range(1, len(row)):
            if row[k] > row[best]:
                best = k
        confidence.append(row[best])
        correct.append(1.0 if best == truth else 0.0)
    return correct, confidence


def assert_scores_equal(scores, expected):
    assert list(scores) == list(expected)
    for name, value in scores.items():
        assert type(value) is float, name
        np.testing.assert_allclose(value, expected[name], rtol=1e-12, atol=1e-15, err_msg=name)


def expected_pred_scores(y_true, y_pred, minority, sample_weight=None):
    """The label metrics, each from scikit-learn or imbalanced-learn directly."""
    sw = {"sample_weight": sample_weight}
    binary = np.unique(y_true).shape[0] == 2
    if binary:
        minority_kw = {"pos_label": minority}
    else:
        minority_kw = {"labels": [minority], "average": "macro"}
    return {
        "macro_f1": f1_score(y_true, y_pred, average="macro", **sw),
        "minority_precision": precision_score(y_true, y_pred, **minority_kw, **sw),
        "minority_recall": recall_score(y_true, y_pred, **minority_kw, **sw),
        "minority_f1": f1_score(y_true, y_pred, **minority_kw, **sw),
        "mcc": matthews_corrcoef(y_true, y_pred, **sw),
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred, **sw),
        "geometric_mean": geometric_mean_score(y_true, y_pred, **sw),
        "accuracy": accuracy_score(y_true, y_pred, **sw),
    }


def expected_binary_scores(y_true, y_pred, p_minority, minority, sample_weight=None, n_bins=10):
    sw = {"sample_weight": sample_weight}
    expected = expected_pred_scores(y_true, y_pred, minority, sample_weight)
    ap = average_precision_score(y_true, p_minority, pos_label=minority, **sw)
    ece, _, _ = reference_ece(y_true == minority, p_minority, n_bins, weight=sample_weight)
    expected.update(
        auroc=roc_auc_score(y_true == minority, p_minority, **sw),
        average_precision=ap,
        minority_average_precision=ap,
        brier_score=brier_score_loss(y_true, p_minority, pos_label=minority, **sw),
        ece=ece,
    )
    return expected


def expected_multiclass_scores(y_true, y_pred, proba, sample_weight=None):
    sw = {"sample_weight": sample_weight}
    classes, counts = np.unique(y_true, return_counts=True)
    k = int(np.flatnonzero(counts == counts.min())[-1])
    expected = expected_pred_scores(y_true, y_pred, classes[k], sample_weight)
    correct, confidence = reference_top_label(np.searchsorted(classes, y_true), proba)
    expected.update(
        auroc=roc_auc_score(y_true, proba, multi_class="ovr", average="macro", **sw),
        average_precision=average_precision_score(y_true, proba, average="macro", **sw),
        minority_average_precision=average_precision_score(y_true == classes[k], proba[:, k], **sw),
        brier_score=brier_score_loss(y_true, proba, **sw),
        ece=reference_ece(correct, confidence, 10, weight=sample_weight)[0],
    )
    return expected


BINARY_CASES = [
    pytest.param((0, 1), 1, id="int-minority-1"),
    pytest.param((0, 1), 0, id="int-minority-0"),
    pytest.param(("ham", "spam"), "spam", id="str-minority-larger"),
    pytest.param(("fraud", "ok"), "fraud", id="str-minority-smaller"),
]
MULTICLASS_CASES = [
    pytest.param((0, 1, 2), (150, 60, 25), id="int-minority-last"),
    pytest.param((-1, 3, 7), (150, 25, 60), id="int-minority-middle"),
    pytest.param(("a", "b", "c"), (25, 150, 60), id="str-minority-first"),
]


# --------------------------------------------------------------------------------------
# imbalanced_scores: values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("classes, minority", BINARY_CASES)
def test_binary_scores_equal_sklearn(classes, minority):
    y_true, y_pred, p_minority = binary_problem(classes, minority)
    scores = imbalanced_scores(y_true, y_pred, p_minority)
    assert list(scores) == PRED_KEYS + RANK_KEYS + PROB_KEYS
    assert_scores_equal(scores, expected_binary_scores(y_true, y_pred, p_minority, minority))
    # The minority metrics describe the rare class, not the other one.
    majority = classes[0] if minority == classes[1] else classes[1]
    assert scores["minority_recall"] != recall_score(y_true, y_pred, pos_label=majority)
    # ROC AUC of the minority equals scikit-learn's AUC for the greater label.
    p_greater = p_minority if minority == classes[1] else 1 - p_minority
    np.testing.assert_allclose(scores["auroc"], roc_auc_score(y_true, p_greater), rtol=1e-12)


@pytest.mark.parametrize("classes, counts", MULTICLASS_CASES)
def test_multiclass_scores_equal_sklearn(classes, counts):
    y_true, y_pred, proba = multiclass_problem(classes, counts)
    scores = imbalanced_scores(y_true, y_pred, proba)
    assert list(scores) == PRED_KEYS + RANK_KEYS + PROB_KEYS
    assert_scores_equal(scores, expected_multiclass_scores(y_true, y_pred, proba))
    indicator = label_binarize(y_true, classes=list(classes))
    ap = average_precision_score(indicator, proba, average="macro")
    np.testing.assert_allclose(scores["average_precision"], ap, rtol=1e-12)
    assert scores["ece"] == expected_calibration_error(y_true, proba)
    minority = np.asarray(classes)[int(np.argmin(counts))]
    assert scores["minority_f1"] == minority_f1_score(y_true, y_pred)
    assert scores["minority_f1"] == f1_score(y_true, y_pred, labels=[minority], average=None)[0]


def test_only_y_pred_or_only_y_score():
    y_true, y_pred, p_minority = binary_problem()
    full = imbalanced_scores(y_true, y_pred, p_minority)
    from_pred = imbalanced_scores(y_true, y_pred)
    from_score = imbalanced_scores(y_true, y_score=p_minority)
    assert list(from_pred) == PRED_KEYS
    assert list(from_score) == RANK_KEYS + PROB_KEYS
    assert {**from_pred, **from_score} == full


@pytest.mark.parametrize("classes, minority", BINARY_CASES)
def test_binary_1d_and_2d_scores_agree(classes, minority):
    y_true, y_pred, p_minority = binary_problem(classes, minority, seed=1)
    proba = two_column(y_true, p_minority, minority)
    from_1d = imbalanced_scores(y_true, y_pred, p_minority)
    from_2d = imbalanced_scores(y_true, y_pred, proba)
    assert list(from_1d) == list(from_2d)
    for name in from_1d:
        np.testing.assert_allclose(from_2d[name], from_1d[name], rtol=1e-12, err_msg=name)


def test_tie_goes_to_the_larger_label():
    y_true = [0, 0, 0, 1, 1, 2, 2]
    y_pred = [0, 0, 1, 1, 0, 2, 0]
    scores = imbalanced_scores(y_true, y_pred)
    assert scores["minority_precision"] == precision_score(y_true, y_pred, labels=[2], average=None)
    assert scores["minority_precision"] == 1.0 != precision_score(
        y_true, y_pred, labels=[1], average=None
    )
    assert minority_precision_score(y_true, y_pred) == 1.0
    y_true = ["ham", "ham", "spam", "spam"]
    y_pred = ["ham", "spam", "spam", "spam"]
    assert imbalanced_scores(y_true, y_pred)["minority_recall"] == 1.0
    assert minority_recall_score(y_true, y_pred) == 1.0
    assert minority_precision_score(y_true, y_pred) == pytest.approx(2 / 3)


def test_sample_weight_does_not_choose_the_minority():
    y_true = [0, 0, 0, 1]
    y_pred = [0, 0, 1, 0]
    weights = [1.0, 1.0, 1.0, 10.0]  # class 1 weighs more but has fewer samples
    assert minority_recall_score(y_true, y_pred, sample_weight=weights) == 0.0
    assert imbalanced_scores(y_true, y_pred, sample_weight=weights)["minority_recall"] == 0.0


@pytest.mark.parametrize("y_score_2d", [False, True])
def test_pos_label_override(y_score_2d):
    y_true, y_pred, p_minority = binary_problem(seed=2)
    p_zero = 1 - p_minority
    y_score = np.column_stack([p_zero, p_minority]) if y_score_2d else p_zero
    scores = imbalanced_scores(y_true, y_pred, y_score, pos_label=0)
    expected = expected_binary_scores(y_true, y_pred, p_zero, 0)
    assert_scores_equal(scores, expected)
    assert scores["minority_f1"] == f1_score(y_true, y_pred, pos_label=0)
    assert scores["minority_f1"] != imbalanced_scores(y_true, y_pred)["minority_f1"]


def test_pos_label_override_multiclass_and_strings():
    y_true, y_pred, proba = multiclass_problem(("a", "b", "c"), (25, 150, 60))
    scores = imbalanced_scores(y_true, y_pred, proba, pos_label="c")
    assert scores["minority_recall"] == recall_score(y_true, y_pred, labels=["c"], average=None)[0]
    ap_c = average_precision_score(y_true == "c", proba[:, 2])
    assert scores["minority_average_precision"] == pytest.approx(ap_c, rel=1e-12)
    assert scores["macro_f1"] == imbalanced_scores(y_true, y_pred, proba)["macro_f1"]


def test_binary_decision_scores_give_no_calibration_keys():
    y_true, y_pred, p_minority = binary_problem(seed=3)
    decision = np.log(p_minority / (1 - p_minority))
    assert decision.min() < 0 < decision.max()
    from_proba = imbalanced_scores(y_true, y_pred, p_minority)
    from_decision = imbalanced_scores(y_true, y_pred, decision)
    assert list(from_decision) == PRED_KEYS + RANK_KEYS
    for name in from_decision:  # ranking metrics do not change under a monotone map
        np.testing.assert_allclose(from_decision[name], from_proba[name], rtol=1e-12)


def test_multiclass_decision_scores_give_no_calibration_keys():
    y_true, y_pred, proba = multiclass_problem()
    from_proba = imbalanced_scores(y_true, y_pred, proba)
    for scores_2d in (np.log(proba), 0.9 * proba):  # negative; rows not summing to 1
        scores = imbalanced_scores(y_true, y_pred, scores_2d)
        assert list(scores) == PRED_KEYS + RANK_KEYS
        for name in scores:
            np.testing.assert_allclose(scores[name], from_proba[name], rtol=1e-12)
    # Multiclass AUROC of scores that are not probabilities: OvR over label_binarize.
    indicator = label_binarize(y_true, classes=[0, 1, 2])
    auroc = imbalanced_scores(y_true, y_score=np.log(proba))["auroc"]
    np.testing.assert_allclose(auroc, roc_auc_score(indicator, np.log(proba)), rtol=1e-12)


def test_rows_summing_to_one_within_tolerance_are_probabilities():
    y_true, y_pred, proba = multiclass_problem()
    nudged = proba.copy()
    nudged[:, 0] += 5e-7
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "do not sum to one" warning from scikit-learn
        scores = imbalanced_scores(y_true, y_score=nudged)
    assert list(scores) == RANK_KEYS + PROB_KEYS
    normalized = nudged / nudged.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(scores["brier_score"], brier_score_loss(y_true, normalized))
    nudged[:, 0] += 2e-6
    assert "ece" not in imbalanced_scores(y_true, y_score=nudged)


@pytest.mark.parametrize("classes, minority", BINARY_CASES)
def test_sample_weight_flows_through_binary(classes, minority):
    y_true, y_pred, p_minority = binary_problem(classes, minority, seed=4)
    weights = np.random.default_rng(0).uniform(0.1, 3.0, y_true.shape[0])
    scores = imbalanced_scores(y_true, y_pred, p_minority, sample_weight=weights)
    expected = expected_binary_scores(y_true, y_pred, p_minority, minority, weights)
    assert_scores_equal(scores, expected)
    unweighted = imbalanced_scores(y_true, y_pred, p_minority)
    assert all(scores[name] != unweighted[name] for name in scores)


def test_sample_weight_flows_through_multiclass():
    y_true, y_pred, proba = multiclass_problem(("a", "b", "c"), (25, 150, 60), seed=5)
    weights = np.random.default_rng(1).uniform(0.1, 3.0, y_true.shape[0])
    scores = imbalanced_scores(y_true, y_pred, proba, sample_weight=weights)
    assert_scores_equal(scores, expected_multiclass_scores(y_true, y_pred, proba, weights))
    unweighted = imbalanced_scores(y_true, y_pred, proba)
    assert all(scores[name] != unweighted[name] for name in scores)


def test_n_bins_reaches_the_ece():
    y_true, y_pred, p_minority = binary_problem(seed=6)
    for n_bins in (1, 5, 20):
        ece = imbalanced_scores(y_true, y_score=p_minority, n_bins=n_bins)["ece"]
        np.testing.assert_allclose(
            ece, reference_ece(y_true == 1, p_minority, n_bins)[0], rtol=1e-12, atol=1e-15
        )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true:UserWarning")
@pytest.mark.filterwarnings("ignore:No positive class found in y_true:UserWarning")
def test_labels_declares_classes_missing_from_y_true():
    y_true = np.array([0, 0, 0, 1, 1, 0, 0, 1])
    y_pred = np.array([0, 2, 0, 1, 0, 0, 0, 1])
    match = re.escape("y_pred contains labels that are not in y_true: [2]")
    with pytest.raises(ValueError, match=match):
        imbalanced_scores(y_true, y_pred)
    scores = imbalanced_scores(y_true, y_pred, labels=[0, 1, 2])
    assert scores["macro_f1"] == f1_score(y_true, y_pred, labels=[0, 1, 2], average="macro")
    assert scores["geometric_mean"] == geometric_mean_score(y_true, y_pred, labels=[0, 1, 2])
    # The minority is still 1: a class absent from y_true is never the minority.
    assert scores["minority_recall"] == recall_score(y_true, y_pred, labels=[1], average=None)
    proba = np.tile([0.5, 0.3, 0.2], (8, 1))
    proba[y_true == 1] = [0.2, 0.7, 0.1]
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        scores = imbalanced_scores(y_true, y_score=proba, labels=[0, 1, 2])
    assert np.isnan(scores["auroc"])  # class 2 has no sample: its one-vs-rest AUC is undefined
    assert scores["minority_average_precision"] == 1.0
    assert scores["brier_score"] == brier_score_loss(y_true, proba, labels=[0, 1, 2])


# --------------------------------------------------------------------------------------
# imbalanced_scores: errors
# --------------------------------------------------------------------------------------


def test_needs_y_pred_or_y_score():
    with pytest.raises(ValueError, match="pass y_pred .* y_score"):
        imbalanced_scores([0, 1, 1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y_pred": [0, 1, 0]}, "y_pred has 3 samples but y_true has 4"),
        ({"y_score": [0.1, 0.9]}, "y_score has 2 samples but y_true has 4"),
        ({"y_pred": [0, 1, 0, 1], "sample_weight": [1.0]}, "sample_weight has 1 samples"),
        ({"y_pred": [0, 1, 2, 1]}, re.escape("not in y_true: [2]") + ".*labels=\\[...\\]"),
        ({"y_pred": ["0", "1", "0", "1"]}, re.escape("not in y_true: ['0', '1']")),
        ({"y_pred": [0.2, 0.9, 0.1, 0.7]}, "scores and probabilities go in y_score"),
        ({"y_pred": [[0, 1]] * 4}, "y_pred must be a 1-D array"),
        ({"y_score": [0.1, np.nan, 0.3, 0.8]}, "y_score contains NaN"),
        ({"y_score": [0.1, np.inf, 0.3, 0.8]}, "y_score contains NaN or infinite"),
        ({"y_score": np.full((4, 3), 1 / 3)}, "y_score has 3 columns but there are 2 classes"),
        ({"y_score": np.full((4, 1), 0.5)}, re.escape("y_score.ravel()")),
        ({"y_score": np.zeros((4, 2, 1))}, "y_score must be 1-D .* or 2-D"),
        ({"y_score": ["a", "b", "a", "b"]}, "y_score must hold numeric scores"),
        ({"y_pred": [0, 1, 0, 1], "pos_label": 2}, "pos_label=2 is not a class of y_true"),
        ({"y_pred": [0, 1, 0, 1], "pos_label": "1"}, "pos_label='1' is not a class of y_true"),
        ({"y_pred": [0, 1, 0, 1], "labels": [1, 0]}, "labels must be in sorted order"),
        ({"y_pred": [0, 1, 0, 1], "labels": [0, 1, 1]}, "labels contains duplicates"),
        ({"y_pred": [0, 1, 0, 1], "labels": [1, 2]}, re.escape("not in labels: [0]")),
        ({"y_pred": [0, 1, 0, 1], "sample_weight": [1, -1, 1, 1]}, "non-negative"),
    ],
)
def test_binary_input_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        imbalanced_scores([0, 1, 0, 1], **kwargs)


def test_pos_label_must_be_in_y_true_not_only_in_labels():
    with pytest.raises(ValueError, match="pos_label=2 is not a class of y_true"):
        imbalanced_scores([0, 1, 0, 1], [0, 1, 2, 1], labels=[0, 1, 2], pos_label=2)


def test_multiclass_input_errors():
    y_true, y_pred, proba = multiclass_problem()
    with pytest.raises(ValueError, match="y_score is 1-D but there are 3 classes"):
        imbalanced_scores(y_true, y_score=proba[:, 0])
    with pytest.raises(ValueError, match="y_score has 2 columns but there are 3 classes"):
        imbalanced_scores(y_true, y_score=proba[:, :2])
    with pytest.raises(ValueError, match="y_score has 3 columns but there are 4 classes"):
        imbalanced_scores(y_true, y_score=proba, labels=[0, 1, 2, 3])


@pytest.mark.parametrize(
    "y_true, match",
    [
        ([1, 1, 1], "y_true holds a single class, 1"),
        (["a", "a"], "y_true holds a single class, 'a'.*StratifiedKFold"),
        ([0.5, 1.5, 0.5], "y_true must hold class labels.*'continuous'"),
        ([[0], [1], [0]], re.escape("pass y_true.ravel()")),
        (np.array(["a", 1, "b"], dtype=object), "y_true mixes label types"),
        ([], "y_true is empty"),
    ],
)
def test_y_true_errors(y_true, match):
    with pytest.raises(ValueError, match=match):
        imbalanced_scores(y_true, y_pred=y_true)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_bins": 0}, "'n_bins' parameter of imbalanced_scores must be"),
        ({"pos_label": [1]}, "'pos_label' parameter of imbalanced_scores must be"),
        ({"y_pred": "01"}, "'y_pred' parameter of imbalanced_scores must be"),
    ],
)
def test_parameters_are_validated(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        imbalanced_scores([0, 1], **{"y_pred": [0, 1], **kwargs})


# --------------------------------------------------------------------------------------
# expected_calibration_error
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 10])
def test_ece_binary_matches_reference_and_calibration_curve(strategy, n_bins):
    # 1002 samples: no quantile edge falls exactly on a sample, where the reference's
    # interpolation and numpy's could round to different sides.
    rng = np.random.default_rng(7)
    y_prob = rng.beta(0.7, 1.5, 1002)
    y_true = (rng.random(1002) < y_prob**1.5).astype(int)
    ece = expected_calibration_error(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    reference, prob_true, prob_pred = reference_ece(y_true, y_prob, n_bins, strategy)
    np.testing.assert_allclose(ece, reference, rtol=1e-12)
    assert 0.01 < ece < 0.5
    # The reference's bins are scikit-learn's.
    curve_true, curve_pred = calibration_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(prob_true, curve_true, rtol=1e-12)
    np.testing.assert_allclose(prob_pred, curve_pred, rtol=1e-12)


def test_ece_edges_go_to_the_lower_bin():
    y_prob = np.array([0.5, 0.5, 1.0])
    y_true = [1, 1, 0]
    # Bins [0, 0.5] and (0.5, 1]: 2/3 * |1 - 0.5| + 1/3 * |0 - 1| (one bin would give 0).
    assert expected_calibration_error(y_true, y_prob, n_bins=2) == pytest.approx(2 / 3)
    assert reference_ece(y_true, y_prob, 2)[0] == pytest.approx(2 / 3)
    assert expected_calibration_error(y_true, y_prob, n_bins=1) == pytest.approx(0.0)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_ece_binary_sample_weight(strategy):
    rng = np.random.default_rng(8)
    y_prob = rng.random(500)
    y_true = np.where(rng.random(500) < y_prob**2, "yes", "no")
    weights = rng.uniform(0.0, 2.0, 500)
    ece = expected_calibration_error(
        y_true, y_prob, n_bins=8, strategy=strategy, pos_label="yes", sample_weight=weights
    )
    expected = reference_ece(y_true == "yes", y_prob, 8, strategy, weight=weights)[0]
    np.testing.assert_allclose(ece, expected, rtol=1e-12)


def test_ece_integer_weights_equal_repeated_samples():
    rng = np.random.default_rng(9)
    y_prob = rng.random(200)
    y_true = (rng.random(200) < y_prob).astype(int)
    counts = rng.integers(0, 4, 200)
    weighted = expected_calibration_error(y_true, y_prob, sample_weight=counts)
    repeated = expected_calibration_error(np.repeat(y_true, counts), np.repeat(y_prob, counts))
    np.testing.assert_allclose(weighted, repeated, rtol=1e-12)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("labels", [(0, 1, 2, 3), ("cat", "dog", "emu", "fox")])
def test_ece_multiclass_top_label_matches_reference(strategy, labels):
    rng = np.random.default_rng(10)
    proba = rng.dirichlet([0.5, 1.0, 2.0, 0.7], 600)
    proba[:5] = [0.4, 0.4, 0.1, 0.1]  # ties: the first column is the prediction
    y_index = rng.integers(0, 4, 600)
    y_true = np.asarray(labels)[y_index]
    weights = rng.uniform(0.5, 1.5, 600)
    correct, confidence = reference_top_label(y_index, proba)
    for sample_weight in (None, weights):
        ece = expected_calibration_error(
            y_true, proba, n_bins=7, strategy=strategy, sample_weight=sample_weight
        )
        expected = reference_ece(correct, confidence, 7, strategy, weight=sample_weight)[0]
        np.testing.assert_allclose(ece, expected, rtol=1e-12)


def test_ece_is_near_zero_for_calibrated_probabilities():
    rng = np.random.default_rng(11)
    y_prob = rng.random(200_000)
    y_true = (rng.random(200_000) < y_prob).astype(int)
    assert expected_calibration_error(y_true, y_prob) < 0.005
    assert expected_calibration_error(y_true, y_prob, strategy="quantile") < 0.005
    # Multiclass: labels drawn from the predicted distributions.
    proba = rng.dirichlet([1.0, 1.0, 1.0], 100_000)
    y_index = (rng.random((100_000, 1)) > proba.cumsum(axis=1)).sum(axis=1)
    assert expected_calibration_error(y_index, proba) < 0.01


def test_ece_is_near_one_for_confident_wrong_probabilities():
    y_true = np.array([0, 1] * 50)
    y_prob = np.where(y_true == 1, 0.001, 0.999)
    assert expected_calibration_error(y_true, y_prob) == pytest.approx(0.999)
    y_true = np.array([0, 1, 2] * 33)
    proba = np.full((99, 3), 0.001)
    proba[np.arange(99), (y_true + 1) % 3] = 0.998
    assert expected_calibration_error(y_true, proba) == pytest.approx(0.998)


def test_ece_pos_label():
    rng = np.random.default_rng(12)
    y_prob = rng.random(300)
    y_true = np.where(rng.random(300) < y_prob, "pos", "neg")
    ece = expected_calibration_error(y_true, y_prob, pos_label="pos")
    assert ece == pytest.approx(reference_ece(y_true == "pos", y_prob, 10)[0], rel=1e-12)
    flipped = expected_calibration_error(y_true, 1 - y_prob, pos_label="neg")
    assert flipped == pytest.approx(ece, rel=1e-9)
    # {-1, 1} labels default to pos_label=1; a single class of y_true is allowed.
    assert expected_calibration_error([-1, 1, 1], [0.0, 1.0, 1.0]) == 0.0
    assert expected_calibration_error([0, 0], [0.25, 0.25]) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "y_true, y_prob, kwargs, match",
    [
        ([0, 1], [0.5, 1.5], {}, re.escape("outside [0, 1]")),
        ([0, 1], [-0.5, 0.5], {}, re.escape("outside [0, 1]")),
        ([0, 1, 2], [0.1, 0.2, 0.3], {}, "y_prob is 1-D but there are 3 classes"),
        (["a", "b"], [0.1, 0.2], {}, "pass pos_label"),
        ([1, 2], [0.1, 0.2], {}, "pass pos_label"),
        ([0, 1], [0.1, 0.2], {"pos_label": 2}, "pos_label=2 is not a class of y_true"),
        ([0, 1], [[0.5, 0.5]] * 2, {"pos_label": 1}, "pos_label is used only with 1-D"),
        ([0, 1], [[0.5, 0.6]] * 2, {}, "rows of y_prob must sum to 1"),
        ([0, 1, 2], [[0.5, 0.5]] * 3, {}, "y_prob has 2 columns but there are 3 classes"),
        ([0, 1], [[0.2, 0.3, 0.5]] * 2, {}, "y_true must hold samples of every class"),
        ([0, 1], [0.1, np.nan], {}, "y_prob contains NaN"),
        ([0, 1], [0.1], {}, "y_prob has 1 samples but y_true has 2"),
        ([0, 1], [0.1, 0.2], {"sample_weight": [0, 0]}, "sample_weight sums to 0"),
    ],
)
def test_ece_errors(y_true, y_prob, kwargs, match):
    with pytest.raises(ValueError, match=match):
        expected_calibration_error(y_true, y_prob, **kwargs)


@pytest.mark.parametrize(
    "kwargs, match", [({"strategy": "equal"}, "'strategy' parameter"), ({"n_bins": 0}, "n_bins")]
)
def test_ece_parameters_are_validated(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        expected_calibration_error([0, 1], [0.1, 0.9], **kwargs)


# --------------------------------------------------------------------------------------
# minority_* functions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("classes, minority", BINARY_CASES)
def test_minority_functions_equal_sklearn(classes, minority):
    y_true, y_pred, _ = binary_problem(classes, minority, seed=13)
    weights = np.random.default_rng(2).uniform(0.1, 3.0, y_true.shape[0])
    for sample_weight in (None, weights):
        sw = {"sample_weight": sample_weight}
        for ours, theirs in [
            (minority_f1_score, f1_score),
            (minority_precision_score, precision_score),
            (minority_recall_score, recall_score),
        ]:
            value = ours(y_true, y_pred, **sw)
            assert type(value) is float
            assert value == theirs(y_true, y_pred, pos_label=minority, **sw)


def test_minority_functions_errors():
    with pytest.raises(ValueError, match="y_true holds a single class"):
        minority_f1_score([1, 1], [1, 0])
    with pytest.raises(ValueError, match="y_pred has 1 samples but y_true has 2"):
        minority_recall_score([0, 1], [1])
    with pytest.raises(ValueError, match="sample_weight has 3 samples but y_true has 2"):
        minority_precision_score([0, 1], [1, 0], sample_weight=[1, 1, 1])


# --------------------------------------------------------------------------------------
# get_imbalanced_scorers
# --------------------------------------------------------------------------------------


def check_scorers_against_imbalanced_scores(X, y, scorers):
    """cross_validate with the scorers equals imbalanced_scores on each split, by hand."""
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    results = cross_validate(
        LogisticRegression(),
        X,
        y,
        scoring=scorers,
        cv=cv,
        error_score="raise",
        return_estimator=True,
        return_indices=True,
    )
    splits = list(cv.split(X, y))
    for fold, (fitted, test) in enumerate(zip(results["estimator"], results["indices"]["test"])):
        np.testing.assert_array_equal(test, splits[fold][1])
        expected = imbalanced_scores(
            y[test], fitted.predict(X[test]), fitted.predict_proba(X[test])
        )
        for name in SCORER_KEYS:
            value = results["test_" + name][fold]
            assert np.isfinite(value), name
            np.testing.assert_allclose(value, expected[name], rtol=1e-9, err_msg=name)


def test_scorer_keys():
    assert list(get_imbalanced_scorers()) == SCORER_KEYS
    assert list(get_imbalanced_scorers(multiclass=True)) == SCORER_KEYS
    with pytest.raises(InvalidParameterError, match="'multiclass' parameter"):
        get_imbalanced_scorers(multiclass="yes")


@pytest.mark.parametrize(
    "labels, weights",
    [
        pytest.param((0, 1), [0.85], id="int-minority-1"),
        pytest.param((0, 1), [0.15], id="int-minority-0"),
        pytest.param(("fraud", "ok"), [0.15], id="str-minority-smaller"),
        pytest.param(("ham", "spam"), [0.85], id="str-minority-larger"),
    ],
)
def test_binary_scorers_in_cross_validate(labels, weights):
    X, y = make_classification(
        n_samples=240,
        n_features=6,
        weights=weights,
        flip_y=0.05,
        class_sep=0.8,
        random_state=0,
    )
    y = np.asarray(labels)[y]
    check_scorers_against_imbalanced_scores(X, y, get_imbalanced_scorers())


@pytest.mark.parametrize("labels", [(0, 1, 2), ("high", "low", "mid")])
def test_multiclass_scorers_in_cross_validate(labels):
    X, y = make_classification(
        n_samples=300,
        n_features=6,
        n_classes=3,
        n_informative=4,
        weights=[0.6, 0.3],
        flip_y=0.05,
        random_state=0,
    )
    y = np.asarray(labels)[y]
    check_scorers_against_imbalanced_scores(X, y, get_imbalanced_scorers(multiclass=True))


def test_binary_average_precision_scorer_rejects_multiclass():
    X, y = make_classification(n_samples=90, n_classes=3, n_informative=4, random_state=0)
    scorer = get_imbalanced_scorers()["average_precision"]
    with pytest.raises(ValueError, match="multiclass=True"):
        scorer(LogisticRegression().fit(X, y), X, y)


# Splits that the scorers cannot score: one clear error from every scorer of the dict.
def _three_classes(labels):
    X, y = make_classification(n_samples=300, n_features=6, n_classes=3, n_informative=4,
                               weights=[0.6, 0.3], random_state=0)
    return X, np.asarray(labels)[y]


def _every_scorer_raises(scorers, estimator, X, y, match, **kwargs):
    for name, scorer in scorers.items():
        with pytest.raises(ValueError, match=match) as error:
            scorer(estimator, X, y, **kwargs)
        assert "multi_class" not in str(error.value), name


@pytest.mark.parametrize("multiclass", [False, True], ids=["binary", "multiclass"])
@pytest.mark.parametrize("labels", [(0, 1, 2), ("eggs", "ham", "spam")])
def test_a_class_unseen_at_fit_is_one_error_from_every_scorer(multiclass, labels):
    X, y = _three_classes(labels)
    unseen = labels[2] if multiclass else labels[0]
    rare = np.flatnonzero(y == unseen)
    # A split whose training part lacks the class `unseen`, as a KFold can make.
    seen = np.flatnonzero(y != unseen)
    train, test = seen[: len(seen) // 2], np.concatenate([seen[len(seen) // 2:], rare])
    scorers = get_imbalanced_scorers(multiclass=multiclass)
    match = rf"holds the class\(es\) \[{unseen!r}\], which the estimator was not fitted on.*" \
        "StratifiedKFold"
    with pytest.raises(ValueError, match=match):
        cross_validate(LogisticRegression(), X, y, cv=[(train, test)], scoring=scorers,
                       error_score="raise")
    with pytest.warns(UserWarning, match="not fitted on"):
        results = cross_validate(LogisticRegression(), X, y, cv=[(train, test)],
                                 scoring=scorers)
    assert all(np.isnan(results["test_" + name][0]) for name in SCORER_KEYS)
    with pytest.raises(ValueError, match=match):
        GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, scoring=scorers,
                     refit="minority_f1", cv=[(train, test)], error_score="raise").fit(X, y)
    fitted = LogisticRegression().fit(X[train], y[train])
    _every_scorer_raises(scorers, fitted, X[test], y[test], match)


@pytest.mark.parametrize("labels", [(0, 1, 2), ("eggs", "ham", "spam")])
def test_multiclass_scorers_on_a_split_lacking_a_class_of_the_model(labels):
    X, y = _three_classes(labels)
    train = np.arange(200)
    test = 200 + np.flatnonzero(y[200:] != labels[1])
    scorers = get_imbalanced_scorers(multiclass=True)
    results = cross_validate(LogisticRegression(), X, y, cv=[(train, test)], scoring=scorers,
                             error_score="raise", return_estimator=True)
    fitted = results["estimator"][0]
    proba = fitted.predict_proba(X[test])
    present = [0, 2]  # the columns of the classes of the test part, by classes_
    expected = imbalanced_scores(y[test], fitted.predict(X[test]), labels=fitted.classes_)
    auroc = np.mean([roc_auc_score(y[test] == labels[k], proba[:, k]) for k in present])
    ap = np.mean([average_precision_score(y[test] == labels[k], proba[:, k]) for k in present])
    for name in SCORER_KEYS:
        value = results["test_" + name][0]
        reference = {"auroc": auroc, "average_precision": ap}.get(name, expected.get(name))
        np.testing.assert_allclose(value, reference, rtol=1e-9, err_msg=name)


def test_a_single_class_split_is_one_error_from_every_scorer():
    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    fitted = LogisticRegression().fit(X, y)
    for multiclass in (False, True):
        _every_scorer_raises(get_imbalanced_scorers(multiclass=multiclass), fitted,
                             X[y == 0], y[y == 0], "holds a single class, 0.*StratifiedKFold")


def test_binary_scorers_reject_multiclass_problems_all_alike():
    X, y = _three_classes((0, 1, 2))
    fitted = LogisticRegression().fit(X, y)
    _every_scorer_raises(get_imbalanced_scorers(), fitted, X, y,
                         r"3 classes \[0, 1, 2\]; use get_imbalanced_scorers\(multiclass=True\)")
    # Also on a split holding two of the model's three classes.
    _every_scorer_raises(get_imbalanced_scorers(), fitted, X[y != 2], y[y != 2],
                         "multiclass=True")


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_bad_sample_weight_is_one_error_from_every_scorer(bad):
    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    fitted = LogisticRegression().fit(X, y)
    sample_weight = np.ones(len(y))
    sample_weight[0] = bad
    _every_scorer_raises(get_imbalanced_scorers(), fitted, X, y,
                         "sample_weight must be finite and non-negative",
                         sample_weight=sample_weight)


def test_scorers_pickle_and_route_sample_weight():
    X, y = make_classification(n_samples=240, weights=[0.8], flip_y=0.05, random_state=0)
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scorers = pickle.loads(pickle.dumps(get_imbalanced_scorers()))
    with sklearn.config_context(enable_metadata_routing=True):
        scorers = {name: scorer.set_score_request(sample_weight=True)
                   for name, scorer in scorers.items()}
        model = LogisticRegression().set_fit_request(sample_weight=False)
        results = cross_validate(model, X, y, cv=cv, scoring=scorers,
                                 params={"sample_weight": sample_weight}, error_score="raise",
                                 return_estimator=True, return_indices=True)
    for fold, (fitted, test) in enumerate(zip(results["estimator"],
                                              results["indices"]["test"])):
        expected = imbalanced_scores(y[test], fitted.predict(X[test]),
                                     fitted.predict_proba(X[test]),
                                     sample_weight=sample_weight[test])
        for name in SCORER_KEYS:
            np.testing.assert_allclose(results["test_" + name][fold], expected[name],
                                       rtol=1e-9, err_msg=name)
