"""Validation rules shared by every module: labels, the minority class, seeds, splits.

One home per rule: the minority class of a target is :func:`minority_index` /
:func:`minority_label` everywhere (the report, the metrics, compare), so that no two
parts of the library can name different minorities for the same labels; a missing label
(None, NaN, ``pd.NA``, NaT) or a mix of label types is an error everywhere
(:func:`check_labels`), never a class of its own.
"""

import numbers

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets


def python_scalar(value):
    """A numpy scalar as the matching Python object (``np.str_('a')`` -> ``'a'``)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_missing(value):
    """Whether a label is a missing value: None, NaN, NaT or ``pd.NA``."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pd.NA: its comparisons are NA, whose truth is ambiguous
        return True


def _label_kind(value):
    if isinstance(value, (str, bytes)):
        return "str"
    if isinstance(value, (numbers.Number, np.bool_)):
        return "number"
    return type(value).__name__


def check_1d(values, name, what="values"):
    """Return ``values`` as a non-empty 1-D array, or raise a ``ValueError`` naming ``name``."""
    values = np.asarray(values)
    if values.ndim != 1:
        column = values.ndim == 2 and values.shape[1] == 1
        hint = f" pass {name}.ravel() for a column vector;" if column else ""
        raise ValueError(
            f"{name} must be a 1-D array of {what} of shape (n_samples,), got an array of "
            f"shape {values.shape};{hint} multilabel and multi-output targets are not "
            "supported."
        )
    if values.shape[0] == 0:
        raise ValueError(f"{name} is empty: pass at least one sample.")
    return values


def check_labels(y, name="y", *, allow_column=False):
    """Check class labels and return them as a 1-D array: the one missing-label rule.

    A missing label (None, NaN, NaT, ``pd.NA``) raises a ``ValueError`` naming its index,
    also in a list of strings, where numpy would turn a NaN into the class ``"nan"``; so
    do labels of mixed types (``["a", 1]``), which no classifier can sort consistently,
    an empty ``y`` and a ``y`` that is not 1-D. With ``allow_column``, a column vector of
    shape (n_samples, 1) is checked too and returned as given, for an estimator's
    ``column_or_1d(y, warn=True)`` to warn about.
    """
    if y is None:
        raise ValueError(f"This requires y to be passed, but the target {name} is None; pass "
                         "the class labels.")
    if isinstance(y, str):
        raise ValueError(f"{name} is a single string; pass the labels as a list or array.")
    y_in, y = y, np.asarray(y)
    if allow_column and y.ndim == 2 and y.shape[1] == 1:
        check_labels(np.asarray(y_in, dtype=object).ravel() if y.dtype.kind in "US"
                     else y.ravel(), name)
        return y_in
    check_1d(y, name, "class labels")
    if y.dtype.kind in "fcmM":
        missing = np.flatnonzero(np.isnan(y))
    elif y.dtype.kind == "O" or (y.dtype.kind in "US" and not isinstance(y_in, np.ndarray)):
        # numpy turns a NaN among strings into the string "nan": look at the input itself.
        values = y if y.dtype.kind == "O" else np.asarray(y_in, dtype=object).ravel()
        missing = [i for i, value in enumerate(values) if _is_missing(value)]
        if not len(missing):
            kinds = {}
            for i, value in enumerate(values):
                kinds.setdefault(_label_kind(value), i)
            if len(kinds) > 1:
                shown = ", ".join(f"{type(values[i]).__name__} {python_scalar(values[i])!r} "
                                  f"at index {i}" for i in kinds.values())
                raise ValueError(
                    f"{name} mixes label types ({shown}): use labels of a single type, e.g. "
                    f"convert them all to strings with np.asarray({name}).astype(str)."
                )
    else:
        missing = []
    if len(missing):
        raise ValueError(
            f"{name} has a missing label (None or NaN) at index {missing[0]} "
            f"({len(missing)} in all): a missing label is not a class. Drop those samples "
            "or give them a label first."
        )
    return y


def sorted_labels(values, name):
    """``np.unique(values)``, with a clear error for labels of mixed, unsortable types."""
    try:
        return np.unique(values)
    except TypeError as exc:
        raise ValueError(
            f"the labels in {name} cannot be sorted ({exc}); use labels of a single type, "
            "e.g. all strings or all integers."
        ) from exc


def minority_index(counts):
    """Index of the least frequent class in ``counts`` (classes in sorted order).

    The library's one minority rule: among classes tied for the smallest count, the
    last one, i.e. the greatest label (for a balanced 0/1 target, 1, the usual positive
    class).
    """
    counts = np.asarray(counts)
    return int(np.flatnonzero(counts == counts.min())[-1])


def minority_label(classes, counts):
    """The minority class (:func:`minority_index`) as a Python scalar.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        The sorted class labels.
    counts : array-like of shape (n_classes,)
        Number of samples of each class.

    Returns
    -------
    label : object
        The least frequent class; ties go to the greatest label.
    """
    return python_scalar(np.asarray(classes)[minority_index(counts)])


def draw_seed(random_state):
    """Draw a 31-bit seed (for torch, or an augmenter) from a :class:`numpy.random.RandomState`."""
    return int(random_state.randint(np.iinfo(np.int32).max))


def encode_classification_target(y, estimator_name):
    """Check a classification target and encode it as integers.

    Returns ``classes_`` (sorted unique labels, any label type) and ``y`` as int64
    indices into it. Raises a ``ValueError`` naming the problem for a continuous or
    multi-output target and for a target with a single class.
    """
    y = check_labels(y)
    check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if classes.shape[0] == 0:
        raise ValueError(
            f"{estimator_name} got an empty y: fit needs labelled samples of at least two "
            "classes."
        )
    if classes.shape[0] < 2:
        raise ValueError(
            f"{estimator_name} needs samples of at least two classes in y, but y holds one "
            f"class only: {python_scalar(classes[0])!r}. A classifier cannot learn a decision "
            "from one class: "
            "check that the label column and the train/test split are the intended ones."
        )
    return classes, y_encoded.astype(np.int64, copy=False)


def validation_split(y_encoded, validation_fraction, early_stopping, random_state):
    """Indices of the training rows and of a stratified validation split (or None).

    A split is held out only when asked: ``validation_fraction``, or 10% when
    ``early_stopping`` is set without one. Never a silent default holdout.
    """
    indices = np.arange(y_encoded.shape[0])
    fraction = validation_fraction
    if fraction is None and early_stopping:
        fraction = 0.1
    if fraction is None:
        return indices, None
    try:
        train_idx, valid_idx = train_test_split(
            indices, test_size=fraction, stratify=y_encoded, random_state=random_state)
    except ValueError as exc:
        raise ValueError(
            f"Cannot hold out a stratified validation split of {fraction} "
            f"(validation_fraction / early_stopping): {exc} Every class needs at least "
            "2 samples and the split must hold one of each class; lower "
            "validation_fraction, pass more data, or set early_stopping=False."
        ) from exc
    return np.sort(train_idx), np.sort(valid_idx)
