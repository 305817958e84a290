"""The one home of scikit-learn's private API in sklearn-imbal.

Meta-estimators need helpers that scikit-learn keeps private (the fit context, safe indexing,
the metadata-routing check) and the parts of a scorer, which have no public accessor. The
helpers come from the ``sklearn-compat`` package, which keeps them working across
scikit-learn versions; what it does not cover is read here, and a scikit-learn that moved it
gets an error naming its version instead of an ``AttributeError`` deep in a fit.

``sklearn-compat`` imports scikit-learn's estimator checks when it loads (about 0.3 s), so
it is imported at the first call, not when sklearn-imbal is imported.
"""

import functools

import sklearn
import sklearn.utils.validation

try:  # the class of make_scorer's scorers, which checked_scorer extends
    from sklearn.metrics._scorer import _Scorer as _SklearnScorer
except ImportError:  # moved: checked_scorer says so when it is called
    _SklearnScorer = None

__all__ = [
    "check_method_params",
    "check_sample_weight",
    "checked_scorer",
    "fit_context",
    "raise_for_params",
    "safe_indexing",
    "scorer_parts",
]

# The attributes of the objects that ``make_scorer`` and ``get_scorer`` return.
_SCORER_ATTRS = ("_score_func", "_sign", "_kwargs", "_response_method")


def _moved(what):
    return RuntimeError(
        f"scikit-learn {sklearn.__version__} no longer provides {what}, which sklearn-imbal "
        "relies on: install a scikit-learn release within the range that sklearn-imbal's "
        "pyproject.toml declares, or report the incompatibility."
    )


def _private(module, name):
    try:
        return getattr(module, name)
    except AttributeError:
        raise _moved(f"{module.__name__}.{name}") from None


def fit_context(*, prefer_skip_nested_validation):
    """``sklearn.base._fit_context`` (through sklearn-compat): validate parameters at fit."""

    def decorator(fit_method):
        @functools.wraps(fit_method)
        def wrapper(estimator, *args, **kwargs):
            from sklearn_compat.base import _fit_context

            wrapped = _fit_context(
                prefer_skip_nested_validation=prefer_skip_nested_validation)(fit_method)
            return wrapped(estimator, *args, **kwargs)

        return wrapper

    return decorator


def safe_indexing(X, indices, *, axis=0):
    """Rows (``axis=0``) or columns of arrays, sparse matrices, data frames and lists."""
    from sklearn_compat.utils._indexing import _safe_indexing

    return _safe_indexing(X, indices, axis=axis)


def raise_for_params(params, owner, method):
    """Reject metadata passed to ``method`` when metadata routing is not enabled."""
    from sklearn_compat.utils.metadata_routing import _raise_for_params

    _raise_for_params(params, owner, method)


def check_method_params(X, params, indices):
    """Fit parameters for the rows ``indices``: those of ``X``'s length are indexed."""
    return _private(sklearn.utils.validation, "_check_method_params")(
        X, params, indices=indices)


def check_sample_weight(sample_weight, X, *, ensure_non_negative=False):
    """``sample_weight`` as a float array of ``X``'s length (a scalar or None: constant).

    NaN, infinite and all-zero weights are an error naming ``sample_weight``; so are negative
    ones with ``ensure_non_negative=True``, and then a total weight of zero too.
    """
    check = _private(sklearn.utils.validation, "_check_sample_weight")
    try:
        sample_weight = check(sample_weight, X, ensure_non_negative=ensure_non_negative)
    except ValueError as exc:
        if "sample_weight" in str(exc) or "Sample weights" in str(exc):
            raise
        # e.g. numpy's "could not convert string to float"
        raise ValueError(f"sample_weight must be numbers, one per sample: {exc}") from None
    if ensure_non_negative and not sample_weight.sum() > 0:
        raise ValueError(
            "sample_weight is zero for every sample: give at least one sample a positive "
            "weight."
        )
    return sample_weight


def scorer_parts(scorer):
    """``(score_func, sign, kwargs, response_method)`` of a scorer made by ``make_scorer``.

    Parameters
    ----------
    scorer : object
        What :func:`sklearn.metrics.check_scoring` returned.

    Returns
    -------
    parts : tuple or None
        The metric, ``1`` or ``-1`` (``greater_is_better``), the metric's keyword
        arguments (a copy) and the estimator method it scores; ``None`` when ``scorer``
        is not such a scorer (a plain callable).
    """
    if all(hasattr(scorer, attr) for attr in _SCORER_ATTRS):
        return (scorer._score_func, scorer._sign, dict(scorer._kwargs),
                scorer._response_method)
    from sklearn.metrics import accuracy_score, make_scorer

    if isinstance(scorer, type(make_scorer(accuracy_score))):
        raise _moved("the scorer attributes " + ", ".join(_SCORER_ATTRS))
    return None


class _CheckedScorer(_SklearnScorer or object):
    """A scorer of ``make_scorer`` that calls ``check(estimator, y_true, **metadata)`` first.

    The check runs before the estimator predicts; the keyword arguments it returns go to
    the metric. Being one of scikit-learn's scorers, it keeps their metadata routing
    (``set_score_request``) and the prediction cache of multi-metric scoring.
    """

    def __init__(self, score_func, sign, kwargs, response_method, check):
        super().__init__(score_func, sign, kwargs, response_method)
        self._check = check

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        extra = self._check(estimator, y_true, **kwargs)
        return super()._score(method_caller, estimator, X, y_true, **kwargs, **extra)


def checked_scorer(scorer, check):
    """``scorer`` (made by ``make_scorer`` or ``get_scorer``), checking each call first.

    Parameters
    ----------
    scorer : object
        A scikit-learn scorer.
    check : callable
        ``check(estimator, y_true, **metadata) -> dict``: raises on what cannot be scored
        (it sees the fitted estimator, which the metric does not), and returns keyword
        arguments for the metric. Picklable (a module-level function or a
        ``functools.partial`` of one) for parallel searches.

    Returns
    -------
    scorer : object
        The scorer, which computes what ``scorer`` computes once ``check`` passes.
    """
    if _SklearnScorer is None:
        raise _moved("sklearn.metrics._scorer._Scorer")
    score_func, sign, kwargs, response_method = scorer_parts(scorer)
    return _CheckedScorer(score_func, sign, kwargs, response_method, check)
