"""How imbalanced is ``y``, and what to do about it.

:func:`imbalance_report` counts the classes and recommends techniques in the order
of the imbalanced-data playbook, named as compare names them (the cut-offs are in its
Notes).
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.utils.multiclass import type_of_target

from .utils._technique_names import LABELS
from .utils._validation import check_labels, minority_label, python_scalar

__all__ = ["ImbalanceReport", "imbalance_report"]

SCARCE = 1000
LARGE = 100_000
VERY_FEW = 50
_SEVERITY = [(1.5, "balanced"), (10, "mild"), (100, "moderate"), (1000, "severe")]


@dataclass(frozen=True)
class Recommendation:
    """One technique of the playbook: what to use and why it applies to this ``y``.

    Attributes
    ----------
    technique : str
        The technique's name in :func:`~sklearn_imbal.compare.compare_techniques`
        (``techniques=``, ``sklearn-imbal compare --techniques``), e.g. ``"smote"``.
    reason : str
        Why it applies to this target, one line.
    how : str
        The estimator that applies it.
    label : str
        The technique's display name, as compare's table shows it.
    """

    technique: str
    reason: str
    how: str

    @property
    def label(self):
        return LABELS[self.technique]


@dataclass(frozen=True)
class ImbalanceReport:
    """Class counts of a target and the techniques recommended for it.

    Built by :func:`imbalance_report`; ``print(report)`` shows a table.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The class labels, sorted.
    counts : ndarray of shape (n_classes,)
        Number of samples of each class.
    proportions : ndarray of shape (n_classes,)
        Share of each class, summing to one.
    ratio_to_majority : ndarray of shape (n_classes,)
        Count of each class over the count of the largest class.
    imbalance_ratio : float
        Largest class count over smallest class count.
    severity : str
        ``"balanced"``, ``"mild"``, ``"moderate"``, ``"severe"`` or ``"extreme"``.
    majority_class, minority_class : object
        The largest and the smallest class (ties: the first in sorted order).
    recommendations : tuple of Recommendation
        Techniques in the order to try them, each with a reason and how to apply it.
    techniques : tuple of str
        The recommended techniques' names, valid ``techniques`` of
        :func:`~sklearn_imbal.compare.compare_techniques`.
    """

    classes: np.ndarray
    counts: np.ndarray
    proportions: np.ndarray
    ratio_to_majority: np.ndarray
    imbalance_ratio: float
    severity: str
    majority_class: object
    minority_class: object
    recommendations: tuple = field(default_factory=tuple)

    @property
    def n_samples(self):
        """Total number of samples."""
        return int(self.counts.sum())

    @property
    def techniques(self):
        """The recommended techniques' names, for ``compare_techniques(techniques=...)``."""
        return tuple(rec.technique for rec in self.recommendations)

    def to_dict(self):
        """The report as plain Python types (JSON serialisable for str/int labels).

        Returns
        -------
        report : dict
            ``classes`` (a list of per-class dicts with ``label``, ``count``,
            ``proportion`` and ``ratio_to_majority``), ``n_samples``,
            ``imbalance_ratio``, ``severity``, ``majority_class``, ``minority_class``
            and ``recommendations`` (a list of dicts with ``technique``, ``label``,
            ``reason`` and ``how``).
        """
        return {
            "classes": [
                {
                    "label": python_scalar(label),
                    "count": int(count),
                    "proportion": float(proportion),
                    "ratio_to_majority": float(ratio),
                }
                for label, count, proportion, ratio in zip(
                    self.classes, self.counts, self.proportions, self.ratio_to_majority
                )
            ],
            "n_samples": self.n_samples,
            "imbalance_ratio": float(self.imbalance_ratio),
            "severity": self.severity,
            "majority_class": python_scalar(self.majority_class),
            "minority_class": python_scalar(self.minority_class),
            "recommendations": [{**vars(rec), "label": rec.label}
                                for rec in self.recommendations],
        }

    def to_frame(self):
        """Per-class counts as a pandas DataFrame indexed by class label.

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``count``, ``proportion`` and ``ratio_to_majority``, one row per
            class, sorted by label.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is a scikit-learn extra
            raise ImportError("ImbalanceReport.to_frame needs pandas: pip install pandas") from exc
        return pd.DataFrame(
            {
                "count": self.counts,
                "proportion": self.proportions,
                "ratio_to_majority": self.ratio_to_majority,
            },
            index=pd.Index(self.classes, name="class"),
        )

    def __str__(self):
        labels = [str(label) for label in self.classes]
        width = max(5, *(len(label) for label in labels))
        lines = [
            f"{self.n_samples} samples, {len(labels)} classes, imbalance ratio "
            f"{self.imbalance_ratio:.1f}:1 ({self.severity})",
            f"{'class':<{width}}  {'count':>9}  {'share':>7}  {'vs majority':>11}",
        ]
        for label, count, share, ratio in zip(
            labels, self.counts, self.proportions, self.ratio_to_majority
        ):
            lines.append(f"{label:<{width}}  {count:>9}  {share:>7.1%}  {ratio:>11.3f}")
        lines.append("Recommended, in order:")
        for rank, rec in enumerate(self.recommendations, start=1):
            lines.append(f"{rank}. {rec.label}: {rec.reason}")
            lines.append(f"   {rec.how}")
        if self.severity != "balanced":
            lines.append("Compare them on your data: sklearn-imbal compare DATA.csv --label COL "
                         "--techniques " + ",".join(self.techniques))
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"ImbalanceReport(n_samples={self.n_samples}, n_classes={len(self.classes)}, "
            f"imbalance_ratio={self.imbalance_ratio:.1f}, severity={self.severity!r})"
        )


def _severity(ratio):
    for limit, name in _SEVERITY:
        if ratio < limit:
            return name
    return "extreme"


def _recommend(counts, ratio, severity, n_samples, text):
    smallest = int(counts.min())
    if severity == "balanced":
        return (Recommendation(
            "baseline",
            f"the classes are balanced (ratio {ratio:.1f}:1 < 1.5); train as usual and "
            "still report per-class metrics",
            "any classifier; metrics: sklearn_imbal.imbalanced_scores",
        ),)
    recs = [
        Recommendation(
            "class_weight",
            f"ratio {ratio:.1f}:1: weight each class by n / (K n_c) so every class counts "
            "equally in the loss; changes no data, costs nothing",
            "class_weight='balanced' (FocalLossClassifier, LogisticRegression, "
            "HistGradientBoostingClassifier, ...)",
        ),
        Recommendation(
            "threshold",
            "after training, the default cut (0.5 or argmax) rarely maximises F1 or MCC "
            "under imbalance; tune it on out-of-fold predictions",
            "ThresholdTunedClassifier(estimator, scoring='f1')",
        ),
    ]
    if smallest < SCARCE:
        scarce = f"the smallest class has only {smallest} examples (< {SCARCE})"
        recs.append(Recommendation(
            "random_oversampling",
            f"{scarce}: repeat minority examples in the training folds",
            "imblearn RandomOverSampler in an imblearn Pipeline",
        ))
        recs.append(Recommendation(
            "smote",
            f"{scarce}: interpolate new minority examples between neighbours in the "
            "training folds",
            "imblearn SMOTE" + (" on TransformerEmbedder embeddings" if text else ""),
        ))
    if n_samples >= LARGE and smallest >= SCARCE:
        recs.append(Recommendation(
            "random_undersampling",
            f"{n_samples} samples (>= {LARGE}) and {smallest} of the smallest class: "
            "dropping majority rows loses little and trains faster",
            "imblearn RandomUnderSampler in an imblearn Pipeline",
        ))
    if text and smallest < VERY_FEW:
        recs.append(Recommendation(
            "augmentation",
            f"a class has fewer than {VERY_FEW} examples ({smallest}): write new "
            "minority texts",
            "TextAugmentationSampler (offline word edits, or LLMAugmenter)",
        ))
    if ratio >= 1000:
        recs.append(Recommendation(
            "focal_loss",
            f"extreme imbalance ({ratio:.0f}:1 >= 1000:1): even weighted cross-entropy "
            "is dominated by easy majority examples; focal loss down-weights them",
            "FocalLossClassifier(gamma=2.0, class_weight='balanced')",
        ))
    return tuple(recs)


def imbalance_report(y, *, text=False):
    """Count the classes of ``y`` and recommend imbalance techniques, in order.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels of any type (ints, strings, ...), binary or multiclass.
    text : bool, default=False
        Whether the inputs are texts: recommendations then name the text tools
        (SMOTE on ``TransformerEmbedder`` embeddings) and include ``augmentation``
        (``TextAugmentationSampler``), which applies to text only.

    Returns
    -------
    report : ImbalanceReport
        Counts, proportions, ratios, the severity and the recommendations; see the
        Notes below for the cut-offs.

    Notes
    -----
    The *imbalance ratio* is ``IR = n_majority / n_minority`` (largest class count over
    smallest). Severity:

    ============  ======================  =========================================
    severity      imbalance ratio         e.g.
    ============  ======================  =========================================
    balanced      IR < 1.5                60 / 40
    mild          1.5 <= IR < 10          85 / 15
    moderate      10 <= IR < 100          97 / 3 (support tickets, rare intents)
    severe        100 <= IR < 1000        99.5 / 0.5 (fraud)
    extreme       IR >= 1000              1 in 10,000 (rare events)
    ============  ======================  =========================================

    Recommendations, in this order, each included when its condition holds; each names
    a technique of :func:`~sklearn_imbal.compare.compare_techniques` (``techniques=``,
    ``sklearn-imbal compare --techniques``), so the report's advice can be measured:

    1. ``class_weight``: always, for any imbalance (``IR >= 1.5``); the cheapest fix,
       changes no data (``class_weight="balanced"``).
    2. ``threshold``: for any imbalance, after training; the default cut (0.5 or argmax)
       rarely maximises F1 or MCC (:class:`ThresholdTunedClassifier`).
    3. ``random_oversampling`` and 4. ``smote``: when the smallest class has fewer than
       ``SCARCE = 1000`` examples (SMOTE on embeddings for text).
    5. ``random_undersampling``: when the data set is large (``n >= LARGE = 100_000``)
       and the minority still has at least ``SCARCE`` examples: dropping majority rows
       costs little information and speeds training up.
    6. ``augmentation`` (text only, as in compare; SMOTE is the synthetic generation of
       tabular data): when a class has fewer than ``VERY_FEW = 50`` examples: new
       minority texts (word edits offline, or an LLM endpoint).
    7. ``focal_loss``: for extreme imbalance (``IR >= 1000``), where even weighted
       cross-entropy is dominated by easy majority examples (``FocalLossClassifier``).

    Balanced data gets a single recommendation, ``baseline``: no imbalance technique is
    needed.

    Examples
    --------
    >>> from sklearn_imbal import imbalance_report
    >>> y = ["ok"] * 970 + ["fraud"] * 30
    >>> report = imbalance_report(y)
    >>> report.imbalance_ratio, report.severity, report.minority_class
    (32.333..., 'moderate', 'fraud')
    >>> print(report)
    1000 samples, 2 classes, imbalance ratio 32.3:1 (moderate)
    class      count    share  vs majority
    fraud         30     3.0%        0.031
    ok           970    97.0%        1.000
    Recommended, in order:
    1. class weights (balanced): ratio 32.3:1: weight each class by n / (K n_c) so every
       class counts equally in the loss; changes no data, costs nothing
       class_weight='balanced' (FocalLossClassifier, LogisticRegression,
       HistGradientBoostingClassifier, ...)
    2. threshold tuning: after training, the default cut (0.5 or argmax) rarely maximises
       F1 or MCC under imbalance; tune it on out-of-fold predictions
       ThresholdTunedClassifier(estimator, scoring='f1')
    3. random oversampling: the smallest class has only 30 examples (< 1000): repeat
       minority examples in the training folds
       imblearn RandomOverSampler in an imblearn Pipeline
    4. SMOTE: the smallest class has only 30 examples (< 1000): interpolate new minority
       examples between neighbours in the training folds
       imblearn SMOTE
    Compare them on your data: sklearn-imbal compare DATA.csv --label COL --techniques
    class_weight,threshold,random_oversampling,smote

    The names are those of :func:`~sklearn_imbal.compare.compare_techniques`:

    >>> report.techniques
    ('class_weight', 'threshold', 'random_oversampling', 'smote')
    """
    y_array = check_labels(y)
    kind = type_of_target(y_array, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"y looks {kind!r}, not like class labels (binary or multiclass); a continuous "
            "target has no classes to count. Bin it or pass the class column."
        )
    classes, counts = np.unique(y_array, return_counts=True)
    if classes.shape[0] < 2:
        raise ValueError(
            f"y holds a single class ({python_scalar(classes[0])!r}, {counts[0]} samples): "
            "there is no imbalance to report and no classifier to train; check the label "
            "column."
        )
    proportions = counts / counts.sum()
    ratio = float(counts.max() / counts.min())
    severity = _severity(ratio)
    return ImbalanceReport(
        classes=classes,
        counts=counts,
        proportions=proportions,
        ratio_to_majority=counts / counts.max(),
        imbalance_ratio=ratio,
        severity=severity,
        majority_class=python_scalar(classes[np.argmax(counts)]),
        minority_class=minority_label(classes, counts),
        recommendations=_recommend(counts, ratio, severity, int(counts.sum()), text),
    )
