"""Discovery of the public estimators of sklearn-imbal (for the conformance suite)."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter

from sklearn.base import BaseEstimator

import sklearn_imbal

_SKIPPED_MODULES = {"tests", "utils", "benchmarks", "demo", "__main__"}


def all_estimators():
    """Return ``(name, class)`` for every public estimator of ``sklearn_imbal``.

    Walks the package's public modules (no leading underscore) and keeps the
    non-abstract :class:`~sklearn.base.BaseEstimator` subclasses that they define
    themselves, sorted by name. Importing the modules is cheap by design: heavy
    dependencies (transformers) are imported only when an estimator is fitted.
    """
    found = {}
    for module_info in pkgutil.walk_packages(sklearn_imbal.__path__, "sklearn_imbal."):
        parts = module_info.name.split(".")[1:]
        if any(part.startswith("_") or part in _SKIPPED_MODULES for part in parts):
            continue
        module = import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseEstimator)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items(), key=itemgetter(0))
