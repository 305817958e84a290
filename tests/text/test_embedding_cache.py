"""The embedding cache of TransformerEmbedder(memory=...): nothing executed, nothing trusted.

On the real tiny BERT of ``tiny_bert_path``; the cache-hit behaviour in grid searches is
tested in ``test_embedder.py``.
"""

import os
import pickle
import threading

import joblib
import numpy as np
import pytest

from sklearn_imbal.text import TransformerEmbedder

from .test_embedder import TEXTS, count_encoder_forwards, embedder


@pytest.fixture(scope="module")
def fresh(tiny_bert_path):
    """The embeddings of TEXTS computed without a cache."""
    return embedder(tiny_bert_path).fit_transform(TEXTS)


def cache_entries(folder):
    """The files in ``folder`` that hold cached embeddings (whatever the cache's format)."""
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file() and path.suffix in {".npy", ".pkl"} and not path.name.startswith(".")
    )


def fill(tiny_bert_path, folder):
    embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
    entries = cache_entries(folder)
    assert len(entries) == 1
    return entries[0]


def plant_array(entry, array):
    """Replace ``entry`` by ``array``, written in the cache's own format, so it would load."""
    if entry.suffix == ".pkl":
        joblib.dump(array, entry)
    else:
        np.save(entry, array)


class CreatesMarker:
    """Unpickling this creates the file ``marker`` (what an attacker's payload would do)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def test_cache_writes_no_pickle_and_accepts_a_path_object(tiny_bert_path, tmp_path, fresh):
    folder = tmp_path / "cache"
    (tmp_path / "cache").mkdir()
    (folder / "notes.txt").write_text("mine")
    emb = embedder(tiny_bert_path, memory=folder).fit(TEXTS)  # a pathlib.Path
    np.testing.assert_array_equal(emb.transform(TEXTS), fresh)
    entries = cache_entries(folder)
    assert [entry.suffix for entry in entries] == [".npy"]
    np.testing.assert_array_equal(np.load(entries[0], allow_pickle=False), fresh)
    # Nothing else is left behind (no temporary file) and the user's file is untouched.
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["notes.txt", entries[0].name])
    assert (folder / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("payload", ["pickle", "npy-object-array"])
def test_pickle_planted_in_the_cache_is_never_executed(tiny_bert_path, tmp_path, fresh, payload):
    folder = tmp_path / "cache"
    entry = fill(tiny_bert_path, folder)
    marker = tmp_path / "executed"
    if payload == "pickle":
        entry.write_bytes(pickle.dumps(CreatesMarker(marker)))
    else:
        array = np.empty((len(TEXTS), fresh.shape[1]), dtype=object)
        array[0, 0] = CreatesMarker(marker)
        np.save(entry, array, allow_pickle=True)
    assert not marker.exists()
    with count_encoder_forwards() as calls:
        result = embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
    assert not marker.exists()
    np.testing.assert_array_equal(result, fresh)
    assert len(calls) == 1  # a miss: recomputed ...
    with count_encoder_forwards() as calls:
        again = embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
    assert len(calls) == 0  # ... and the entry rewritten
    np.testing.assert_array_equal(again, fresh)
    assert not marker.exists()


def _tampered(fresh, kind):
    n, dim = fresh.shape
    return {
        "fewer-rows": fresh[:-1],
        "more-rows": np.vstack([fresh, fresh[:1]]),
        "other-dim": fresh[:, :-1],
        "one-dim": fresh.ravel(),
        "float64": fresh.astype(np.float64),
        "float16": fresh.astype(np.float16),
        "big-endian": fresh.astype(">f4"),
        "int32": np.zeros((n, dim), dtype=np.int32),
        "nan": np.where(np.arange(dim) == 0, np.nan, fresh).astype(np.float32),
        "inf": np.full((n, dim), np.inf, dtype=np.float32),
    }[kind]


@pytest.mark.parametrize("kind", [
    "fewer-rows", "more-rows", "other-dim", "one-dim", "float64", "float16", "big-endian",
    "int32", "nan", "inf",
])
def test_tampered_entry_of_wrong_shape_or_dtype_is_recomputed(
    tiny_bert_path, tmp_path, fresh, kind
):
    folder = tmp_path / "cache"
    entry = fill(tiny_bert_path, folder)
    plant_array(entry, _tampered(fresh, kind))
    with count_encoder_forwards() as calls:
        result = embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
    assert len(calls) == 1
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, fresh)
    with count_encoder_forwards() as calls:
        np.testing.assert_array_equal(
            embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS), fresh)
    assert len(calls) == 0


def _npy_header(shape, descr="<f4"):
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


@pytest.mark.parametrize("kind", [
    "empty", "garbage", "truncated", "header-only", "huge-shape", "npz", "fifo", "folder",
])
def test_unreadable_entry_is_a_miss(tiny_bert_path, tmp_path, fresh, kind):
    folder = tmp_path / "cache"
    entry = fill(tiny_bert_path, folder)
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    data = entry.read_bytes()
    entry.unlink()
    if kind == "empty":
        entry.write_bytes(b"")
    elif kind == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif kind == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif kind == "header-only":
        entry.write_bytes(_npy_header(fresh.shape))
    elif kind == "huge-shape":  # would allocate terabytes if the header were trusted
        entry.write_bytes(_npy_header((10**12, fresh.shape[1])) + data[128:])
    elif kind == "npz":
        with open(entry, "wb") as handle:
            np.savez(handle, fresh)
    elif kind == "fifo":  # opening it for reading would block forever
        os.mkfifo(entry)
    else:
        entry.mkdir()
        (entry / "x").write_text("")
    with count_encoder_forwards() as calls:
        if kind == "folder":  # cannot be replaced by a file: computed, not cached
            with pytest.warns(UserWarning, match=r"computed but not cached: writing .*npy"):
                result = embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
        else:
            result = embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS)
    assert len(calls) == 1
    np.testing.assert_array_equal(result, fresh)
    if kind != "folder":
        np.testing.assert_array_equal(np.load(entry, allow_pickle=False), fresh)
    assert [path.name for path in folder.iterdir()] == [entry.name]  # no temporary file


def test_concurrent_embedders_share_one_folder(tiny_bert_path, tmp_path, fresh):
    folder = tmp_path / "cache"
    results, errors = [], []

    def work():
        try:
            for _ in range(3):
                results.append(
                    embedder(tiny_bert_path, memory=str(folder)).fit_transform(TEXTS))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 12
    for result in results:
        np.testing.assert_array_equal(result, fresh)
    assert len(list(folder.iterdir())) == 1  # one entry, no temporary file left


def test_memory_that_is_a_file_is_refused_before_any_work(tiny_bert_path, tmp_path):
    target = tmp_path / "cache.npy"
    target.write_text("mine")
    # Refused before the model is even looked for.
    missing_model = TransformerEmbedder(model=str(tmp_path / "no-model"), memory=str(target))
    with pytest.raises(NotADirectoryError,
                       match=r"TransformerEmbedder: memory=.*cache.npy' is a file.*memory=None"):
        missing_model.fit(TEXTS)
    with pytest.raises(NotADirectoryError, match=r"memory=.*is inside the file"):
        embedder(tiny_bert_path, memory=str(target / "sub")).fit(TEXTS)
    # Set after fit: refused at transform, before the encoder runs.
    emb = embedder(tiny_bert_path).fit(TEXTS).set_params(memory=str(target))
    with count_encoder_forwards() as calls:
        with pytest.raises(NotADirectoryError, match=r"memory=.*is a file"):
            emb.transform(TEXTS)
    assert len(calls) == 0
    assert target.read_text() == "mine"


def test_memory_on_a_read_only_file_system_is_refused(tiny_bert_path):
    # /proc refuses new files even to root, unlike a chmod'ed folder.
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc on this system")
    with pytest.raises(PermissionError,
                       match=r"TransformerEmbedder: memory='/proc/xyz' cannot be written.*memory="):
        embedder(tiny_bert_path, memory="/proc/xyz").fit(TEXTS)
    emb = embedder(tiny_bert_path).fit(TEXTS).set_params(memory="/proc/xyz")
    with count_encoder_forwards() as calls:
        with pytest.raises(PermissionError, match=r"memory='/proc/xyz' cannot be written"):
            emb.transform(TEXTS)
    assert len(calls) == 0


def test_joblib_memory_is_used_for_its_folder_only(tiny_bert_path, tmp_path, fresh):
    np.testing.assert_array_equal(
        embedder(tiny_bert_path, memory=joblib.Memory(None)).fit_transform(TEXTS), fresh)
    emb = embedder(tiny_bert_path, memory=joblib.Memory(tmp_path, verbose=0)).fit(TEXTS)
    np.testing.assert_array_equal(emb.transform(TEXTS), fresh)
    assert [entry.suffix for entry in cache_entries(tmp_path)] == [".npy"]

    class NoFolder:
        def cache(self, func):
            return func

    with pytest.raises(TypeError, match=r"memory=.* has no folder.*memory=None"):
        embedder(tiny_bert_path, memory=NoFolder()).fit(TEXTS)
