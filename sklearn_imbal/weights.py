"""Class-weight strategies for imbalanced classification.

:func:`compute_class_weights` turns labels and a strategy (``None``, ``"balanced"``,
``"effective_number"`` or a ``{label: weight}`` dict) into one weight per class, in the order
of an estimator's ``classes_``. The weights can be passed as ``alpha`` to
:class:`sklearn_imbal.losses.FocalLoss` or as ``weight`` to :class:`torch.nn.CrossEntropyLoss`.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from .utils._validation import check_labels, sorted_labels

__all__ = ["compute_class_weights"]

_STRATEGIES = ("balanced", "effective_number")


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not 0 <= beta < 1:
        raise ValueError(
            f"beta must be a real number in [0, 1), got {beta!r}; values close to 1 such as "
            "0.999 or 0.9999 are typical (Cui et al. 2019), and beta=0 gives equal weights."
        )
    return float(beta)


def _check_dict_weights(strategy, index):
    """Check a ``{label: weight}`` dict against the classes; return it keyed by class index."""
    unknown = [label for label in strategy if label not in index]
    if unknown:
        raise ValueError(
            f"strategy has weights for unknown label(s) {unknown!r}; the known classes are "
            f"{list(index)!r}."
        )
    encoded = {}
    for label, weight in strategy.items():
        is_number = isinstance(weight, numbers.Real) and not isinstance(weight, bool)
        value = float(weight) if is_number else math.nan
        if not (math.isfinite(value) and value > 0):
            raise ValueError(
                f"class weights must be finite numbers > 0, got {weight!r} for label {label!r}."
            )
        encoded[index[label]] = value
    return encoded


def compute_class_weights(y, strategy=None, *, classes=None, beta=0.999):
    """Compute one weight per class from the labels.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels, of any type that :func:`numpy.unique` can sort (integers, strings, ...).

    strategy : {"balanced", "effective_number"}, dict or None, default=None
        How to weight the classes:

        - ``None``: all weights are one.
        - ``"balanced"``: ``n_samples / (n_classes * n_c)`` for a class with ``n_c`` samples,
          as ``class_weight="balanced"`` in scikit-learn.
        - ``"effective_number"``: ``(1 - beta) / (1 - beta**n_c)``, the inverse of the
          effective number of samples of Cui et al. (2019), normalised so that the weights
          have mean one (they sum to ``n_classes``).
        - a dict ``{label: weight}``: the given weights, which must be finite and > 0;
          classes that are not in the dict get weight one, as in scikit-learn.

    classes : array-like of shape (n_classes,), default=None
        The classes, in the order of the returned weights. It must contain every label of
        ``y`` and may contain classes without samples, except for the ``"balanced"`` and
        ``"effective_number"`` strategies. ``None`` uses ``np.unique(y)``, the order of a
        fitted estimator's ``classes_``.

    beta : float, default=0.999
        Hyperparameter of ``"effective_number"``, in ``[0, 1)``. ``beta=0`` gives equal
        weights and ``beta -> 1`` approaches the inverse class frequencies. It is validated
        whatever the strategy.

    Returns
    -------
    weights : ndarray of shape (n_classes,), dtype float64
        ``weights[i]`` is the weight of ``classes[i]``.

    See Also
    --------
    sklearn.utils.class_weight.compute_class_weight : scikit-learn's version, used for the
        ``"balanced"`` and dict strategies.
    sklearn_imbal.losses.FocalLoss : Takes the weights as ``alpha``.

    References
    ----------
    .. [1] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced Loss Based on
       Effective Number of Samples", CVPR 2019, https://arxiv.org/abs/1901.05555

    Examples
    --------
    >>> from sklearn_imbal.weights import compute_class_weights
    >>> y = [0, 0, 0, 1]
    >>> compute_class_weights(y)
    array([1., 1.])
    >>> compute_class_weights(y, "balanced")
    array([0.66666667, 2.        ])
    >>> compute_class_weights(["a"] * 900 + ["b"] * 90 + ["c"] * 10, "effective_number")
    array([0.04442956, 0.30628253, 2.64928792])
    >>> compute_class_weights(y, {1: 5.0}, classes=[1, 0])
    array([5., 1.])
    """
    y = check_labels(y)
    if classes is None:
        classes = sorted_labels(y, "y")
    else:
        classes = np.asarray(classes)
        if classes.ndim != 1 or classes.shape[0] == 0:
            raise ValueError(
                f"classes must be a non-empty 1-D array of labels, got shape {classes.shape}."
            )
    index = {label: i for i, label in enumerate(classes.tolist())}
    if len(index) != len(classes):
        raise ValueError(f"classes must not contain duplicates, got {classes.tolist()!r}.")

    if strategy is not None and not isinstance(strategy, (str, Mapping)):
        raise TypeError(
            f"strategy must be None, one of {list(_STRATEGIES)!r} or a dict "
            f"{{label: weight}}, got {strategy!r} of type {type(strategy).__name__}."
        )
    if isinstance(strategy, str) and strategy not in _STRATEGIES:
        raise ValueError(
            f"Unknown strategy {strategy!r}; valid strategies are None, "
            f"{', '.join(map(repr, _STRATEGIES))} or a dict {{label: weight}}."
        )
    beta = _check_beta(beta)

    # Encode the labels as indices into `classes`, so that labels of any type (e.g. strings
    # of digits, floats) reach scikit-learn as plain integers.
    labels = sorted_labels(y, "y")
    missing = [label for label in labels.tolist() if label not in index]
    if missing:
        raise ValueError(
            f"y contains label(s) {missing!r} that are not in classes {classes.tolist()!r}; "
            "pass classes=None or add them."
        )
    label_index = np.array([index[label] for label in labels.tolist()], dtype=np.intp)
    y_encoded = label_index[np.searchsorted(labels, y)]
    n_classes = len(classes)
    encoded_classes = np.arange(n_classes)

    if strategy is None:
        return np.ones(n_classes, dtype=np.float64)
    if isinstance(strategy, Mapping):
        encoded = _check_dict_weights(strategy, index)
        weights = compute_class_weight(encoded, classes=encoded_classes, y=y_encoded)
        return np.asarray(weights, dtype=np.float64)

    counts = np.bincount(y_encoded, minlength=n_classes)
    if (counts == 0).any():
        empty = classes[counts == 0].tolist()
        raise ValueError(
            f"classes {empty!r} have no samples in y, so the {strategy!r} weight would be "
            "infinite; remove them from classes or use a dict strategy."
        )
    if strategy == "balanced":
        weights = compute_class_weight("balanced", classes=encoded_classes, y=y_encoded)
        return np.asarray(weights, dtype=np.float64)

    # "effective_number": (1 - beta) / (1 - beta**n), with 1 - beta**n computed as
    # -expm1(n * log(beta)) to keep its precision when beta is close to 1.
    if beta == 0:
        return np.ones(n_classes, dtype=np.float64)
    weights = (1.0 - beta) / -np.expm1(counts * np.log(beta))
    return weights * (n_classes / weights.sum())
