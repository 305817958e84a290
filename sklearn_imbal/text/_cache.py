"""The embedding cache of ``TransformerEmbedder(memory=...)``: plain ``.npy`` files, no pickle.

A cache folder may be shared (between grid-search workers, users, machines), so
nothing read from it is trusted:

- one entry is one ``.npy`` file, ``sklearn_imbal_embeddings_<key>.npy``, whose
  name is a SHA-256 of everything that determines the embeddings (see
  :func:`embedding_key`); nothing else in the folder is read, written or deleted;
- an entry is read only when it is a regular file (not a link, a FIFO or a device)
  whose ``.npy`` header declares exactly the requested shape ``(n_texts, dim)``
  and native float32, *before* any data is read (a forged header cannot make us
  allocate), and it is loaded with ``allow_pickle=False`` and must be finite.
  Anything else (a pickle, an object array, a ``.npz``, a truncated file, garbage)
  is a cache miss: the embeddings are computed again and the entry rewritten.
  Nothing in the folder is ever executed;
- entries are written to a temporary file in the same folder and moved into
  place with ``os.replace``, so a concurrent reader sees the old entry or the new
  one, never half a file.

What this does not protect against: someone who can write into the folder can
still plant an entry of the right shape holding wrong numbers. Share a cache
folder only with people whose embeddings you would use.
"""

import hashlib
import json
import os
import secrets
import stat
import warnings
from pathlib import Path

import numpy as np

from ..utils._paths import check_output_dir

__all__ = ["cache_folder", "embedding_key", "load_embeddings", "save_embeddings"]

_PREFIX = "sklearn_imbal_embeddings_"
# Bumped when the key or the layout changes, so old entries are never misread.
_FORMAT = 1


def cache_folder(memory, estimator_name):
    """The folder of ``memory``, checked to be usable, or None when nothing is cached.

    ``memory`` is a path, or an object with a ``location`` (``joblib.Memory``: only
    its folder is used, not its pickling cache). The folder may hold other files
    and need not exist yet (it is created on the first write); a file, or a folder
    that cannot be written, is an error naming ``memory``, before any work starts.
    """
    if memory is None:
        return None
    if isinstance(memory, (str, os.PathLike)):
        location = memory
    else:
        if not hasattr(memory, "location"):
            raise TypeError(
                f"{estimator_name}: memory={memory!r} has no folder (no 'location' "
                "attribute). Give the cache folder as a path, a joblib.Memory with a "
                "location, or memory=None to cache nothing."
            )
        location = memory.location
        if location is None:  # joblib.Memory(None) caches nothing
            return None
    try:
        # overwrite=True: the folder may hold other files; no marker is needed then.
        return check_output_dir(location, "memory", marker="", overwrite=True)
    except (NotADirectoryError, PermissionError) as exc:
        raise type(exc)(
            f"{estimator_name}: {exc} The embedding cache (memory=) needs a folder it "
            "can write to; memory=None caches nothing."
        ) from None


def embedding_key(texts, settings):
    """SHA-256 (hex) of ``settings`` (JSON-able, e.g. model identity, pooling) and ``texts``."""
    digest = hashlib.sha256()
    digest.update(json.dumps([_FORMAT, settings], sort_keys=True).encode())
    for text in texts:
        # Length-prefixed, so no two lists of texts give the same byte stream.
        data = text.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def _entry(folder, key):
    return Path(folder) / f"{_PREFIX}{key}.npy"


def load_embeddings(folder, key, shape):
    """The cached float32 array of ``shape`` under ``key``, or None (a miss) for anything else."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(_entry(folder, key), flags)
    except OSError:
        return None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:  # a folder, a FIFO (reading would block), a device
        os.close(fd)
        return None
    with open(fd, "rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(handle)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(handle)
            else:
                return None
            stored_shape, _, dtype = header
            if tuple(stored_shape) != tuple(shape) or dtype != np.dtype(np.float32):
                return None
            handle.seek(0)
            array = np.load(handle, allow_pickle=False)
        except (OSError, ValueError, EOFError, TypeError):
            return None
    if (not isinstance(array, np.ndarray) or array.shape != tuple(shape)
            or array.dtype != np.float32 or not np.isfinite(array).all()):
        return None
    return np.ascontiguousarray(array)


def save_embeddings(folder, key, array, estimator_name):
    """Write ``array`` under ``key`` atomically: a temporary file, then ``os.replace``.

    A write that fails (a full disk, a folder planted where the entry goes) only
    warns, as ``joblib.Memory`` does: the embeddings are computed and returned anyway.
    """
    folder = Path(folder)
    target = _entry(folder, key)
    temporary = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # 0o666 less the umask, like any file the user writes (mkstemp would make it 0o600).
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        try:
            with open(fd, "wb") as handle:
                np.save(handle, np.ascontiguousarray(array, dtype=np.float32),
                        allow_pickle=False)
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError as exc:
        warnings.warn(
            f"{estimator_name}: the embeddings were computed but not cached: writing "
            f"{os.fspath(target)!r} failed ({exc.strerror or exc}). Free space in the "
            "memory= folder, remove what is in the way, or pass another folder.",
            UserWarning, stacklevel=3,
        )
