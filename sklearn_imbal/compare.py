"""Which imbalance fix works on *this* data? Every known fix, measured under one CV.

:func:`compare_techniques` evaluates a baseline and each technique of the imbalanced-data
playbook on the same stratified cross-validation splits and returns a
:class:`ComparisonResult`: per-fold scores, a table (mean and standard deviation over the
folds), a ranking by one metric, a recommendation sentence, out-of-fold probabilities
for precision-recall curves, JSON export and plots. The ``sklearn-imbal compare``
command (:mod:`sklearn_imbal.cli`) is a thin layer over it.

Design
------
Same splits, no leakage
    One ``StratifiedKFold(cv, shuffle=True, random_state)`` is drawn once; every technique
    is fitted on each training fold and scored on its test fold. Resamplers are steps of
    an imbalanced-learn ``Pipeline``, which resamples during ``fit`` only, so test folds
    are never resampled. A fresh estimator is built for every (technique, fold) pair, and
    its wall-clock fit time is recorded.

Metrics
    :func:`~sklearn_imbal.metrics.imbalanced_scores` on each test fold (binary and
    multiclass): macro F1, minority precision / recall / F1, MCC, balanced accuracy,
    G-mean, accuracy, AUROC, average precision, Brier score, ECE. The minority class is
    the least frequent class of the whole ``y``, fixed for every fold. ``rank_by`` picks
    the metric of the ranking (default MCC; the Brier score ranks lower-is-better).

Techniques (``TECHNIQUES``)
    ``baseline`` (the plain model), ``class_weight`` (``class_weight="balanced"``),
    ``random_oversampling`` (``RandomOverSampler``), ``smote`` (``SMOTE`` on feature
    vectors: embeddings for text), ``random_undersampling`` (``RandomUnderSampler``),
    ``focal_loss`` (focal loss with balanced ``alpha``), ``augmentation`` (new minority
    texts from :class:`~sklearn_imbal.sampling.TextAugmentationSampler`: offline word
    edits, or an :class:`~sklearn_imbal.sampling.LLMAugmenter` passed as ``augmenter``;
    every class below ``augmentation_ratio`` times the majority is filled up to it),
    ``threshold`` (:class:`~sklearn_imbal.threshold.ThresholdTunedClassifier` around the
    baseline, tuned for the ranking metric on 3 inner folds of the training fold; one
    25% inner split for the expensive fine-tuning, focal loss and augmentation) and
    ``best_combination`` (the best of the other techniques, by the ranking metric on
    these same folds, wrapped in threshold tuning; its base technique is selected on
    the evaluation folds, which the result says: its score is slightly optimistic).
    A technique that cannot apply (SMOTE on raw text, augmentation on tabular data) is
    listed with its reason; one that raises on a fold is reported as failed with the
    error, and the others still run.

Model families (``model``)
    - ``"embeddings"`` (text; the default on a CPU): a frozen
      :class:`~sklearn_imbal.text.TransformerEmbedder` (all-MiniLM-L6-v2, packaged, by
      default) embeds each distinct text once before cross-validation (the encoder is
      frozen and unsupervised, so this leaks nothing), then every technique trains a
      head on the embeddings: ``LogisticRegression`` or, for focal loss,
      :class:`~sklearn_imbal.neural.FocalLossClassifier`. The pipelines take the texts
      themselves: their first step looks the embeddings up in a shared store, which
      embeds (once) the new texts that augmentation writes. Fit times therefore exclude
      the one-off embedding, whose time the result reports.
    - ``"finetune"`` (text; the default when torch sees a GPU): every technique fine-tunes
      :class:`~sklearn_imbal.text.TransformerClassifier` (class weights and focal loss as
      its losses, samplers on an ``(n, 1)`` array of texts, threshold tuning on one inner
      split). Slow on a CPU; ``max_epochs``, ``model_path`` and ``model_kwargs`` (e.g.
      ``{"num_hidden_layers": 2}``) make it cheaper.
    - tabular data (a DataFrame or numeric array): a ``ColumnTransformer`` imputes and
      scales numeric columns and one-hot encodes the others, then the same techniques
      with ``LogisticRegression`` / ``FocalLossClassifier``; SMOTE runs on the encoded
      features; augmentation is text-only and listed as not applicable.

Result
    :class:`ComparisonResult` holds plain numbers and arrays only (no fitted models), so
    ``to_json`` / ``from_json`` round-trip it exactly and a saved comparison can be
    re-plotted.
"""

import json
import math
import numbers
import os
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from .diagnostics import imbalance_report
from .metrics import imbalanced_scores
from .utils._text import validate_texts
from .utils._validation import python_scalar

__all__ = ["ComparisonResult", "DataError", "TECHNIQUES", "RANK_METRICS", "compare_techniques"]

TECHNIQUES = (
    "baseline", "class_weight", "random_oversampling", "smote", "random_undersampling",
    "focal_loss", "augmentation", "threshold", "best_combination",
)
LABELS = {
    "baseline": "baseline",
    "class_weight": "class weights (balanced)",
    "random_oversampling": "random oversampling",
    "smote": "SMOTE",
    "random_undersampling": "random undersampling",
    "focal_loss": "focal loss (balanced alpha)",
    "augmentation": "synthetic augmentation",
    "threshold": "threshold tuning",
    "best_combination": "best combination",
}
# metric key -> (display name, greater is better)
RANK_METRICS = {
    "mcc": ("MCC", True),
    "macro_f1": ("macro F1", True),
    "minority_f1": ("minority F1", True),
    "minority_precision": ("minority precision", True),
    "minority_recall": ("minority recall", True),
    "balanced_accuracy": ("balanced accuracy", True),
    "geometric_mean": ("G-mean", True),
    "auroc": ("AUROC", True),
    "average_precision": ("average precision", True),
    "brier_score": ("Brier score", False),
}
# Columns of the printed table, in order: key -> header.
TABLE_COLUMNS = {
    "macro_f1": "macro F1", "minority_precision": "min. prec", "minority_recall": "min. rec",
    "minority_f1": "min. F1", "auroc": "AUROC", "average_precision": "AP", "mcc": "MCC",
    "brier_score": "Brier", "fit_time": "fit s",
}
# Techniques whose threshold tuning uses one inner split rather than 3 inner folds.
_EXPENSIVE = ("focal_loss", "augmentation")
_NOT_TUNED_BY_THRESHOLD = "threshold tuning does not change {name}: tuned for MCC instead"


class DataError(ValueError):
    """The data cannot be compared as given: the message says what is wrong and the fix."""


# --------------------------------------------------------------------------- input checks
def _is_text_column(values):
    return all(isinstance(v, str) for v in values[:1000]) and len(values) > 0


def _detect_kind(X):
    """``"text"`` for texts (list, 1-D array, Series, one text column), else ``"tabular"``."""
    if isinstance(X, (list, tuple)):
        return "text" if X and isinstance(X[0], str) else "tabular"
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] == 1 and _is_text_column(X.iloc[:, 0].tolist()):
            return "text"
        return "tabular"
    array = np.asarray(X, dtype=object)
    if array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1):
        return "text" if _is_text_column(array.ravel().tolist()) else "tabular"
    return "tabular"


def _check_target(y, cv):
    """``y`` as an array with at least two classes and ``cv`` examples of each."""
    try:  # the checks of the imbalance report: 1-D, no missing labels, classes, 2+ of them
        report = imbalance_report(y)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    y, classes, counts = np.asarray(y), report.classes, report.counts
    small = [(python_scalar(c), int(n)) for c, n in zip(classes, counts) if n < cv]
    if small:
        shown = ", ".join(f"{c!r} has {n} example{'s' if n > 1 else ''}" for c, n in small)
        fewest = min(n for _, n in small)
        fix = (f"lower the number of folds (cv / --cv) to {fewest} or less, or " if fewest >= 2
               else "")
        raise DataError(
            f"Too few examples for {cv}-fold stratified cross-validation: {shown}; every "
            f"class needs at least {max(cv, 2)} (one per test fold). Fix: {fix}add examples "
            "of that class, or drop it."
        )
    return y, classes, counts


def _unusable_texts(values):
    """Positions of the entries that are not a non-blank string (empty, missing, other)."""
    return [i for i, v in enumerate(values) if not isinstance(v, str) or not v.strip()]


def _check_texts(X):
    """The texts as a list, with one clear error for empty or missing texts."""
    values = X.iloc[:, 0].tolist() if hasattr(X, "iloc") and X.ndim == 2 else (
        X.tolist() if hasattr(X, "tolist") else list(X))
    values = [v[0] if isinstance(v, (list, tuple, np.ndarray)) else v for v in values]
    bad = _unusable_texts(values)
    if bad:
        rows = ", ".join(str(i) for i in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise DataError(
            f"{len(bad)} texts are empty, missing or not strings (rows {rows}); drop those "
            "rows or fill them with a placeholder text."
        )
    return validate_texts(values, estimator_name="compare_techniques")


# --------------------------------------------------------------------------- text embedding
class _EmbeddingStore:
    """Embeddings of texts by a fitted frozen embedder, each distinct text embedded once.

    Shared by every pipeline of a comparison (``copy.deepcopy``, hence ``clone``, returns
    the store itself, so the clones that a threshold tuner fits share it too): the real
    texts are embedded once, up front, and each new text that augmentation writes is
    embedded once, when a pipeline first meets it.
    """

    def __init__(self, embedder, batch_size=256):
        self.embedder = embedder
        self.batch_size = batch_size
        self.vectors = {}
        self.seconds = 0.0

    def add(self, texts, progress=None):
        new = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        start = time.perf_counter()
        for begin in range(0, len(new), self.batch_size):
            chunk = new[begin:begin + self.batch_size]
            for text, vector in zip(chunk, self.embedder.transform(chunk)):
                self.vectors[text] = vector
            if progress is not None:
                progress.update(len(chunk))
        self.seconds += time.perf_counter() - start
        return len(new)

    def embed(self, texts):
        self.add(texts)
        return np.stack([self.vectors[t] for t in texts])

    def __deepcopy__(self, memo):
        return self


class _EmbeddingLookup(TransformerMixin, BaseEstimator):
    """Texts (a list or an ``(n, 1)`` array) to their embeddings from an ``_EmbeddingStore``."""

    _parameter_constraints = {"store": [HasMethods(["embed"])]}

    def __init__(self, store):
        self.store = store

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return self.store.embed([str(t) for t in np.asarray(X, dtype=object).ravel()])


# --------------------------------------------------------------------------- techniques
def _augmentation_strategy(y, ratio):
    """Target counts: every class below ``ratio`` x the majority is filled up to it."""
    classes, counts = np.unique(y, return_counts=True)
    target = int(math.ceil(ratio * counts.max()))
    return {python_scalar(c): max(int(n), target) for c, n in zip(classes, counts)
            if n < target}


def _tuning_scorer(rank_by, minority, binary):
    """The scorer threshold tuning maximises: the ranking metric when labels decide it."""
    if rank_by == "macro_f1":
        return "f1_macro", None
    if rank_by == "balanced_accuracy":
        return "balanced_accuracy", None
    if rank_by == "minority_f1":
        if binary:
            return make_scorer(f1_score, pos_label=minority), None
        return make_scorer(f1_score, labels=[minority], average="macro"), None
    note = None
    if rank_by != "mcc":
        note = _NOT_TUNED_BY_THRESHOLD.format(name=RANK_METRICS[rank_by][0])
    return "matthews_corrcoef", note


class _Builder:
    """Builds a fresh estimator for a (technique, training fold) pair of one family."""

    def __init__(self, family, *, random_state, augmenter, augmentation_ratio, tuning,
                 minority, binary, store=None, columns=None, text_model=None):
        self.family = family
        self.random_state = random_state
        self.augmenter = augmenter
        self.augmentation_ratio = augmentation_ratio
        self.scoring, _ = tuning
        self.minority = minority
        self.binary = binary
        self.store = store
        self.columns = columns
        self.text_model = text_model or {}

    # -- what cannot apply
    def not_applicable(self):
        reasons = {}
        if self.family == "tabular":
            reasons["augmentation"] = (
                "text only: it writes new minority texts; tabular rows get random "
                "oversampling and SMOTE instead"
            )
        if self.family == "finetune":
            reasons["smote"] = (
                "SMOTE interpolates feature vectors; fine-tuning reads raw text, where "
                "there is nothing to interpolate (use the embeddings model for SMOTE)"
            )
        return reasons

    def describe(self):
        if self.family == "embeddings":
            return "frozen transformer embeddings + LogisticRegression / FocalLossClassifier"
        if self.family == "finetune":
            return "fine-tuned TransformerClassifier"
        return "ColumnTransformer + LogisticRegression / FocalLossClassifier"

    # -- pieces
    def _head(self, class_weight=None):
        if self.family == "finetune":
            return self._transformer(class_weight=class_weight)
        return LogisticRegression(max_iter=2000, class_weight=class_weight)

    def _transformer(self, **params):
        from .text import TransformerClassifier

        return TransformerClassifier(random_state=self.random_state,
                                     **{**self.text_model, **params})

    def _focal(self):
        if self.family == "finetune":
            return self._transformer(loss="focal", class_weight="balanced")
        from sklearn.preprocessing import StandardScaler

        from .neural import FocalLossClassifier

        return [StandardScaler(), FocalLossClassifier(
            class_weight="balanced", max_epochs=30, random_state=self.random_state)]

    def _front(self):
        """Steps that turn the raw input into features (without a store: a real
        ``TransformerEmbedder``, for an estimator that embeds new texts itself)."""
        if self.family == "embeddings":
            if self.store is None:
                from .text import TransformerEmbedder

                return [TransformerEmbedder(
                    self.text_model.get("model"), model_kwargs=self.text_model.get(
                        "model_kwargs"), device=self.text_model.get("device", "auto"))]
            return [_EmbeddingLookup(self.store)]
        if self.family == "tabular":
            return [_tabular_encoder(*self.columns)]
        return []

    def _pipeline(self, *steps):
        from imblearn.pipeline import make_pipeline

        flat = []
        for step in steps:
            flat += step if isinstance(step, list) else [step]
        return flat[0] if len(flat) == 1 else make_pipeline(*flat)

    def tuned(self, estimator, y_train, *, expensive=False):
        """``estimator`` in a threshold tuner: 3 inner folds, or one inner split (25%) for
        expensive fits (fine-tuning, focal loss, augmentation): two fits per fold."""
        from .threshold import ThresholdTunedClassifier

        counts = np.unique(y_train, return_counts=True)[1]
        if self.family == "finetune" or expensive:
            cv = 0.25
        else:
            cv = int(min(3, counts.min()))
            if cv < 2:
                raise DataError("threshold tuning needs 2 examples of each class per fold")
        return ThresholdTunedClassifier(
            estimator, scoring=self.scoring, cv=cv,
            pos_label=self.minority if self.binary else None,
            random_state=self.random_state,
        )

    def build(self, name, y_train):
        """A fresh, unfitted estimator for ``name`` on the training fold ``y_train``."""
        from imblearn.over_sampling import SMOTE, RandomOverSampler
        from imblearn.under_sampling import RandomUnderSampler

        from .sampling import TextAugmentationSampler, WordAugmenter

        rs = self.random_state
        front = self._front()
        if name == "baseline":
            return self._pipeline(front, self._head())
        if name == "class_weight":
            return self._pipeline(front, self._head(class_weight="balanced"))
        if name == "random_oversampling":
            return self._pipeline(front, RandomOverSampler(random_state=rs), self._head())
        if name == "random_undersampling":
            return self._pipeline(front, RandomUnderSampler(random_state=rs), self._head())
        if name == "smote":
            smallest = int(np.unique(y_train, return_counts=True)[1].min())
            if smallest < 2:
                raise DataError("SMOTE needs 2 examples of each class per training fold")
            smote = SMOTE(k_neighbors=min(5, smallest - 1), random_state=rs)
            return self._pipeline(front, smote, self._head())
        if name == "focal_loss":
            return self._pipeline(front, self._focal())
        if name == "augmentation":
            augmenter = self.augmenter if self.augmenter is not None else WordAugmenter(
                random_state=rs)
            sampler = TextAugmentationSampler(
                augmenter, random_state=rs,
                sampling_strategy=partial(_augmentation_strategy, ratio=self.augmentation_ratio),
            )
            return self._pipeline(sampler, front, self._head())
        if name == "threshold":
            return self.tuned(self.build("baseline", y_train), y_train)
        raise ValueError(f"unknown technique {name!r}")


def _tabular_encoder(numeric, categorical):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)), categorical),
    ])


def _tabular_frame(X):
    """``X`` as a DataFrame with string column names, and its numeric / other columns."""
    import pandas as pd

    if not hasattr(X, "iloc"):
        array = np.asarray(X)
        if array.ndim != 2:
            raise DataError(f"Tabular X must be 2-D (rows x features); got shape {array.shape}.")
        X = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
        X = X.infer_objects()
    else:
        X = X.rename(columns=str)
    if X.shape[1] == 0:
        raise DataError("There are no feature columns besides the label.")
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])
               and not pd.api.types.is_bool_dtype(X[c])]
    categorical = [c for c in X.columns if c not in numeric]
    X = X.copy()
    for column in categorical:  # one dtype per column for the one-hot encoder
        X[column] = X[column].astype(object).where(X[column].notna(), np.nan).map(
            lambda v: v if isinstance(v, float) and v != v else str(v))
    return X, numeric, categorical


def _as_text_column(X):
    """Texts (list, 1-D array, Series, one-column frame or ``(n, 1)`` array) as the
    ``(n, 1)`` object array that every technique's pipeline reads."""
    return np.asarray(_check_texts(X), dtype=object).reshape(-1, 1)


def _as_frame(X):
    """Tabular ``X`` as ``compare_techniques`` saw it (string column names, categorical
    columns as strings)."""
    return _tabular_frame(X)[0]


def _text_model(spec):
    """The transformer settings (``model``, ``model_kwargs``, ``device``, ``max_epochs``
    when set) of a comparison's ``info["build"]``."""
    settings = {"model": spec["model_path"], "model_kwargs": spec["model_kwargs"],
                "device": spec["device"]}
    if spec["max_epochs"] is not None:
        settings["max_epochs"] = spec["max_epochs"]
    return settings


def _build_deployable(technique, info, rank_by, classes, minority, augmenter):
    """An unfitted estimator for ``technique`` that reads raw input (see
    :meth:`ComparisonResult.make_estimator`)."""
    from imblearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    spec = info.get("build")
    if spec is None:
        raise ValueError("This result has no build information (it was saved by an older "
                         "version); run compare_techniques again.")
    family = info["family"]
    if family == "tabular":
        columns = (info["columns"]["numeric"], info["columns"]["categorical"])
        adapter = FunctionTransformer(_as_frame)
    else:
        columns = None
        adapter = FunctionTransformer(_as_text_column)
    binary = len(classes) == 2
    builder = _Builder(
        family, random_state=spec["seed"], augmenter=augmenter,
        augmentation_ratio=spec["augmentation_ratio"],
        tuning=_tuning_scorer(rank_by, minority, binary), minority=minority, binary=binary,
        columns=columns, text_model=_text_model(spec))
    # The builders read only the class counts of the training labels.
    counts = [info["class_counts"][str(c)] for c in classes]
    y_counts = np.repeat(np.arange(len(counts)), counts)
    if technique == "best_combination":
        base = info["combination_base"]
        estimator = builder.tuned(builder.build(base, y_counts), y_counts,
                                  expensive=base in _EXPENSIVE)
    else:
        estimator = builder.build(technique, y_counts)
    return make_pipeline(adapter, estimator)


# --------------------------------------------------------------------------- result
def _clean(value):
    """JSON-safe Python value: nan -> None, numpy scalars -> Python."""
    value = python_scalar(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mean_sd(values):
    values = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return float("nan"), float("nan")
    return float(np.nanmean(values)), float(np.nanstd(values))


class ComparisonResult:
    """Scores of every technique on the same folds, their ranking and a recommendation.

    Built by :func:`compare_techniques`; holds numbers and arrays only, so
    :meth:`to_json` / :meth:`from_json` round-trip it.

    Parameters
    ----------
    fold_scores : dict of str to list of dict
        For each evaluated technique, one dict per fold: the metrics of
        :func:`~sklearn_imbal.metrics.imbalanced_scores` and ``fit_time`` (seconds).
    labels : dict of str to str
        Display name of each technique.
    skipped : dict of str to str
        Techniques not evaluated, with the reason (not applicable, or failed).
    rank_by : str
        The ranking metric, a key of ``RANK_METRICS``.
    y : array-like of shape (n_samples,)
        The labels.
    folds : array-like of shape (n_samples,)
        Test-fold index of each sample.
    oof_proba : dict of str to array-like of shape (n_samples, n_classes)
        Out-of-fold probabilities of each technique (columns in ``classes`` order).
    oof_pred : dict of str to array-like of shape (n_samples,)
        Out-of-fold predicted labels of each technique.
    info : dict
        Context: data kind, model family, number of folds, notes, timings.

    Attributes
    ----------
    classes : list
        The class labels, sorted.
    minority : object
        The minority class (least frequent in ``y``).
    ranking : list of str
        Evaluated techniques, best first by ``rank_by``.
    recommendation : str
        One paragraph: the technique to use, its score and the baseline's.
    table : pandas.DataFrame
        One row per technique, ranked: ``<metric>_mean`` and ``<metric>_sd`` columns.

    See Also
    --------
    compare_techniques : Builds the result.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_imbal.compare import ComparisonResult, compare_techniques
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> result = compare_techniques(X, y, cv=2, techniques=["random_undersampling"],
    ...                             progress=False)
    >>> print(result.format_table())  # doctest: +ELLIPSIS
     # technique                 macro F1   min. prec    min. rec     min. F1 ...
    ---...
     1 baseline               0.783±0.013 0.917±0.083 0.450±0.050 0.598±0.027 ...
     2 random undersampling   0.633±0.105 0.308±0.113 0.850±0.050 0.437±0.115 ...
    >>> again = ComparisonResult.from_json(result.to_json())
    >>> again.ranking == result.ranking, again.oof_proba["baseline"].shape
    (True, (200, 2))
    """

    def __init__(self, *, fold_scores, labels, skipped, rank_by, y, folds, oof_proba,
                 oof_pred, info):
        self.fold_scores = fold_scores
        self.labels = labels
        self.skipped = skipped
        self.rank_by = rank_by
        self.y = np.asarray(y)
        self.folds = np.asarray(folds)
        self.oof_proba = {k: np.asarray(v, dtype=float) for k, v in oof_proba.items()}
        self.oof_pred = {k: np.asarray(v) for k, v in oof_pred.items()}
        self.info = info
        self.classes = [python_scalar(c) for c in np.unique(self.y)]
        values, counts = np.unique(self.y, return_counts=True)
        self.minority = python_scalar(values[np.flatnonzero(counts == counts.min())[-1]])

    # -------------------------------------------------------------- numbers
    def summary(self, technique):
        """``{metric: (mean, sd)}`` over the folds for one technique."""
        folds = self.fold_scores[technique]
        keys = list(folds[0]) if folds else []
        return {key: _mean_sd([fold.get(key) for fold in folds]) for key in keys}

    @property
    def ranking(self):
        name, greater = RANK_METRICS[self.rank_by]
        means = {t: self.summary(t).get(self.rank_by, (np.nan,))[0] for t in self.fold_scores}

        def key(technique):
            value = means[technique]
            if value != value:
                return math.inf
            return -value if greater else value

        return sorted(self.fold_scores, key=key)

    @property
    def table(self):
        """A DataFrame: one row per technique (ranked), ``mean`` and ``sd`` per metric."""
        import pandas as pd

        rows = []
        for rank, technique in enumerate(self.ranking, start=1):
            row = {"rank": rank, "technique": technique, "label": self.labels[technique]}
            for key, (mean, sd) in self.summary(technique).items():
                row[f"{key}_mean"], row[f"{key}_sd"] = mean, sd
            rows.append(row)
        return pd.DataFrame(rows).set_index("technique")

    @property
    def recommendation(self):
        name, greater = RANK_METRICS[self.rank_by]
        ranking = self.ranking
        if not ranking:
            return "No technique could be evaluated."
        best = ranking[0]
        best_mean, best_sd = self.summary(best)[self.rank_by]
        n_folds = self.info.get("cv")
        where = f"{n_folds}-fold stratified cross-validation"
        if best == "baseline":
            return (
                f"Recommended: the baseline ({self.info.get('model', 'the plain model')}); "
                f"no technique beat its {name} of {best_mean:.3f} ± {best_sd:.3f} over "
                f"{where}. The imbalance does not call for a fix on this data and model."
            )
        base_mean, base_sd = self.summary("baseline")[self.rank_by]
        text = (
            f"Recommended: {self.labels[best]}: {name} {best_mean:.3f} ± {best_sd:.3f} vs "
            f"baseline {base_mean:.3f} ± {base_sd:.3f} over {where}."
        )
        gain = (best_mean - base_mean) if greater else (base_mean - best_mean)
        if gain < best_sd:
            text += (" The gain over the baseline is within one standard deviation across "
                     "folds: treat it as tentative.")
        if best == "best_combination":
            text += (" Its base technique was picked on these same folds, so its score is "
                     "slightly optimistic.")
        if len(ranking) > 1:
            runner = ranking[1]
            mean, sd = self.summary(runner)[self.rank_by]
            text += f" Runner-up: {self.labels[runner]} ({mean:.3f} ± {sd:.3f})."
        return text

    def format_table(self):
        """The table as aligned text: mean ± sd per metric, best first."""
        width = max([len("technique")] + [len(self.labels[t]) for t in self.ranking]) + 2
        header = f"{'#':>2} {'technique':{width}s}" + "".join(
            f"{title:>12s}" for title in TABLE_COLUMNS.values())
        lines = [header, "-" * len(header)]
        for rank, technique in enumerate(self.ranking, start=1):
            summary = self.summary(technique)
            cells = []
            for key in TABLE_COLUMNS:
                mean, sd = summary.get(key, (float("nan"), float("nan")))
                digits = 1 if key == "fit_time" else 3
                cells.append(f"{'n/a':>12s}" if mean != mean else
                             f"{f'{mean:.{digits}f}±{sd:.{digits}f}':>12s}")
            lines.append(f"{rank:>2} {self.labels[technique]:{width}s}" + "".join(cells))
        for technique, reason in self.skipped.items():
            lines.append(f" - {self.labels.get(technique, technique)}: {reason}")
        return "\n".join(lines)

    def __str__(self):
        return self.format_table() + "\n\n" + self.recommendation

    # -------------------------------------------------------------- the winner
    def make_estimator(self, technique=None, *, augmenter=None):
        """A fresh, unfitted estimator of a compared technique, ready to fit on all the data.

        The same construction the comparison fitted on each fold (same model, seed,
        threshold-tuning scorer; for ``"best_combination"`` the same base technique),
        made to read raw input: a first step turns texts (a list, Series or column) into
        the column the pipelines read, or a table into the frame the column encoder
        expects. The embeddings family gets a real
        :class:`~sklearn_imbal.text.TransformerEmbedder` instead of the comparison's
        shared cache, so the fitted estimator embeds new texts itself.

        Parameters
        ----------
        technique : str or None, default=None
            A technique of this result; None: the best-ranked one, ``ranking[0]``.
        augmenter : object or None, default=None
            For ``augmentation`` (alone or as the best combination's base): the augmenter
            to use, e.g. the :class:`~sklearn_imbal.sampling.LLMAugmenter` the comparison
            ran with (it is not saved in the result); None: offline word edits.

        Returns
        -------
        estimator : imblearn.pipeline.Pipeline
            Unfitted; ``fit(X, y)`` on data of the compared kind.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_imbal.compare import compare_techniques
        >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
        >>> result = compare_techniques(X, y, cv=3, progress=False,
        ...                             techniques=["class_weight", "threshold"])
        >>> model = result.make_estimator().fit(X, y)  # the winner: threshold tuning
        >>> model[-1].best_threshold_ is not None
        True
        """
        if technique is None:
            technique = self.ranking[0]
        if technique not in self.fold_scores:
            reason = self.skipped.get(technique)
            raise ValueError(
                f"technique={technique!r} was not evaluated in this comparison"
                + (f" ({reason})" if reason else "")
                + f"; choose one of {self.ranking}."
            )
        return _build_deployable(technique, self.info, self.rank_by, self.classes,
                                 self.minority, augmenter)

    # -------------------------------------------------------------- serialisation
    def to_dict(self):
        """Everything as JSON-ready Python types (nan becomes None).

        Returns
        -------
        result : dict
            ``info``, ``rank_by``, ``classes``, ``minority``, ``labels``, ``skipped``,
            ``ranking``, ``recommendation``, ``summary`` (mean and sd per metric),
            ``fold_scores``, ``y``, ``folds``, ``oof_proba`` and ``oof_pred``.
        """
        return {
            "info": self.info,
            "rank_by": self.rank_by,
            "classes": self.classes,
            "minority": self.minority,
            "labels": self.labels,
            "skipped": self.skipped,
            "ranking": self.ranking,
            "recommendation": self.recommendation,
            "summary": {t: {k: {"mean": _clean(m), "sd": _clean(s)}
                            for k, (m, s) in self.summary(t).items()}
                        for t in self.fold_scores},
            "fold_scores": {t: [{k: _clean(v) for k, v in fold.items()} for fold in folds]
                            for t, folds in self.fold_scores.items()},
            "y": [_clean(v) for v in self.y.tolist()],
            "folds": self.folds.tolist(),
            "oof_proba": {t: np.round(p, 6).tolist() for t, p in self.oof_proba.items()},
            "oof_pred": {t: [_clean(v) for v in p.tolist()] for t, p in self.oof_pred.items()},
        }

    def to_json(self, path=None):
        """The :meth:`to_dict` content as JSON text, also written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data):
        """Rebuild a result from :meth:`to_dict` output."""
        restore = {t: [{k: (np.nan if v is None else v) for k, v in fold.items()}
                       for fold in folds] for t, folds in data["fold_scores"].items()}
        return cls(
            fold_scores=restore, labels=data["labels"], skipped=data["skipped"],
            rank_by=data["rank_by"], y=data["y"], folds=data["folds"],
            oof_proba=data["oof_proba"], oof_pred=data["oof_pred"], info=data["info"],
        )

    @classmethod
    def from_json(cls, source):
        """Rebuild a result from JSON text or the path of a ``results.json`` file."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    # -------------------------------------------------------------- plots
    def _minority_column(self):
        return self.classes.index(self.minority)

    def plot_pr_curves(self, ax=None):
        """Precision-recall curves of the minority class, one per technique.

        Each technique's operating point (the precision and recall of its predicted
        labels, pooled over the folds) is marked on its curve, so threshold tuning
        shows where it moves the decision.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        import matplotlib.pyplot as plt
        from sklearn.metrics import PrecisionRecallDisplay, precision_score, recall_score

        if ax is None:
            _, ax = plt.subplots(figsize=(11, 6))
        column = self._minority_column()
        positive = self.y == self.minority
        for technique in self.ranking:
            if technique not in self.oof_proba:
                continue
            mean_ap = self.summary(technique).get("average_precision", (np.nan,))[0]
            display = PrecisionRecallDisplay.from_predictions(
                positive, self.oof_proba[technique][:, column], ax=ax)
            display.line_.set_linewidth(1.2)
            display.line_.set_label(f"{self.labels[technique]} (AP {mean_ap:.3f})")
            pred = self.oof_pred[technique] == self.minority
            ax.plot(recall_score(positive, pred), precision_score(positive, pred,
                                                                  zero_division=0),
                    "o", color=display.line_.get_color(), markersize=8,
                    markeredgecolor="black", zorder=5)
        ax.axhline(positive.mean(), color="grey", linestyle=":", linewidth=1,
                   label=f"chance ({positive.mean():.3f})")
        ax.set(xlabel="Recall", ylabel="Precision", xlim=(0, 1.01), ylim=(0, 1.01))
        ax.set_title(f"Minority class {self.minority!r}: out-of-fold precision-recall; "
                     "dots: each technique's decisions", fontsize="medium")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small",
                  title="AP: mean over folds")
        return ax

    def plot_threshold_curve(self, technique=None, ax=None):
        """Score (the ranking metric, or MCC) against the decision threshold (binary only).

        Uses the out-of-fold probabilities of ``technique`` (default: the model whose
        threshold the best combination tunes, else the baseline): one curve per test
        fold, their mean, precision and recall, and the best threshold of the mean.

        Parameters
        ----------
        technique : str, default=None
            An evaluated technique.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display.
        """
        from .threshold import ThresholdCurveDisplay, threshold_sweep

        if len(self.classes) != 2:
            raise ValueError("The threshold curve needs a binary problem.")
        if technique is None:
            technique = self.info.get("combination_base") or "baseline"
        scoring, _ = _tuning_scorer(self.rank_by, self.minority, True)
        score = self.oof_proba[technique][:, self._minority_column()]
        grid = np.linspace(0.0, 1.0, 201)
        fold_scores = np.array([
            threshold_sweep(self.y[self.folds == k], score[self.folds == k], scoring=scoring,
                            pos_label=self.minority, thresholds=grid)[1]
            for k in np.unique(self.folds)
        ])
        mean = fold_scores.mean(axis=0)
        best = int(np.argmax(mean))
        positive = self.y == self.minority
        # Predicted positives and true positives at each threshold (score >= t), counted
        # on the sorted scores.
        predicted = len(score) - np.searchsorted(np.sort(score), grid, side="left")
        hits = positive.sum() - np.searchsorted(np.sort(score[positive]), grid, side="left")
        precision = np.divide(hits, predicted, out=np.zeros(len(grid)), where=predicted > 0)
        recall = hits / positive.sum()
        metric = RANK_METRICS.get(self.rank_by)[0] if scoring != "matthews_corrcoef" else "MCC"
        display = ThresholdCurveDisplay(
            thresholds=grid, scores=mean, best_threshold=grid[best], best_score=mean[best],
            fold_scores=fold_scores, precision=precision, recall=recall, score_name=metric,
            pos_label=self.minority,
        )
        display.plot(ax=ax, name=self.labels[technique])
        display.ax_.set_title(f"{self.labels[technique]}: out-of-fold {metric} by threshold")
        return display

    def save(self, folder):
        """Write ``results.json``, ``results.csv`` and the PNG plots into ``folder``.

        Plots need matplotlib (the ``plot`` extra); without it only the numbers are
        written. The threshold curve is drawn for binary problems only.

        Parameters
        ----------
        folder : str or path-like
            Output folder, created if needed.

        Returns
        -------
        written : dict of str to pathlib.Path
            The files written, by kind.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = {"json": folder / "results.json", "csv": folder / "results.csv"}
        self.to_json(written["json"])
        self.table.to_csv(written["csv"])
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return written
        plots = {"pr_curves": (self.plot_pr_curves, (11, 6))}
        if len(self.classes) == 2:
            plots["threshold_curve"] = (self.plot_threshold_curve, (8, 5))
        for kind, (plot, size) in plots.items():
            fig, ax = plt.subplots(figsize=size)
            plot(ax=ax)
            fig.tight_layout()
            written[kind] = folder / f"{kind}.png"
            fig.savefig(written[kind], dpi=110)
            plt.close(fig)
        return written


# --------------------------------------------------------------------------- driver
def _progress(total, desc, enabled, unit):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True)


def _resolve_family(kind, model, device):
    if kind == "tabular":
        return "tabular"
    if model == "auto":
        import torch

        cuda = torch.cuda.is_available() and str(device) != "cpu"
        return "finetune" if cuda else "embeddings"
    return model


def _evaluate(builder, X, y, splits, classes, minority):
    """Fit and score ``name`` on every fold; ``(fold scores, oof proba, oof pred)``."""
    n_classes = len(classes)
    proba = np.full((len(y), n_classes), np.nan)
    pred = np.empty(len(y), dtype=y.dtype)
    folds = []
    for train, test in splits:
        estimator = builder(y[train])
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            start = time.perf_counter()
            estimator.fit(X_train, y[train])
            fit_time = time.perf_counter() - start
            fold_proba = estimator.predict_proba(X_test)
            fold_pred = estimator.predict(X_test)
            scores = imbalanced_scores(y[test], fold_pred, fold_proba, labels=classes,
                                       pos_label=minority)
        proba[test] = fold_proba
        pred[test] = fold_pred
        folds.append({**scores, "fit_time": fit_time})
        yield folds, proba, pred


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "kind": [StrOptions({"auto", "text", "tabular"})],
        "model": [StrOptions({"auto", "embeddings", "finetune"})],
        "model_path": [str, os.PathLike, None],
        "model_kwargs": [dict, None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "cv": [Interval(numbers.Integral, 2, None, closed="left")],
        "rank_by": [StrOptions(set(RANK_METRICS))],
        "techniques": [list, tuple, None],
        "augmenter": [HasMethods(["generate"]), None],
        "augmentation_ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "device": [str],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compare_techniques(X, y, *, kind="auto", model="auto", model_path=None, model_kwargs=None,
                       max_epochs=None, cv=5, rank_by="mcc", techniques=None, augmenter=None,
                       augmentation_ratio=0.5, device="auto", random_state=0, progress=True):
    """Evaluate a baseline and every imbalance technique on the same stratified folds.

    Read the module documentation of :mod:`sklearn_imbal.compare` for what each
    technique and model family is. Every technique is trained on each training fold
    (resampling inside it only) and scored on the test fold with
    :func:`~sklearn_imbal.metrics.imbalanced_scores`.

    Parameters
    ----------
    X : list of str, array-like or DataFrame
        Texts (a list, 1-D array, Series or one text column), or tabular features (a
        DataFrame with numeric and categorical columns, or a numeric array).
    y : array-like of shape (n_samples,)
        Class labels (binary or multiclass, any type); every class needs at least
        ``cv`` examples.
    kind : {"auto", "text", "tabular"}, default="auto"
        What ``X`` holds; ``"auto"`` detects texts.
    model : {"auto", "embeddings", "finetune"}, default="auto"
        Text model family: frozen embeddings + heads, or fine-tuning of the transformer.
        ``"auto"``: fine-tuning when torch sees a GPU, else embeddings. Ignored for
        tabular data.
    model_path : str, path-like or None, default=None
        The transformer (a local folder or a cached model name); None is the packaged
        all-MiniLM-L6-v2.
    model_kwargs : dict or None, default=None
        Passed to the model loading, e.g. ``{"num_hidden_layers": 2}``.
    max_epochs : int or None, default=None
        Fine-tuning epochs (``TransformerClassifier``'s default, 3, when None).
    cv : int, default=5
        Number of stratified folds.
    rank_by : str, default="mcc"
        Ranking metric, a key of ``RANK_METRICS``: ``"mcc"``, ``"macro_f1"``,
        ``"minority_f1"``, ``"minority_precision"``, ``"minority_recall"``,
        ``"balanced_accuracy"``, ``"geometric_mean"``, ``"auroc"``,
        ``"average_precision"`` or ``"brier_score"`` (lower is better). Threshold
        tuning maximises it when it is a metric of labels (MCC otherwise).
    techniques : list of str or None, default=None
        A subset of ``TECHNIQUES``; the baseline is always included. None: all.
    augmenter : object or None, default=None
        The augmenter of the ``augmentation`` technique (e.g. an
        :class:`~sklearn_imbal.sampling.LLMAugmenter`); None: offline word edits.
    augmentation_ratio : float, default=0.5
        Augmentation fills every class up to this fraction of the majority's count.
    device : str, default="auto"
        Torch device of the transformer.
    random_state : int, RandomState instance or None, default=0
        Seeds the folds and every technique.
    progress : bool, default=True
        Show progress bars (tqdm, on stderr).

    Returns
    -------
    result : ComparisonResult
        Scores, table, ranking, recommendation, out-of-fold probabilities, plots.

    Raises
    ------
    DataError
        The data cannot be compared: one class, a class with fewer than ``cv``
        examples, empty or missing texts, no features. The message names the fix.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_imbal.compare import compare_techniques
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> result = compare_techniques(X, y, cv=3, progress=False,
    ...                             techniques=["class_weight", "threshold"])
    >>> result.ranking
    ['threshold', 'baseline', 'class_weight']
    >>> print(result.recommendation)
    Recommended: threshold tuning: MCC 0.559 ± 0.058 vs baseline 0.536 ± 0.075 over 3-fold
    stratified cross-validation. The gain over the baseline is within one standard
    deviation across folds: treat it as tentative. Runner-up: baseline (0.536 ± 0.075).
    >>> round(result.summary("class_weight")["minority_recall"][0], 3)
    0.703
    >>> result.skipped
    {}
    """
    if techniques is None:
        names = list(TECHNIQUES)
    else:
        unknown = [t for t in techniques if t not in TECHNIQUES]
        if unknown:
            raise ValueError(f"Unknown techniques {unknown}; choose among {list(TECHNIQUES)}.")
        names = ["baseline"] + [t for t in TECHNIQUES if t in techniques and t != "baseline"]

    if kind == "auto":
        kind = _detect_kind(X)
    y, classes, counts = _check_target(y, cv)
    if len(X) != len(y):
        raise DataError(f"X has {len(X)} rows but y has {len(y)}; pass one label per row.")
    family = _resolve_family(kind, model, device)
    minority = python_scalar(classes[np.flatnonzero(counts == counts.min())[-1]])
    binary = len(classes) == 2
    tuning = _tuning_scorer(rank_by, minority, binary)
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    info = {"kind": kind, "family": family, "cv": cv, "random_state": _clean(
        random_state if isinstance(random_state, numbers.Integral) else None),
        "n_samples": int(len(y)), "class_counts": {str(python_scalar(c)): int(n)
                                                   for c, n in zip(classes, counts)},
        "notes": [note for note in [tuning[1]] if note]}

    info["build"] = {
        "seed": int(seed), "augmentation_ratio": float(augmentation_ratio),
        "model_path": None if model_path is None else str(model_path),
        "model_kwargs": model_kwargs, "device": device, "max_epochs": max_epochs}
    store, columns, text_model = None, None, {}
    if kind == "text":
        texts = _check_texts(X)
        X = np.asarray(texts, dtype=object).reshape(-1, 1)
        if family == "embeddings":
            from .text import TransformerEmbedder

            embedder = TransformerEmbedder(model_path, model_kwargs=model_kwargs, device=device)
            store = _EmbeddingStore(embedder.fit(texts[:1]))
            unique = list(dict.fromkeys(texts))
            bar = _progress(len(unique), "embedding texts", progress, "text")
            store.add(unique, progress=bar)
            if bar is not None:
                bar.close()
            info["embedding_seconds"] = round(store.seconds, 2)
            info["notes"].append(
                f"{len(unique)} distinct texts embedded once with the frozen encoder in "
                f"{store.seconds:.1f} s (not in the fit times; augmentation's fit times "
                "include embedding its new texts)")
        else:
            text_model = _text_model(info["build"])
            info["notes"].append("fine-tuning every technique: slow on a CPU")
        info["model"] = str(model_path) if model_path is not None else "all-MiniLM-L6-v2"
    else:
        X, numeric, categorical = _tabular_frame(X)
        columns = (numeric, categorical)
        info["model"] = "LogisticRegression"
        info["columns"] = {"numeric": numeric, "categorical": categorical}
        for column in categorical:
            n_values = X[column].nunique()
            if n_values > max(20, len(X) // 2):
                info["notes"].append(
                    f"column {column!r} has {n_values} distinct values, one-hot encoded as "
                    "categories; if it is free text, compare on it as text (--text)")

    builder = _Builder(family, random_state=seed, augmenter=augmenter,
                       augmentation_ratio=augmentation_ratio, tuning=tuning,
                       minority=minority, binary=binary, store=store, columns=columns,
                       text_model=text_model)
    info["description"] = builder.describe()
    skipped = {t: r for t, r in builder.not_applicable().items() if t in names}
    splits = list(StratifiedKFold(cv, shuffle=True, random_state=seed).split(
        np.zeros(len(y)), y))
    folds = np.empty(len(y), dtype=int)
    for k, (_, test) in enumerate(splits):
        folds[test] = k

    labels = dict(LABELS)
    if family == "embeddings":
        labels["smote"] = "SMOTE on embeddings"
    fold_scores, oof_proba, oof_pred = {}, {}, {}
    todo = [t for t in names if t not in skipped]
    bar = _progress(len(todo) * cv, "comparing techniques", progress, "fit")

    def run(name, build):
        if bar is not None:
            bar.set_postfix_str(labels[name])
        done = 0
        try:
            for scores, proba, pred in _evaluate(build, X, y, splits, classes, minority):
                done += 1
                if bar is not None:
                    bar.update(1)
        except Exception as exc:  # a technique failing must not sink the comparison
            if bar is not None:
                bar.update(cv - done)
            skipped[name] = (f"failed on fold {done + 1}: {type(exc).__name__}: "
                             f"{str(exc)[:300]}")
            return
        fold_scores[name], oof_proba[name], oof_pred[name] = scores, proba, pred

    for name in todo:
        if name == "best_combination":
            continue
        run(name, partial(builder.build, name))
    if "best_combination" in todo:
        greater = RANK_METRICS[rank_by][1]
        candidates = [t for t in fold_scores if t not in ("baseline", "threshold")]
        if not candidates:
            skipped["best_combination"] = "needs at least one technique besides the baseline"
        else:
            sign = 1 if greater else -1
            base = max(candidates, key=lambda t: sign * _mean_sd(
                [f.get(rank_by) for f in fold_scores[t]])[0])
            info["combination_base"] = base
            labels["best_combination"] = f"{labels[base]} + threshold tuning"

            def build(y_train):
                return builder.tuned(builder.build(base, y_train), y_train,
                                     expensive=base in _EXPENSIVE)

            run("best_combination", build)
    if bar is not None:
        bar.close()
    if not fold_scores:
        raise RuntimeError("Every technique failed: " + "; ".join(
            f"{labels[t]}: {reason}" for t, reason in skipped.items()))
    info["labels_note"] = (
        "best combination: the technique with the best mean "
        f"{RANK_METRICS[rank_by][0]} on these folds, wrapped in threshold tuning")
    return ComparisonResult(
        fold_scores=fold_scores, labels={t: labels[t] for t in names}, skipped=skipped,
        rank_by=rank_by, y=y, folds=folds, oof_proba=oof_proba, oof_pred=oof_pred, info=info,
    )
