"""Discovery of the public estimators of sklearn-imbal (for the conformance suite)."""

import inspect
from operator import itemgetter

from sklearn.base import BaseEstimator

import sklearn_imbal


def all_estimators():
    """Return ``(name, class)`` for every public estimator of ``sklearn_imbal``.

    The public names are those the package exports (``sklearn_imbal.__all__``, loaded
    lazily) and those its public subpackages re-export (their ``__all__``); a class
    counts when it is a non-abstract :class:`~sklearn.base.BaseEstimator` subclass
    defined in sklearn-imbal. Sorted by name.
    """
    from importlib import import_module

    found = {}
    modules = [sklearn_imbal] + [
        import_module(f"sklearn_imbal.{name}")
        for name in ("calibration", "compare", "neural", "sampling", "text", "threshold")
    ]
    for module in modules:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and obj.__module__.startswith("sklearn_imbal.")
                and not name.startswith("_")
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items(), key=itemgetter(0))
