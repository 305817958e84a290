"""Output folders: checked before any work starts, never overwriting what is not ours.

One rule for every writer of the library (``TransformerClassifier.save_pretrained``,
``ComparisonResult.save``, ``sklearn-imbal compare --output``, the embedding cache):

- the path must be a folder or not exist yet; a file there, or a file among its
  parents, is an error naming the parameter;
- the folder (or, when it does not exist yet, its nearest existing parent) must be
  writable: probed by creating and removing a temporary file, which also catches
  read-only file systems where ``os.access`` says yes to root;
- a non-empty folder is written into only when it holds our marker file (written
  by us before: a JSON object with the keys our writer puts there, so a user's own
  ``results.json`` does not count) or when the caller passed ``overwrite=True``; even
  then only our own files are replaced and nothing else in the folder is deleted.

The check creates nothing, so a run refused or failed later leaves no empty folder.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["check_output_dir", "own_marker", "earlier_files", "write_staged",
           "COMPARISON_MARKER", "MODEL_MARKER", "SAVED_MARKER"]

# What each writer leaves in its folder: the file and the keys that file always holds.
COMPARISON_MARKER = {"marker": "results.json",
                     "marker_keys": ("rank_by", "ranking", "recommendation")}
MODEL_MARKER = {"marker": "sklearn_imbal.json",
                "marker_keys": ("estimator", "params", "classes")}
SAVED_MARKER = {"marker": "card.json", "marker_keys": ("format", "estimator", "files")}


def _nearest_existing(path):
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path.cwd()  # pragma: no cover - a relative path always has '.'


def _probe_writable(folder, name, path):
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".sklearn_imbal_probe_")
    except OSError as exc:
        raise PermissionError(
            f"{name}={os.fspath(path)!r} cannot be written: creating a file in "
            f"{os.fspath(folder)!r} failed ({exc.strerror or exc}). Give a folder you "
            "can write to."
        ) from None
    os.close(handle)
    os.unlink(probe)


def own_marker(folder, marker, marker_keys):
    """The content of ``folder / marker`` when it is ours, else None.

    Ours: a JSON object holding every key of ``marker_keys`` (what our writer always
    puts there). A missing, unreadable or foreign file is None.
    """
    try:
        with open(Path(folder) / marker, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(content, dict) and all(key in content for key in marker_keys):
        return content
    return None


def _written_by_us(folder, marker, marker_keys):
    if not marker_keys:  # any file of that name counts
        return (Path(folder) / marker).is_file()
    return own_marker(folder, marker, marker_keys) is not None


def check_output_dir(path, name, *, marker, marker_keys=(), overwrite=False):
    """Check that ``path`` can take our output, before any work starts.

    Parameters
    ----------
    path : str or path-like
        The output folder; created later by the writer, not here.
    name : str
        The parameter or option naming the folder, for the messages
        (``"path"``, ``"folder"``, ``"--output"``).
    marker : str
        The file every write of this kind leaves in the folder
        (``"sklearn_imbal.json"``, ``"results.json"``); a folder holding it was
        written by us and may be written again.
    marker_keys : tuple of str, default=()
        Keys the marker, a JSON object, must hold to count as ours (a user's own
        ``results.json`` then does not); empty: any file of that name counts.
    overwrite : bool, default=False
        Write into a non-empty folder that does not hold ``marker``. Files of
        ours replace files of the same name; nothing else is deleted.

    Returns
    -------
    path : pathlib.Path
        The folder.

    Raises
    ------
    NotADirectoryError
        When ``path`` or one of its parents is a file.
    PermissionError
        When the folder, or the parent it would be created in, cannot be written.
    FileExistsError
        When the folder is not empty, holds no ``marker`` and ``overwrite`` is False.
    """
    path = Path(os.fspath(path))
    existing = _nearest_existing(path)
    if not existing.is_dir():
        where = "is a file" if existing == path else f"is inside the file {os.fspath(existing)!r}"
        raise NotADirectoryError(
            f"{name}={os.fspath(path)!r} {where}; give a folder (new or empty) to write into."
        )
    _probe_writable(existing, name, path)
    if existing == path and not overwrite and not _written_by_us(path, marker, marker_keys):
        if any(path.iterdir()):
            raise FileExistsError(
                f"{name}={os.fspath(path)!r} is a folder that is not empty and was not "
                f"written by sklearn-imbal (no {marker} in it); refusing to write into it. "
                "Give a new or empty folder, or pass overwrite=True (--overwrite on the "
                "command line) to add our files there; nothing else in it is deleted."
            )
    return path


def earlier_files(folder, marker, marker_keys, *, owner_key, owner):
    """The files that the save which wrote ``folder`` listed: ours to replace or remove.

    Only from a marker that is ours (see :func:`own_marker`) and whose ``owner_key`` is
    ``owner`` (the writer), and only plain relative names inside the folder: a user's
    own marker written over with ``overwrite=True``, or a file listing ``"../x"``,
    removes nothing. The marker's ``files`` is a list of names or a dict keyed by them.
    """
    saved = own_marker(folder, marker, marker_keys)
    if saved is None or saved.get(owner_key) != owner:
        return set()
    files = saved.get("files", [])
    if not isinstance(files, (list, dict)):
        return set()
    return {name for name in files if isinstance(name, str) and name
            and not os.path.isabs(name) and ".." not in name.split("/")
            and os.path.normpath(name) == name.replace("/", os.sep)}


def _remove_file(folder, name):
    """Remove the file ``name`` of an earlier save (and its folders, once empty)."""
    target = folder.joinpath(*name.split("/"))
    if target.is_file() and not target.is_symlink():
        target.unlink()
        parent = target.parent
        while parent != folder and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def write_staged(folder, write, *, marker, earlier):
    """Write a save into ``folder`` (checked by :func:`check_output_dir`) through a
    staging folder inside it: nothing is replaced until every file is written.

    ``write(staging)`` writes every file but the marker into ``staging`` and returns
    ``marker_content(files)``: a function of the sorted list of the files written
    (relative names with ``/``) that returns the marker's JSON content. The files are
    then moved into ``folder``, the marker last, and the files of the earlier save
    (``earlier``, from :func:`earlier_files`) that this one does not write again are
    removed. On any error the staging folder is removed, and so is ``folder`` when it
    was created here and is still empty; files of ours already moved in stay.

    Returns
    -------
    files : list of str
        The files written, the marker last.
    """
    folder = Path(folder)
    created = not folder.exists()
    os.makedirs(folder, exist_ok=True)
    # Written aside, then moved in: a writer such as transformers' save_pretrained
    # deletes weight shards of other saves in the folder it writes to.
    staging = tempfile.mkdtemp(prefix=".sklearn_imbal_save_", dir=folder)
    try:
        marker_content = write(staging)
        files = sorted(
            os.path.relpath(os.path.join(root, name), staging).replace(os.sep, "/")
            for root, _, names in os.walk(staging) for name in names)
        with open(os.path.join(staging, marker), "w", encoding="utf-8") as handle:
            json.dump(marker_content(files), handle, indent=2, allow_nan=False)
        for name in [*files, marker]:  # the marker last
            target = folder.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(os.path.join(staging, *name.split("/")), target)
        for name in sorted(set(earlier) - set(files) - {marker}):
            _remove_file(folder, name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return [*files, marker]
