"""Imbalance-aware metrics and scorers.

:func:`imbalanced_scores` computes, in one call, the metrics that matter when one class is
rare (macro F1, the minority's precision, recall and F1, MCC, balanced accuracy, the
geometric mean of the recalls, and from scores ROC AUC, average precision, the Brier score
and the expected calibration error); :func:`get_imbalanced_scorers` gives them as scorers
for ``cross_validate`` and ``GridSearchCV``. Every metric that scikit-learn or
imbalanced-learn implements is computed by their function, so the values (and the warnings
for ill-defined cases) are exactly theirs: this module adds only the choice of the minority
class, :func:`expected_calibration_error` and the combined report.
"""

import numbers
from functools import partial

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    get_scorer,
    make_scorer,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.multiclass import type_of_target

from .utils._docstring import fill_doc
from .utils._sklearn import checked_scorer
from .utils._validation import check_1d, check_labels, minority_index, python_scalar, sorted_labels

__all__ = [
    "expected_calibration_error",
    "get_imbalanced_scorers",
    "imbalanced_scores",
    "minority_f1_score",
    "minority_precision_score",
    "minority_recall_score",
]

# Rows of 2-D probabilities must sum to one within this tolerance.
_ROW_SUM_TOL = 1e-6
_LABELS_HINT = " pass labels=[...] (sorted) when y_true lacks some classes of the model"


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------


def _labels_repr(values, limit=10):
    values = [python_scalar(v) for v in values]
    shown = ", ".join(repr(v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}]"


def _check_length(y, name, n_samples):
    if y.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {y.shape[0]} samples but y_true has {n_samples}; pass one entry per "
            "sample of y_true, in the same order."
        )


def _check_y_true(y_true):
    """Check ``y_true``; return it, its sorted classes, their sample counts and its indices."""
    y_true = check_labels(y_true, "y_true")
    classes = sorted_labels(y_true, "y_true")
    y_type = type_of_target(y_true, input_name="y_true")
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"y_true must hold class labels, got a target of type {y_type!r}; these metrics "
            "are for binary and multiclass classification."
        )
    y_index = np.searchsorted(classes, y_true)
    return y_true, classes, np.bincount(y_index, minlength=classes.shape[0]), y_index


def _require_two_classes(classes):
    if classes.shape[0] < 2:
        raise ValueError(
            f"y_true holds a single class, {python_scalar(classes[0])!r}: minority metrics need "
            "samples of at least two classes. Evaluate on a larger or stratified split "
            "(e.g. StratifiedKFold)."
        )


def _find(value, classes):
    """Index of ``value`` in ``classes`` by equality, or None."""
    for index, label in enumerate(classes):
        if python_scalar(label) == value:
            return index
    return None


def _check_sample_weight(sample_weight, n_samples):
    if sample_weight is None:
        return None
    sample_weight = check_1d(sample_weight, "sample_weight")
    _check_length(sample_weight, "sample_weight", n_samples)
    try:
        sample_weight = sample_weight.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"sample_weight must be numeric ({exc}).") from exc
    if not np.all(np.isfinite(sample_weight)) or np.any(sample_weight < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    if sample_weight.sum() <= 0:
        raise ValueError("sample_weight sums to 0: give at least one sample a positive weight.")
    return sample_weight


def _check_y_pred(y_pred, classes, n_samples, classes_name):
    y_pred = check_labels(y_pred, "y_pred")
    _check_length(y_pred, "y_pred", n_samples)
    known = set(python_scalar(c) for c in classes)
    unknown = [v for v in sorted_labels(y_pred, "y_pred") if python_scalar(v) not in known]
    if unknown:
        raise ValueError(
            f"y_pred contains labels that are not in {classes_name}: {_labels_repr(unknown)} "
            f"(known: {_labels_repr(classes)}). Pass labels=[...] listing every class, and "
            "give predicted class labels in y_pred (scores and probabilities go in y_score)."
        )
    return y_pred


def _check_scores(y_score, name, n_samples):
    """Return ``y_score`` as a finite float array (1-D or 2-D) with n_samples rows."""
    try:
        y_score = np.asarray(y_score, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must hold numeric scores or probabilities ({exc}); predicted class "
            "labels go in y_pred."
        ) from exc
    if y_score.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_classes), got shape "
            f"{y_score.shape}."
        )
    if y_score.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {y_score.shape[0]} samples but y_true has {n_samples}; pass one row "
            "per sample of y_true, in the same order."
        )
    if not np.all(np.isfinite(y_score)):
        raise ValueError(
            f"{name} contains NaN or infinite values; drop those samples or fix the model "
            "output before scoring."
        )
    return y_score


def _check_score_columns(y_score, classes, name, missing_hint=_LABELS_HINT):
    """Check that 2-D scores have one column per class (or that 1-D scores are binary)."""
    n_classes = classes.shape[0]
    if y_score.ndim == 1:
        if n_classes > 2:
            raise ValueError(
                f"{name} is 1-D but there are {n_classes} classes {_labels_repr(classes)}; "
                f"pass 2-D scores of shape (n_samples, {n_classes}), one column per class "
                "in sorted label order (e.g. predict_proba)."
            )
        return
    if y_score.shape[1] != n_classes:
        hint = (
            f" pass a 1-D array of minority-class scores ({name}.ravel())"
            if y_score.shape[1] == 1 and n_classes == 2
            else missing_hint
        )
        raise ValueError(
            f"{name} has {y_score.shape[1]} columns but there are {n_classes} classes "
            f"{_labels_repr(classes)}: it needs one column per class, in sorted label "
            f"order;{hint}."
        )


def _is_probability(y_score):
    """Whether scores are probabilities: in [0, 1], and 2-D rows summing to 1."""
    if np.any(y_score < 0) or np.any(y_score > 1):
        return False
    return y_score.ndim == 1 or bool(
        np.all(np.abs(y_score.sum(axis=1) - 1) <= _ROW_SUM_TOL)
    )


# --------------------------------------------------------------------------------------
# Calibration error
# --------------------------------------------------------------------------------------


def _calibration_error(target, prob, sample_weight, n_bins, strategy):
    """Binned calibration error of probabilities ``prob`` for 0/1 outcomes ``target``.

    Bins as :func:`sklearn.calibration.calibration_curve`; a bin's term
    ``(W_b / W) * |mean_b(target) - mean_b(prob)|`` is ``|sum_b(w target) - sum_b(w prob)| / W``.
    """
    if strategy == "quantile":
        edges = np.percentile(prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_ids = np.searchsorted(edges[1:-1], prob)
    weight = np.ones_like(prob) if sample_weight is None else sample_weight
    bin_target = np.bincount(bin_ids, weights=weight * target, minlength=n_bins)
    bin_prob = np.bincount(bin_ids, weights=weight * prob, minlength=n_bins)
    return float(np.abs(bin_target - bin_prob).sum() / weight.sum())


def _top_label(y_prob, y_index):
    """Top-label confidence and correctness (ties: first column, as ``np.argmax``)."""
    predicted = np.argmax(y_prob, axis=1)
    return y_prob[np.arange(y_prob.shape[0]), predicted], (predicted == y_index).astype(float)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "n_bins": [Interval(numbers.Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"uniform", "quantile"})],
        "pos_label": [numbers.Real, str, "boolean", None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def expected_calibration_error(
    y_true, y_prob, *, n_bins=10, strategy="uniform", pos_label=None, sample_weight=None
):
    r"""Expected calibration error (ECE) of predicted probabilities.

    The probabilities are grouped into ``n_bins`` bins as in
    :func:`sklearn.calibration.calibration_curve`, and

    .. math::

        \mathrm{ECE} = \sum_{b} \frac{W_b}{W} \,
        \left| \bar{y}_b - \bar{p}_b \right|,

    over the non-empty bins :math:`b`, where :math:`W_b` is the (weighted) number of samples
    in the bin, :math:`\bar{y}_b` their (weighted) fraction of positives and
    :math:`\bar{p}_b` their mean predicted probability. 0 is perfect calibration, 1 the
    worst.

    - Binary: ``y_prob`` is 1-D, the probability of ``pos_label``.
    - Multiclass (or binary with 2-D input): ``y_prob`` is 2-D of shape
      ``(n_samples, n_classes)``, columns in the sorted order of the labels of ``y_true``,
      and the top-label ECE is computed: the confidence is the largest probability of a
      row and the outcome is whether its class (the first one on a tie) is the true one.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels, of any type.

    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities: of ``pos_label`` when 1-D; of every class, one column per
        class of ``y_true`` in sorted label order, when 2-D (rows must sum to 1).

    n_bins : int, default=10
        Number of bins.

    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: bins of equal width on [0, 1]; a probability on an edge goes to the
        lower bin. ``"quantile"``: edges at the quantiles of the predicted probabilities
        (computed without ``sample_weight``), so that bins hold about the same number of
        samples.

    pos_label : int, float, bool or str, default=None
        The class whose probability a 1-D ``y_prob`` holds. ``None`` is allowed only when the
        labels are {0, 1} or {-1, 1} (or one of them), and means 1, as in
        :func:`~sklearn.calibration.calibration_curve`. When ``y_true`` holds a single
        class other than ``pos_label``, every sample is a negative. Must be ``None`` with
        2-D ``y_prob``.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: a sample counts ``sample_weight`` times in its bin.

    Returns
    -------
    ece : float
        The expected calibration error, in [0, 1].

    See Also
    --------
    sklearn.calibration.calibration_curve : Per-bin fractions of positives and mean
        probabilities (binary).
    imbalanced_scores : All imbalance metrics, the ECE of the minority class included.

    Examples
    --------
    >>> from sklearn_imbal.metrics import expected_calibration_error
    >>> y_true = [0, 0, 0, 1, 1, 1]
    >>> y_prob = [0.1, 0.2, 0.6, 0.4, 0.9, 0.8]
    >>> round(expected_calibration_error(y_true, y_prob, n_bins=2), 3)
    0.1
    >>> y_prob = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]
    >>> round(expected_calibration_error(["a", "b", "c", "c"], y_prob, n_bins=5), 3)
    0.15
    """
    y_true, classes, _, y_index = _check_y_true(y_true)
    n_samples = y_true.shape[0]
    y_prob = _check_scores(y_prob, "y_prob", n_samples)
    sample_weight = _check_sample_weight(sample_weight, n_samples)
    if np.any(y_prob < 0) or np.any(y_prob > 1):
        raise ValueError(
            "y_prob has values outside [0, 1]: the calibration error needs probabilities "
            "(e.g. predict_proba), not decision scores."
        )
    if y_prob.ndim == 2:
        if pos_label is not None:
            raise ValueError(
                "pos_label is used only with 1-D y_prob; with 2-D y_prob the top-label "
                "calibration error is computed. Pass pos_label=None, or the 1-D column "
                "y_prob[:, k] of the class of interest."
            )
        _check_score_columns(
            y_prob, classes, "y_prob", " y_true must hold samples of every class of y_prob"
        )
        if not _is_probability(y_prob):
            raise ValueError(
                f"the rows of y_prob must sum to 1 (within {_ROW_SUM_TOL}), as probabilities "
                "over the classes do; apply a softmax to scores first."
            )
        confidence, correct = _top_label(y_prob, y_index)
        return _calibration_error(correct, confidence, sample_weight, n_bins, strategy)

    if classes.shape[0] > 2:
        _check_score_columns(y_prob, classes, "y_prob")  # raises: 1-D for multiclass
    if pos_label is None:
        numeric = classes.dtype.kind in "biuf"
        if not numeric or not (
            set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}
        ):
            raise ValueError(
                f"y_true has the labels {_labels_repr(classes)}: pass pos_label, the class "
                "whose probability y_prob holds (None means 1 and needs labels in {0, 1} or "
                "{-1, 1})."
            )
        pos_label = 1
    pos_index = _find(pos_label, classes)
    if pos_index is None and classes.shape[0] == 2:
        raise ValueError(
            f"pos_label={pos_label!r} is not a class of y_true; it should be one of "
            f"{_labels_repr(classes)}."
        )
    target = (y_index == pos_index).astype(float)  # all 0 when y_true lacks pos_label
    return _calibration_error(target, y_prob, sample_weight, n_bins, strategy)


# --------------------------------------------------------------------------------------
# Minority-class metrics
# --------------------------------------------------------------------------------------


def _minority_inputs(y_true, y_pred, sample_weight):
    """Check the inputs of the ``minority_*`` functions; return them and the minority."""
    y_true, classes, counts, _ = _check_y_true(y_true)
    _require_two_classes(classes)
    y_pred = check_labels(y_pred, "y_pred")
    _check_length(y_pred, "y_pred", y_true.shape[0])
    _check_sample_weight(sample_weight, y_true.shape[0])
    return y_true, y_pred, python_scalar(classes[minority_index(counts)])


_MINORITY_PARAMS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
}


@validate_params(_MINORITY_PARAMS, prefer_skip_nested_validation=True)
@fill_doc
def minority_f1_score(y_true, y_pred, *, sample_weight=None):
    """F1 score of the minority class of ``y_true``.

    {minority_rule}

    The score is :func:`sklearn.metrics.f1_score` for that class, so it needs no
    ``pos_label`` and works with labels of any type, also in ``make_scorer``. Labels of
    ``y_pred`` that are not in ``y_true`` count as predictions of another class.

    Parameters
    ----------
    {y_true}

    {y_pred}

    {sample_weight}

    Returns
    -------
    score : float
        The F1 score of the minority class.

    See Also
    --------
    minority_precision_score, minority_recall_score
    imbalanced_scores : All imbalance metrics at once.

    Examples
    --------
    >>> from sklearn_imbal.metrics import minority_f1_score
    >>> y_true = ["ok", "ok", "ok", "ok", "fraud", "fraud"]
    >>> y_pred = ["ok", "ok", "ok", "fraud", "fraud", "ok"]
    >>> minority_f1_score(y_true, y_pred)
    0.5
    """
    y_true, y_pred, minority = _minority_inputs(y_true, y_pred, sample_weight)
    scores = f1_score(y_true, y_pred, labels=[minority], average=None, sample_weight=sample_weight)
    return float(scores[0])


@validate_params(_MINORITY_PARAMS, prefer_skip_nested_validation=True)
@fill_doc
def minority_precision_score(y_true, y_pred, *, sample_weight=None):
    """Precision of the minority class of ``y_true``.

    {minority_rule}

    The score is :func:`sklearn.metrics.precision_score` for that class (0 with an
    ``UndefinedMetricWarning`` when the class is never predicted).

    Parameters
    ----------
    {y_true}

    {y_pred}

    {sample_weight}

    Returns
    -------
    score : float
        The precision of the minority class.

    See Also
    --------
    minority_f1_score, minority_recall_score

    Examples
    --------
    >>> from sklearn_imbal.metrics import minority_precision_score
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 1, 1, 1, 0]
    >>> round(minority_precision_score(y_true, y_pred), 3)
    0.333
    """
    y_true, y_pred, minority = _minority_inputs(y_true, y_pred, sample_weight)
    scores = precision_score(
        y_true, y_pred, labels=[minority], average=None, sample_weight=sample_weight
    )
    return float(scores[0])


@validate_params(_MINORITY_PARAMS, prefer_skip_nested_validation=True)
@fill_doc
def minority_recall_score(y_true, y_pred, *, sample_weight=None):
    """Recall (sensitivity) of the minority class of ``y_true``.

    {minority_rule}

    The score is :func:`sklearn.metrics.recall_score` for that class.

    Parameters
    ----------
    {y_true}

    {y_pred}

    {sample_weight}

    Returns
    -------
    score : float
        The recall of the minority class.

    See Also
    --------
    minority_f1_score, minority_precision_score

    Examples
    --------
    >>> from sklearn_imbal.metrics import minority_recall_score
    >>> y_true = [1, 1, 1, 0, 0, 2]  # 2 is the minority class
    >>> y_pred = [1, 1, 0, 0, 0, 2]
    >>> minority_recall_score(y_true, y_pred)
    1.0
    """
    y_true, y_pred, minority = _minority_inputs(y_true, y_pred, sample_weight)
    scores = recall_score(
        y_true, y_pred, labels=[minority], average=None, sample_weight=sample_weight
    )
    return float(scores[0])


# --------------------------------------------------------------------------------------
# Score-based metrics shared by imbalanced_scores and the scorers
# --------------------------------------------------------------------------------------


def _macro_ovr_average_precision(y_true, y_score, classes, sample_weight):
    """Macro one-vs-rest average precision of 2-D scores (columns follow ``classes``)."""
    indicator = label_binarize(y_true, classes=classes)
    return float(
        average_precision_score(indicator, y_score, average="macro", sample_weight=sample_weight)
    )


def _scorer_minority_average_precision(y_true, y_score, *, sample_weight=None):
    """Average precision of the minority class, from the scores of the greater class.

    Scorers hand binary classifiers' scores for ``classes_[1]`` (the greater label); when
    the minority is the other class its ranking is the reverse, so the scores are negated
    (average precision depends only on the ranking).
    """
    y_true, classes, counts, _ = _check_y_true(y_true)
    _require_two_classes(classes)
    y_score = _check_scores(y_score, "y_score", y_true.shape[0])
    if classes.shape[0] > 2 or y_score.ndim != 1:
        raise ValueError(
            "the binary 'average_precision' scorer got multiclass data; use "
            "get_imbalanced_scorers(multiclass=True)."
        )
    minority = minority_index(counts)
    if minority == 0:
        y_score = -y_score
    minority = python_scalar(classes[minority])
    return float(
        average_precision_score(
            y_true, y_score, pos_label=minority, sample_weight=sample_weight
        )
    )


def _ovr_of_present_classes(y_true, y_score, labels):
    """One-vs-rest 0/1 targets of the classes present in ``y_true`` and their scores.

    2-D ``y_score`` has one column per class of ``labels`` (the estimator's ``classes_``;
    ``None``: the classes of ``y_true``), of which the present classes' columns are kept;
    1-D ``y_score`` is the score of the greater of two classes.
    """
    y_true, classes, _, y_index = _check_y_true(y_true)
    y_score = _check_scores(y_score, "y_score", y_true.shape[0])
    labels = classes if labels is None else labels
    _check_score_columns(y_score, labels, "y_score")
    if y_score.ndim == 1:
        return (y_index == 1).astype(int), y_score
    columns = [_find(python_scalar(label), labels) for label in classes]
    targets = (y_index[:, None] == np.arange(classes.shape[0])).astype(int)
    return targets, y_score[:, columns]


def _scorer_macro_auroc(y_true, y_score, *, labels=None, sample_weight=None):
    """Macro one-vs-rest ROC AUC of ``predict_proba`` over the classes of ``y_true``."""
    targets, y_score = _ovr_of_present_classes(y_true, y_score, labels)
    return float(roc_auc_score(targets, y_score, average="macro", sample_weight=sample_weight))


def _scorer_macro_average_precision(y_true, y_score, *, labels=None, sample_weight=None):
    """Macro one-vs-rest average precision of ``predict_proba`` over the classes of
    ``y_true``."""
    targets, y_score = _ovr_of_present_classes(y_true, y_score, labels)
    return float(
        average_precision_score(targets, y_score, average="macro", sample_weight=sample_weight)
    )


def _check_split(estimator, y_true, *, multiclass, columns=False, sample_weight=None,
                 **metadata):
    """What every scorer of :func:`get_imbalanced_scorers` checks on a split, first.

    All the scorers of the dict raise the same error on the same split, so that
    ``cross_validate`` and ``GridSearchCV`` never get scores for some metrics and errors
    for the others. Returns ``labels=classes_`` for the metrics whose score columns follow
    the estimator's classes (``columns=True``).
    """
    y_true, classes_in_y, _, _ = _check_y_true(y_true)
    _check_sample_weight(sample_weight, y_true.shape[0])
    classes = getattr(estimator, "classes_", None)
    if classes is not None:
        classes = np.asarray(classes)
        known = set(python_scalar(c) for c in classes)
        unseen = [c for c in classes_in_y if python_scalar(c) not in known]
        if unseen:
            raise ValueError(
                f"y_true of this split holds the class(es) {_labels_repr(unseen)}, which the "
                f"estimator was not fitted on (its classes_ are {_labels_repr(classes)}): the "
                "training part of the split had no sample of them, so the model cannot be "
                "scored on them. Split with StratifiedKFold (cv=<int> in cross_validate and "
                "GridSearchCV does for classifiers), so that every class is in every training "
                "part, or drop or merge the classes too rare for that."
            )
    if classes is None or classes.shape[0] < classes_in_y.shape[0]:
        classes = classes_in_y  # the estimator has no classes_
    if not multiclass and classes.shape[0] > 2:
        raise ValueError(
            f"these are the binary scorers, but there are {classes.shape[0]} classes "
            f"{_labels_repr(classes)}; use get_imbalanced_scorers(multiclass=True)."
        )
    _require_two_classes(classes_in_y)
    return {"labels": classes} if columns else {}


# --------------------------------------------------------------------------------------
# The combined report
# --------------------------------------------------------------------------------------


def _check_classes(y_true, classes_in_y, labels):
    """The classes: ``labels`` (checked: unique, sorted, covering y_true) or y_true's."""
    if labels is None:
        return classes_in_y, "y_true"
    labels = check_1d(labels, "labels")
    in_order = sorted_labels(labels, "labels")
    if in_order.shape[0] != labels.shape[0]:
        raise ValueError(f"labels contains duplicates: {_labels_repr(labels)}; list each once.")
    if any(python_scalar(a) != python_scalar(b) for a, b in zip(labels, in_order)):
        raise ValueError(
            f"labels must be in sorted order, the column order of a 2-D y_score (as "
            f"predict_proba gives it); got {_labels_repr(labels)}, pass "
            f"{_labels_repr(in_order)} with the y_score columns in that order."
        )
    known = set(python_scalar(c) for c in labels)
    missing = [c for c in classes_in_y if python_scalar(c) not in known]
    if missing:
        raise ValueError(
            f"y_true contains labels that are not in labels: {_labels_repr(missing)}; labels "
            "must list every class."
        )
    return labels, "labels"


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like", None],
        "y_score": ["array-like", None],
        "labels": ["array-like", None],
        "pos_label": [numbers.Real, str, "boolean", None],
        "n_bins": [Interval(numbers.Integral, 1, None, closed="left")],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
def imbalanced_scores(
    y_true,
    y_pred=None,
    y_score=None,
    *,
    labels=None,
    pos_label=None,
    n_bins=10,
    sample_weight=None,
):
    """Imbalance-aware metrics of predicted labels and scores, in one dict.

    Binary and multiclass, labels of any type. Each value is computed by the scikit-learn or
    imbalanced-learn function named below, called on the same data (with ``sample_weight``),
    so it equals that function's result.

    {minority_rule} A ``pos_label`` overrides it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels, of any type (integers, strings, ...); at least two classes.

    y_pred : array-like of shape (n_samples,), default=None
        Predicted class labels (``predict``); each must be a class of ``y_true`` or
        ``labels``.

    y_score : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
        Scores or probabilities. Binary: a 1-D score or probability **of the minority
        class** (which may be the smaller label: pass ``predict_proba(X)[:, k]`` for the
        minority's column ``k``, or the whole 2-D array), or 2-D of shape
        ``(n_samples, 2)``, from which the minority's column is taken. Multiclass: 2-D of
        shape ``(n_samples, n_classes)``. Columns are in sorted label order (the order of
        ``labels``, of ``predict_proba``). Decision scores are fine for the ranking metrics;
        the Brier score and the ECE are reported only for probabilities (all values in
        [0, 1] and, for 2-D, rows summing to 1 within 1e-6).

    labels : array-like of shape (n_classes,), default=None
        All the classes, sorted, when ``y_true`` may lack some of them (e.g. the columns of
        ``y_score`` or the labels of ``y_pred``). ``None``: the classes of ``y_true``.
        A class without samples in ``y_true`` makes its one-vs-rest AUROC undefined (nan,
        with scikit-learn's warning) and is never the minority.

    pos_label : int, float, bool or str, default=None
        The class to treat as the minority; it must occur in ``y_true``.

    n_bins : int, default=10
        Number of equal-width bins of the expected calibration error.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, passed on to every metric.

    Returns
    -------
    scores : dict of str to float
        Python floats, in this fixed order; the first group only when ``y_pred`` is given,
        the second only when ``y_score`` is given:

        - from ``y_pred``: ``"macro_f1"`` (:func:`~sklearn.metrics.f1_score`, macro over
          the classes), ``"minority_precision"``, ``"minority_recall"``, ``"minority_f1"``
          (:func:`~sklearn.metrics.precision_recall_fscore_support` of the minority class),
          ``"mcc"`` (:func:`~sklearn.metrics.matthews_corrcoef`), ``"balanced_accuracy"``
          (:func:`~sklearn.metrics.balanced_accuracy_score`), ``"geometric_mean"``
          (:func:`imblearn.metrics.geometric_mean_score` of the class recalls),
          ``"accuracy"`` (:func:`~sklearn.metrics.accuracy_score`);
        - from ``y_score``: ``"auroc"`` (:func:`~sklearn.metrics.roc_auc_score`; binary:
          of the minority, multiclass: macro one-vs-rest), ``"average_precision"``
          (:func:`~sklearn.metrics.average_precision_score`, the area under the
          precision-recall curve; binary: of the minority, multiclass: macro one-vs-rest
          over :func:`~sklearn.preprocessing.label_binarize`),
          ``"minority_average_precision"`` (of the minority class; equal to
          ``"average_precision"`` for binary problems), and for probabilities only
          ``"brier_score"`` (:func:`~sklearn.metrics.brier_score_loss`; binary: of the
          minority probability, in [0, 1]; multiclass: summed over the classes, in
          [0, 2], of the rows renormalized to sum to exactly 1) and ``"ece"``
          (:func:`expected_calibration_error`; binary: of the
          minority probability, multiclass: top-label).

    See Also
    --------
    get_imbalanced_scorers : The same metrics as scorers for model selection.
    imblearn.metrics.classification_report_imbalanced : Per-class text report.

    Examples
    --------
    >>> from sklearn_imbal.metrics import imbalanced_scores
    >>> y_true = ["ham"] * 6 + ["spam"] * 2
    >>> y_pred = ["ham"] * 5 + ["spam"] * 3
    >>> p_spam = [0.1, 0.2, 0.1, 0.3, 0.2, 0.6, 0.7, 0.9]  # minority: "spam"
    >>> scores = imbalanced_scores(y_true, y_pred, p_spam, n_bins=5)
    >>> {name: round(value, 3) for name, value in scores.items()}
    {'macro_f1': 0.855, 'minority_precision': 0.667, 'minority_recall': 1.0,
     'minority_f1': 0.8, 'mcc': 0.745, 'balanced_accuracy': 0.917,
     'geometric_mean': 0.913, 'accuracy': 0.875, 'auroc': 1.0, 'average_precision': 1.0,
     'minority_average_precision': 1.0, 'brier_score': 0.081, 'ece': 0.237}
    >>> sorted(imbalanced_scores([0, 0, 1, 2, 2, 2], y_pred=[0, 1, 1, 2, 2, 0]))
    ['accuracy', 'balanced_accuracy', 'geometric_mean', 'macro_f1', 'mcc',
     'minority_f1', 'minority_precision', 'minority_recall']
    """
    if y_pred is None and y_score is None:
        raise ValueError(
            "pass y_pred (predicted labels), y_score (scores or probabilities) or both: "
            "there is nothing to score."
        )
    y_true, classes_in_y, counts, _ = _check_y_true(y_true)
    _require_two_classes(classes_in_y)
    n_samples = y_true.shape[0]
    classes, classes_name = _check_classes(y_true, classes_in_y, labels)
    sample_weight = _check_sample_weight(sample_weight, n_samples)
    if pos_label is None:
        minority = python_scalar(classes_in_y[minority_index(counts)])
    else:
        index = _find(pos_label, classes_in_y)
        if index is None:
            raise ValueError(
                f"pos_label={pos_label!r} is not a class of y_true; it should be one of "
                f"{_labels_repr(classes_in_y)}, or None for the least frequent class."
            )
        minority = python_scalar(classes_in_y[index])
    if y_pred is not None:
        y_pred = _check_y_pred(y_pred, classes, n_samples, classes_name)
    if y_score is not None:
        y_score = _check_scores(y_score, "y_score", n_samples)
        _check_score_columns(y_score, classes, "y_score")

    scores = {}
    if y_pred is not None:
        precision, recall, f1, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=[minority], average=None, sample_weight=sample_weight
        )
        scores["macro_f1"] = f1_score(
            y_true, y_pred, labels=classes, average="macro", sample_weight=sample_weight
        )
        scores["minority_precision"] = precision[0]
        scores["minority_recall"] = recall[0]
        scores["minority_f1"] = f1[0]
        scores["mcc"] = matthews_corrcoef(y_true, y_pred, sample_weight=sample_weight)
        scores["balanced_accuracy"] = balanced_accuracy_score(
            y_true, y_pred, sample_weight=sample_weight
        )
        # imported here: imbalanced-learn (and the sklearn-compat it loads) costs about
        # half a second, which ``import sklearn_imbal.metrics`` should not pay
        from imblearn.metrics import geometric_mean_score

        scores["geometric_mean"] = geometric_mean_score(
            y_true, y_pred, labels=classes, sample_weight=sample_weight
        )
        scores["accuracy"] = accuracy_score(y_true, y_pred, sample_weight=sample_weight)

    if y_score is not None:
        minority_column = _find(minority, classes)
        y_index = np.searchsorted(classes, y_true)
        is_minority = (y_index == minority_column).astype(int)
        probabilities = _is_probability(y_score)
        if classes.shape[0] == 2:
            score = y_score if y_score.ndim == 1 else y_score[:, minority_column]
            scores["auroc"] = roc_auc_score(is_minority, score, sample_weight=sample_weight)
            scores["average_precision"] = average_precision_score(
                y_true, score, pos_label=minority, sample_weight=sample_weight
            )
            scores["minority_average_precision"] = scores["average_precision"]
            if probabilities:
                scores["brier_score"] = brier_score_loss(
                    y_true, score, pos_label=minority, sample_weight=sample_weight
                )
                scores["ece"] = _calibration_error(
                    is_minority, score, sample_weight, n_bins, "uniform"
                )
        else:
            indicator = label_binarize(y_true, classes=classes)
            scores["auroc"] = roc_auc_score(
                indicator, y_score, average="macro", sample_weight=sample_weight
            )
            scores["average_precision"] = _macro_ovr_average_precision(
                y_true, y_score, classes, sample_weight
            )
            scores["minority_average_precision"] = average_precision_score(
                is_minority, y_score[:, minority_column], sample_weight=sample_weight
            )
            if probabilities:
                # Rows are accepted within 1e-6 of summing to 1 (float32 outputs), sklearn's
                # check is tighter: renormalize rather than warn about rounding noise.
                normalized = y_score / y_score.sum(axis=1, keepdims=True)
                scores["brier_score"] = brier_score_loss(
                    y_true, normalized, labels=classes, sample_weight=sample_weight
                )
                confidence, correct = _top_label(y_score, y_index)
                scores["ece"] = _calibration_error(
                    correct, confidence, sample_weight, n_bins, "uniform"
                )
    return {name: float(value) for name, value in scores.items()}


# --------------------------------------------------------------------------------------
# Scorers
# --------------------------------------------------------------------------------------


@validate_params({"multiclass": ["boolean"]}, prefer_skip_nested_validation=True)
def get_imbalanced_scorers(*, multiclass=False):
    """Scorers of the imbalance metrics, for ``cross_validate`` and ``GridSearchCV``.

    Pass the dict as ``scoring=``; with ``GridSearchCV`` also pick the metric to select
    on, e.g. ``refit="minority_f1"``. Each scorer computes the same value as the
    corresponding key of :func:`imbalanced_scores` on the test split (the minority is the
    least frequent class of the split's ``y_true``; on nearly balanced data it can change
    between splits, and a ``make_scorer(f1_score, pos_label=...)`` is then the better
    choice).

    Parameters
    ----------
    multiclass : bool, default=False
        ``False``: scorers for binary problems. ``True``: multiclass versions of the
        ranking scorers ("auroc" and "average_precision" become the macro one-vs-rest
        ROC AUC, as scikit-learn's ``"roc_auc_ovr"``, and average precision of
        ``predict_proba``); the others are the same.

    Returns
    -------
    scorers : dict of str to callable
        In this order:

        - ``"macro_f1"``: scikit-learn's ``"f1_macro"``;
        - ``"minority_precision"``, ``"minority_recall"``, ``"minority_f1"``:
          ``make_scorer`` of :func:`minority_precision_score`,
          :func:`minority_recall_score`, :func:`minority_f1_score`;
        - ``"mcc"``: ``make_scorer(matthews_corrcoef)``;
        - ``"balanced_accuracy"``: scikit-learn's ``"balanced_accuracy"``;
        - ``"auroc"``: ``"roc_auc"`` (binary) or the macro one-vs-rest ROC AUC of
          ``predict_proba`` (multiclass);
        - ``"average_precision"``: binary: the average precision of the minority class,
          from ``decision_function`` or ``predict_proba`` (unlike scikit-learn's
          ``"average_precision"``, which scores the greater label and needs it to be 1);
          multiclass: the macro one-vs-rest average precision of ``predict_proba``.

        Each scorer first checks the split against the fitted estimator, and every
        scorer of the dict raises the same ``ValueError`` on the same split (so a
        split never gets scores for some metrics and errors for the others): when
        ``y_true`` holds a class that is not in the estimator's ``classes_`` (its
        training part lacked it: use ``StratifiedKFold``), when it holds a single
        class, when ``sample_weight`` is negative, NaN or all zero, and, for the
        binary scorers, when there are more than two classes. A split that lacks some
        of the estimator's classes is scored: the multiclass ranking scorers average
        over the classes that it holds, reading their columns by ``classes_``.

    See Also
    --------
    imbalanced_scores : The same metrics computed from predictions.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from sklearn_imbal.metrics import get_imbalanced_scorers
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> cv = cross_validate(LogisticRegression(), X, y, scoring=get_imbalanced_scorers())
    >>> {name: round(float(cv["test_" + name].mean()), 3) for name in get_imbalanced_scorers()}
    {'macro_f1': 0.762, 'minority_precision': 0.74, 'minority_recall': 0.49,
     'minority_f1': 0.565, 'mcc': 0.554, 'balanced_accuracy': 0.734, 'auroc': 0.849,
     'average_precision': 0.627}
    """
    scorers = {
        "macro_f1": get_scorer("f1_macro"),
        "minority_precision": make_scorer(minority_precision_score),
        "minority_recall": make_scorer(minority_recall_score),
        "minority_f1": make_scorer(minority_f1_score),
        "mcc": make_scorer(matthews_corrcoef),
        "balanced_accuracy": get_scorer("balanced_accuracy"),
    }
    if multiclass:
        scorers["auroc"] = make_scorer(_scorer_macro_auroc, response_method="predict_proba")
        scorers["average_precision"] = make_scorer(
            _scorer_macro_average_precision, response_method="predict_proba"
        )
    else:
        scorers["auroc"] = get_scorer("roc_auc")
        scorers["average_precision"] = make_scorer(
            _scorer_minority_average_precision,
            response_method=("decision_function", "predict_proba"),
        )
    check = partial(_check_split, multiclass=multiclass)
    ranked = partial(_check_split, multiclass=multiclass, columns=multiclass)
    return {
        name: checked_scorer(scorer, ranked if name in ("auroc", "average_precision") else check)
        for name, scorer in scorers.items()
    }
