"""Input checks of a comparison: what X holds, the target, texts, tables, metric names."""

import numpy as np

from ..diagnostics import imbalance_report
from ..utils._text import unusable_texts, validate_texts
from ..utils._validation import python_scalar

__all__ = ["RANK_METRICS", "DataError"]

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


class DataError(ValueError):
    """The data cannot be compared as given: the message says what is wrong and the fix."""


def is_text_column(values):
    return all(isinstance(v, str) for v in values[:1000]) and len(values) > 0


def detect_kind(X):
    """``"text"`` for texts (list, 1-D array, Series, one text column), else ``"tabular"``."""
    if isinstance(X, (list, tuple)):
        return "text" if X and isinstance(X[0], str) else "tabular"
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] == 1 and is_text_column(X.iloc[:, 0].tolist()):
            return "text"
        return "tabular"
    array = np.asarray(X, dtype=object)
    if array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1):
        return "text" if is_text_column(array.ravel().tolist()) else "tabular"
    return "tabular"


def check_target(y, cv):
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


def check_texts(X):
    """The texts as a list, with one clear error for empty, missing or invalid texts."""
    values = X.iloc[:, 0].tolist() if hasattr(X, "iloc") and X.ndim == 2 else (
        X.tolist() if hasattr(X, "tolist") else list(X))
    values = [v[0] if isinstance(v, (list, tuple, np.ndarray)) else v for v in values]
    bad = unusable_texts(values)
    if bad:
        raise DataError(
            f"{len(bad)} texts are empty, missing, not strings or not valid Unicode (a lone "
            f"surrogate) (rows {_rows(bad)}); drop those rows or fill them with a placeholder "
            "text."
        )
    return validate_texts(values, estimator_name="compare_techniques")


def tabular_frame(X):
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


def _rows(positions):
    shown = ", ".join(str(i) for i in positions[:5])
    return shown + (", ..." if len(positions) > 5 else "")


def check_feature_values(X, numeric, categorical):
    """The columns to learn from, of a :func:`tabular_frame`: ``(numeric, categorical, empty)``.

    An infinite number is a ``DataError`` naming its column (every technique would fail
    on it); a missing value is imputed by the pipelines, but a column with no value at
    all teaches nothing and is left out (``empty``).
    """
    for column in numeric:
        values = X[column].to_numpy(dtype=float, na_value=np.nan)
        infinite = np.flatnonzero(np.isinf(values))
        if len(infinite):
            raise DataError(
                f"Column {column!r} holds {len(infinite)} infinite value"
                f"{'s' if len(infinite) > 1 else ''} (inf or -inf; rows {_rows(infinite)}, "
                "counted from 0): replace them with finite numbers, or leave those cells "
                "empty (a missing number is imputed with the column's median)."
            )
    empty = [c for c in X.columns if X[c].isna().all()]
    if len(empty) == X.shape[1]:
        raise DataError(f"Every feature column is empty ({', '.join(map(repr, empty))} hold "
                        "no values); give columns with values.")
    return ([c for c in numeric if c not in empty], [c for c in categorical if c not in empty],
            empty)


def as_text_column(X):
    """Texts (list, 1-D array, Series, one-column frame or ``(n, 1)`` array) as the
    ``(n, 1)`` object array that every technique's pipeline reads."""
    return np.asarray(check_texts(X), dtype=object).reshape(-1, 1)


def as_frame(X):
    """Tabular ``X`` as ``compare_techniques`` saw it (string column names, categorical
    columns as strings)."""
    return tabular_frame(X)[0]
