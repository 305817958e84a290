"""Save and load fitted estimators and pipelines as a folder, without pickle.

``save(estimator, folder)`` writes:

- ``estimator.skops``: the scikit-learn / imbalanced-learn object tree (pipelines,
  column encoders, samplers, ``LogisticRegression``, ``ThresholdTunedClassifier``, ...)
  through ``skops.io``, which stores objects as a description of their types and state,
  not as pickle opcodes. :func:`load` first lists the types the file names
  (``skops.io.get_untrusted_types``) and refuses any that is not on our allow-list:
  estimator classes of scikit-learn, imbalanced-learn and sklearn-imbal, the search
  trees and distance metrics of scikit-learn's fitted neighbours (SMOTE), our
  augmenters, the helper functions the comparison's pipelines call, ``numpy.dtype``
  and ``functools.partial``; anything else is an error listing those types, unless
  the caller names them in ``trusted``.
- ``parts/<i>/``: each torch-backed step, replaced in the skops tree by a placeholder
  that names its folder (the containers holding it are copied for that, the estimator
  saved is not modified), and restored at loading:

  - a fitted :class:`~sklearn_imbal.text.TransformerClassifier` through its own
    ``save_pretrained`` / ``from_pretrained`` (safetensors and JSON);
  - a :class:`~sklearn_imbal.text.TransformerEmbedder` as its parameters only: it is
    frozen, so loading its model again (its folder, or the packaged model) rebuilds it;
  - a fitted :class:`~sklearn_imbal.FocalLossClassifier` as ``weights.safetensors``
    (the network's ``state_dict``) and ``params.json`` (parameters, classes, class
    weights, training curves); loading builds the network from the parameters, loads
    the weights into it (names and shapes checked) and wraps it in a skorch net, as
    ``TransformerClassifier.from_pretrained`` does;
  - any of them unfitted (the template a threshold tuner clones) as ``params.json``.

  Parameters go to JSON as plain values; a tuple, a dict, a torch device or a
  ``torch.optim`` optimizer class are tagged so that they come back as they were, and
  any other value (a custom ``module``, a model object) cannot be saved: an error
  says which parameter.
- ``card.json``: what the model is (the technique when known, a summary of the
  estimator, the classes, the decision threshold and class weights, the training
  data's class counts, the cross-validated scores that chose it, the library
  versions) and the SHA-256 of every other file. :func:`load` checks the card's
  structure, that every file it lists is there and unchanged, then the skops types.

The folder follows the library's rule for output folders
(:func:`~sklearn_imbal.utils._paths.check_output_dir`): new, empty, or written by an
earlier ``save`` (it holds our ``card.json``); ``overwrite=True`` to add our files to a
folder of someone else's, where nothing else is touched.
"""

import copy
import hashlib
import json
import math
import os
import sys
import warnings
from importlib import import_module, metadata
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from .utils._paths import SAVED_MARKER, check_output_dir, earlier_files, write_staged
from .utils._validation import python_scalar

__all__ = ["load", "read_card", "save"]

FORMAT = "sklearn-imbal model"
FORMAT_VERSION = 1
CARD = SAVED_MARKER["marker"]  # "card.json"
SKOPS_FILE = "estimator.skops"
_PARAMS = "params.json"
_WEIGHTS = "weights.safetensors"
_CARD_KEYS = ("format", "format_version", "estimator", "files", "parts", "classes")

# Types the skops file may name beyond skops' own defaults, and functions our pipelines
# call (FunctionTransformer, sampling strategies). Estimator classes of the packages in
# _ESTIMATOR_PACKAGES are allowed by their base class (see _allowed).
_ALLOWED_NAMES = {
    "numpy.dtype",
    "functools.partial",
    "sklearn_imbal.persistence._TorchPart",
    "sklearn_imbal.compare._checks.as_frame",
    "sklearn_imbal.compare._checks.as_text_column",
    "sklearn_imbal.compare._techniques.augmentation_strategy",
}
_ESTIMATOR_PACKAGES = ("sklearn", "imblearn", "sklearn_imbal")


class _TorchPart:
    """Placeholder of a torch-backed step in the skops tree: the folder that holds it."""

    def __init__(self, path):
        self.path = path


# --------------------------------------------------------------------------- parameters
def _encode(value, where):
    """A parameter value as JSON, tagged where JSON would lose its type."""
    value = python_scalar(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return {"__float__": repr(value)}
        return value
    if isinstance(value, list):
        return [_encode(v, where) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, where), _encode(v, where)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return [_encode(v, where) for v in value.tolist()]
    if "torch" in sys.modules:
        import torch

        if isinstance(value, torch.device):
            return {"__device__": str(value)}
        if (isinstance(value, type) and issubclass(value, torch.optim.Optimizer)
                and getattr(torch.optim, value.__name__, None) is value):
            return {"__optimizer__": value.__name__}
    raise ValueError(
        f"save: {where} is {value!r:.80}, which cannot be written as JSON (plain numbers, "
        "strings, lists, dicts, a torch device or a torch.optim optimizer class can); "
        "set a plain value, or for a model object pass the folder it was saved to."
    )


def _decode(value, where):
    if isinstance(value, list):
        return [_decode(v, where) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        raise ValueError(f"{where}: a parameter value is an untagged JSON object; the file "
                         "was edited. Save the estimator again.")
    (tag, content), = value.items()
    if tag == "__tuple__" and isinstance(content, list):
        return tuple(_decode(v, where) for v in content)
    if tag == "__dict__" and isinstance(content, list) and all(
            isinstance(pair, list) and len(pair) == 2 for pair in content):
        return {_decode(k, where): _decode(v, where) for k, v in content}
    if tag == "__float__" and content in ("nan", "inf", "-inf"):
        return float(content)
    if tag in ("__device__", "__optimizer__") and isinstance(content, str):
        import torch

        if tag == "__device__":
            return torch.device(content)
        optimizer = getattr(torch.optim, content, None)
        if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
            return optimizer
    raise ValueError(f"{where}: the parameter value {value!r:.80} is not one save writes; "
                     "the file was edited. Save the estimator again.")


def _params(estimator, where, skip=()):
    return {name: _encode(value, f"{where} parameter {name!r}")
            for name, value in estimator.get_params(deep=False).items() if name not in skip}


def _labels(values):
    return [python_scalar(v) for v in np.asarray(values).tolist()]


def _floats(values):
    if values is None:
        return None
    return [None if not math.isfinite(v) else float(v) for v in np.asarray(values).tolist()]


# --------------------------------------------------------------------------- torch parts
def _torch_handlers():
    """``{class: (write, read)}`` of the torch-backed estimators, when torch is loaded.

    Every such estimator imports torch, so without torch in ``sys.modules`` there is
    none to find, and saving a scikit-learn pipeline does not import torch.
    """
    if "torch" not in sys.modules:
        return {}
    from .neural import FocalLossClassifier

    handlers = {FocalLossClassifier: (_write_focal, _read_focal)}
    if "transformers" in sys.modules or "sklearn_imbal.text" in sys.modules:
        from .text import TransformerClassifier, TransformerEmbedder

        handlers[TransformerClassifier] = (_write_transformer, _read_transformer)
        handlers[TransformerEmbedder] = (_write_embedder, _read_embedder)
    return handlers


def _write_json(folder, name, content):
    with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2, allow_nan=False)


def _fitted(estimator):
    return hasattr(estimator, "classes_") or hasattr(estimator, "model_")


def _write_focal(estimator, folder):
    name = type(estimator).__name__
    if estimator.module is not None:
        raise ValueError(f"save: {name}(module={estimator.module!r:.60}) has a custom "
                         "network, which save cannot rebuild without running its code; "
                         "only the default MLP (module=None) can be saved.")
    content = {"estimator": name, "params": _params(estimator, name), "fitted": False}
    if _fitted(estimator):
        from safetensors.torch import save_file

        content.update(
            fitted=True, classes=_labels(estimator.classes_),
            class_weight=_floats(estimator.class_weight_),
            n_features_in=int(estimator.n_features_in_),
            feature_names_in=(_labels(estimator.feature_names_in_)
                              if hasattr(estimator, "feature_names_in_") else None),
            n_iter=int(estimator.n_iter_), loss_curve=_floats(estimator.loss_curve_),
            validation_loss_curve=_floats(estimator.validation_loss_curve_),
            validation_scores=_floats(estimator.validation_scores_),
            best_epoch=estimator.best_epoch_)
        state = estimator.net_.module_.state_dict()
        save_file({k: v.detach().cpu().contiguous() for k, v in state.items()},
                  os.path.join(folder, _WEIGHTS))
    _write_json(folder, _PARAMS, content)
    return content


def _read_focal(folder, content, device):
    import torch

    from .neural import FocalLossClassifier
    from .utils._torch import load_safetensors, resolve_device

    where = os.path.join(folder, _PARAMS)
    estimator = _construct(FocalLossClassifier, content, where, device)
    if not content["fitted"]:
        return estimator
    try:
        estimator.classes_ = np.asarray(content["classes"])
        estimator.class_weight_ = np.asarray(content["class_weight"], dtype=np.float64)
        estimator.n_features_in_ = int(content["n_features_in"])
        if content["feature_names_in"] is not None:
            estimator.feature_names_in_ = np.asarray(content["feature_names_in"], dtype=object)
        estimator.n_iter_ = int(content["n_iter"])
        for key in ("loss_curve", "validation_loss_curve", "validation_scores"):
            curve = content[key]
            setattr(estimator, key + "_", None if curve is None else np.asarray(
                [np.nan if v is None else v for v in curve], dtype=np.float64))
        estimator.best_epoch_ = content["best_epoch"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where} does not hold a fitted FocalLossClassifier as save "
                         f"writes it ({type(exc).__name__}: {exc}); save it again.") from None
    estimator.device_ = resolve_device(estimator.device)
    module = estimator._build_module()
    file = os.path.join(folder, _WEIGHTS)
    weights = load_safetensors(file, "cpu")
    needed = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in weights.items()}
    if found != needed:
        raise ValueError(f"{file} holds the tensors {found}, but the network its parameters "
                         f"describe needs {needed}: the files come from different saves or "
                         "were edited. Save the estimator again.")
    module.load_state_dict(weights)
    # As TransformerClassifier.from_pretrained: the net of a fitted estimator, whose
    # training data and loss prediction does not use.
    estimator.net_ = estimator._build_net(module, torch.nn.CrossEntropyLoss(), None, None, 0)
    estimator.net_.initialize()
    return estimator


def _write_transformer(estimator, folder):
    name = type(estimator).__name__
    if _fitted(estimator):
        estimator.save_pretrained(folder, overwrite=True)  # the staging folder, ours
        # save_pretrained keeps neither the device nor the seed; they are parameters.
        extra = _params(estimator, name, skip=set(estimator.get_params(deep=False))
                        - {"device", "random_state"})
        content = {"estimator": name, "fitted": True, "params": extra}
    else:
        content = {"estimator": name, "fitted": False, "params": _params(estimator, name)}
    _write_json(folder, _PARAMS, content)
    return content


def _read_transformer(folder, content, device):
    from .text import TransformerClassifier

    where = os.path.join(folder, _PARAMS)
    if not content["fitted"]:
        return _construct(TransformerClassifier, content, where, device)
    params = _decoded_params(content, where)
    estimator = TransformerClassifier.from_pretrained(
        folder, device=device if device is not None else params.get("device", "auto"))
    estimator.set_params(random_state=params.get("random_state"))
    if device is None:
        estimator.set_params(device=params.get("device", "auto"))
    return estimator


def _write_embedder(estimator, folder):
    name = type(estimator).__name__
    for param in ("model", "tokenizer"):
        value = getattr(estimator, param)
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise ValueError(
                f"save: {name}({param}=<{type(value).__name__} object>) holds a loaded "
                f"object; save it with its save_pretrained(folder) and pass {param}=folder.")
    params = _params(estimator, name, skip={"model", "tokenizer", "memory"})
    for param in ("model", "tokenizer", "memory"):
        value = getattr(estimator, param)
        if param == "memory" and value is not None and not isinstance(value, (str, os.PathLike)):
            value = None  # a joblib.Memory object: a cache, not part of the model
        params[param] = None if value is None else os.fspath(value)
    content = {"estimator": name, "params": params, "fitted": _fitted(estimator)}
    if content["fitted"]:
        content["model_path"] = estimator.model_path_  # a record of what was loaded
    _write_json(folder, _PARAMS, content)
    return content


def _read_embedder(folder, content, device):
    from .text import TransformerEmbedder

    where = os.path.join(folder, _PARAMS)
    estimator = _construct(TransformerEmbedder, content, where, device)
    if content["fitted"]:
        try:
            estimator.fit(["a text"])  # frozen: fitting loads the same model again
        except (OSError, ValueError) as exc:
            raise ValueError(f"{where}: the embedder's model {estimator.model!r} cannot be "
                             f"loaded here ({exc}); copy that model folder to this machine "
                             "at the same path, or save it beside the model.") from None
    return estimator


def _decoded_params(content, where):
    params = content.get("params")
    if not isinstance(params, dict):
        raise ValueError(f"{where}: 'params' is not a JSON object; save the estimator again.")
    return {name: _decode(value, where) for name, value in params.items()}


def _construct(cls, content, where, device):
    from sklearn.utils._param_validation import InvalidParameterError

    params = _decoded_params(content, where)
    if device is not None:
        params["device"] = device
    try:
        estimator = cls(**params)
        estimator._validate_params()
    except (TypeError, InvalidParameterError) as exc:
        raise ValueError(f"{where}: the saved parameters are not valid for {cls.__name__} "
                         f"({exc}); the file was edited. Save the estimator again.") from None
    return estimator


# --------------------------------------------------------------------------- the tree
def _replace(obj, swap, memo):
    """``obj`` with every object for which ``swap`` returns something replaced by it.

    Lists, tuples, dicts and estimators on the way are copied (shallow) when something
    inside them changes; ``obj`` itself is never modified. An object met twice is
    replaced by the same object.
    """
    key = id(obj)
    if key in memo:
        return memo[key]
    result = swap(obj)
    if result is None:
        result = obj
        if isinstance(obj, (list, tuple)):
            items = [_replace(v, swap, memo) for v in obj]
            if any(a is not b for a, b in zip(items, obj)):
                result = type(obj)(items) if isinstance(obj, list) else tuple(items)
        elif isinstance(obj, dict):
            items = {k: _replace(v, swap, memo) for k, v in obj.items()}
            if any(items[k] is not obj[k] for k in obj):
                result = items
        elif isinstance(obj, BaseEstimator):
            changed = {}
            for name, value in vars(obj).items():
                new = _replace(value, swap, memo)
                if new is not value:
                    changed[name] = new
            if changed:
                result = copy.copy(obj)
                vars(result).update(changed)
    memo[key] = result
    return result


def _walk(obj, seen=None):
    """Every estimator inside ``obj`` (itself included), each once."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _walk(value, seen)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _walk(value, seen)
    elif isinstance(obj, BaseEstimator):
        yield obj
        for value in vars(obj).values():
            yield from _walk(value, seen)


def _stripped(obj, paths):
    """What the skops file holds in place of ``obj``, or None for ``obj`` itself: the
    placeholder of a torch part, or a copy of an augmenter without its secrets (an
    LLM endpoint's API key is never written to disk; give it again to refit)."""
    if id(obj) in paths:
        return _TorchPart(paths[id(obj)])
    secrets = [name for name in getattr(type(obj), "_secret_params", ())
               if getattr(obj, name, None) is not None]
    if secrets:
        obj = copy.copy(obj)
        for name in secrets:
            setattr(obj, name, None)
        return obj
    return None


# --------------------------------------------------------------------------- the card
def _versions(parts):
    names = {"sklearn_imbal": None, "scikit-learn": "sklearn", "imbalanced-learn": "imblearn",
             "numpy": "numpy", "skops": "skops"}
    if parts:
        names["torch"] = "torch"
    if any(kind != "FocalLossClassifier" for kind in parts.values()):
        names["transformers"] = "transformers"
    versions = {}
    for name in names:
        if name == "sklearn_imbal":
            from . import __version__

            versions[name] = __version__
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - installed by dependency
            versions[name] = None
    return versions


def _clean(value):
    value = python_scalar(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(python_scalar(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_clean(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _decisions(estimator):
    """The fitted thresholds and class weights inside ``estimator``, for the card."""
    thresholds, weights = [], []
    for step in _walk(estimator):
        name = type(step).__name__
        if getattr(step, "best_threshold_", None) is not None:
            thresholds.append({"step": name, "threshold": _clean(step.best_threshold_),
                               "pos_label": _clean(step.pos_label_)})
        if getattr(step, "class_weights_", None) is not None:
            thresholds.append({"step": name, "class_weights": _clean(step.class_weights_)})
        if not hasattr(step, "classes_"):
            continue  # unfitted templates say nothing about the model
        if getattr(step, "class_weight_", None) is not None:
            weights.append({"step": name, "class_weight": dict(zip(
                [str(c) for c in _labels(step.classes_)], _clean(step.class_weight_)))})
        elif getattr(step, "class_weight", None) is not None:
            weights.append({"step": name, "class_weight": _clean(step.class_weight)})
    return thresholds, weights


def _card(estimator, parts, files, y, comparison, technique, extra):
    summary = estimator.__repr__(N_CHAR_MAX=100_000)
    thresholds, weights = _decisions(estimator)
    card = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "estimator": type(estimator).__name__, "summary": summary,
        "technique": technique,
        "classes": _labels(estimator.classes_) if hasattr(estimator, "classes_") else None,
        "thresholds": thresholds, "class_weights": weights, "training": None,
        "comparison": None, "versions": _versions(parts), "parts": parts, "files": files,
    }
    if y is not None:
        values, counts = np.unique(np.asarray(y), return_counts=True)
        card["training"] = {"n_samples": int(counts.sum()), "class_counts": {
            str(python_scalar(v)): int(n) for v, n in zip(values, counts)}}
    if comparison is not None:
        chosen = technique or comparison.ranking[0]
        card["technique"] = chosen
        card["comparison"] = {
            "rank_by": comparison.rank_by, "cv": comparison.info.get("cv"),
            "label": comparison.labels.get(chosen), "ranking": comparison.ranking,
            "recommendation": comparison.recommendation,
            "scores": {t: {k: {"mean": _clean(m), "sd": _clean(s)}
                           for k, (m, s) in comparison.summary(t).items()}
                       for t in dict.fromkeys([chosen, "baseline"])
                       if t in comparison.fold_scores},
        }
    if extra:
        card["extra"] = _clean(extra)
    return card


def _sha256(file):
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- trust
def _allowed(name):
    """Whether the type ``name`` that a skops file holds is on our allow-list."""
    if name in _ALLOWED_NAMES:
        return True
    module, _, attr = name.rpartition(".")
    parts = module.split(".")
    if parts[0] not in _ESTIMATOR_PACKAGES or "__main__" in parts:
        return False  # a package's __main__ runs its command when imported
    try:  # our own dependencies only: importing them runs no code from the file
        obj = getattr(import_module(module), attr)
    except (ImportError, AttributeError):
        return False
    if not isinstance(obj, type):
        return False
    if issubclass(obj, BaseEstimator):
        return True
    if name.startswith("sklearn."):  # the search trees and metrics of fitted neighbours
        from sklearn.metrics import DistanceMetric
        from sklearn.neighbors import BallTree, KDTree

        return issubclass(obj, (BallTree, DistanceMetric, KDTree))
    from .sampling._base import AugmenterParams  # augmenters: parameters, not estimators

    return name.startswith("sklearn_imbal.") and issubclass(obj, AugmenterParams)


def _refused(data, trusted):
    import skops.io as sio

    found = sio.get_untrusted_types(data=data)
    return [name for name in found if not _allowed(name) and name not in trusted], found


# --------------------------------------------------------------------------- save / load
def save(estimator, folder, *, overwrite=False, y=None, comparison=None, technique=None,
         extra=None):
    """Save a fitted estimator or pipeline into ``folder``, without pickle.

    Writes ``estimator.skops`` (the scikit-learn and imbalanced-learn parts, through
    skops), one folder per torch-backed step (safetensors weights and JSON) and
    ``card.json`` (what the model is, and a checksum of every file). Read the design
    in the module docstring.

    Parameters
    ----------
    estimator : estimator
        Usually fitted; any estimator or pipeline the library builds, e.g. what
        :meth:`~sklearn_imbal.compare.ComparisonResult.make_estimator` returns.
    folder : str or path-like
        Output folder: new, empty, or written by an earlier ``save``, whose files are
        replaced (those it no longer needs removed).
    overwrite : bool, default=False
        Also write into a non-empty folder that ``save`` did not write; our files
        replace files of the same name there, nothing else is touched.
    y : array-like of shape (n_samples,) or None, default=None
        The training labels, for the class counts of the card.
    comparison : ComparisonResult or None, default=None
        The comparison that chose the technique: its cross-validated scores go to the
        card.
    technique : str or None, default=None
        The technique's name, for the card; with ``comparison``, None is its winner.
    extra : dict or None, default=None
        More JSON-able entries for the card (``card["extra"]``), e.g. the columns read.

    Returns
    -------
    folder : pathlib.Path
        The folder written.

    Raises
    ------
    NotADirectoryError, PermissionError, FileExistsError
        The folder cannot take the model (see ``check_output_dir``).
    ValueError
        A torch-backed step holds something that cannot be stored as data (a custom
        network module, a model object); the message names it.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal import ThresholdTunedClassifier, load, save
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> model = ThresholdTunedClassifier(LogisticRegression(), random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = save(model, folder, y=y)
    ...     again, card = load(folder), read_card(folder)
    >>> bool((again.predict_proba(X) == model.predict_proba(X)).all())
    True
    >>> card["training"]["class_counts"], card["thresholds"][0]["threshold"] > 0
    ({'0': 269, '1': 31}, True)
    """
    import skops.io as sio

    folder = check_output_dir(folder, "folder", **SAVED_MARKER, overwrite=overwrite)
    earlier = earlier_files(folder, **SAVED_MARKER, owner_key="format", owner=FORMAT)
    handlers = _torch_handlers()
    found = [step for step in _walk(estimator) if type(step) in handlers]

    def write(staging):
        parts, paths = {}, {}
        for step in found:
            path = f"parts/{len(parts)}"
            os.makedirs(os.path.join(staging, path))
            handlers[type(step)][0](step, os.path.join(staging, path))
            parts[path], paths[id(step)] = type(step).__name__, path
        stripped = _replace(estimator, lambda obj: _stripped(obj, paths), {})
        data = sio.dumps(stripped)
        refused, _ = _refused(data, ())
        if refused:
            warnings.warn(
                f"save: the estimator holds types that load refuses unless trusted: "
                f"{', '.join(refused)}; pass trusted=[...] with them to load.",
                UserWarning, stacklevel=3)
        Path(staging, SKOPS_FILE).write_bytes(data)

        def card(files):
            sums = {name: _sha256(os.path.join(staging, name)) for name in files}
            return _card(estimator, parts, sums, y, comparison, technique, extra)
        return card

    write_staged(folder, write, marker=CARD, earlier=earlier)
    return folder


def read_card(folder):
    """The ``card.json`` of a folder written by :func:`save`, checked.

    Parameters
    ----------
    folder : str or path-like
        A folder written by :func:`save`.

    Returns
    -------
    card : dict
        Its content: ``technique``, ``classes``, ``thresholds``, ``class_weights``,
        ``training``, ``comparison``, ``versions``, ``parts``, ``files``, ...

    Raises
    ------
    FileNotFoundError, NotADirectoryError
        No such folder, or a file.
    ValueError
        The folder holds no ``card.json``, or one that is not valid JSON or misses
        what ``save`` writes.
    """
    folder = Path(os.fspath(folder))
    if not folder.exists():
        raise FileNotFoundError(f"load: {os.fspath(folder)!r} does not exist; pass a folder "
                                "written by sklearn_imbal.save (sklearn-imbal fit).")
    if not folder.is_dir():
        raise NotADirectoryError(f"load: {os.fspath(folder)!r} is a file; pass the folder "
                                 "written by sklearn_imbal.save.")
    file = folder / CARD
    if not file.is_file():
        raise ValueError(f"load: {os.fspath(folder)!r} holds no {CARD}, so it was not written "
                         "by sklearn_imbal.save (sklearn-imbal fit); pass such a folder.")
    try:
        card = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"load: {os.fspath(file)!r} is not valid JSON ({exc}); it is "
                         "truncated or was edited. Save the model again.") from None
    missing = [key for key in _CARD_KEYS if not isinstance(card, dict) or key not in card]
    if missing:
        raise ValueError(f"load: {os.fspath(file)!r} misses {', '.join(missing)}: it was "
                         "edited or not written by sklearn_imbal.save. Save the model again.")
    if card["format"] != FORMAT or card["format_version"] != FORMAT_VERSION:
        raise ValueError(f"load: {os.fspath(file)!r} is format {card['format']!r:.40} "
                         f"version {card['format_version']!r:.20}; this sklearn-imbal reads "
                         f"{FORMAT!r} version {FORMAT_VERSION}. Save the model again with it.")
    files, parts = card["files"], card["parts"]
    if not (isinstance(files, dict) and SKOPS_FILE in files and isinstance(parts, dict)
            and all(isinstance(p, str) and isinstance(k, str) for p, k in parts.items())):
        raise ValueError(f"load: {os.fspath(file)!r}: 'files' and 'parts' are not as "
                         "save writes them; the file was edited. Save the model again.")
    return card


def load(folder, *, trusted=None, device=None):
    """Load an estimator written by :func:`save`; nothing is unpickled.

    Checks, before building anything: the card (``card.json``), that every file it
    lists is there with the same SHA-256, and the types that ``estimator.skops`` names
    against the allow-list (estimator classes of scikit-learn, imbalanced-learn and
    sklearn-imbal, the functions our pipelines use, ``numpy.dtype``) plus ``trusted``.

    Parameters
    ----------
    folder : str or path-like
        A folder written by :func:`save`.
    trusted : list of str or None, default=None
        Further type names (as the error lists them, e.g. ``"mypackage.MyScaler"``)
        to accept in the skops file: only for a model of your own.
    device : str or None, default=None
        Where torch-backed steps load (``"cpu"``, ``"cuda"``); None keeps each step's
        saved ``device`` parameter (``"auto"``: CUDA when present).

    Returns
    -------
    estimator : estimator
        The estimator as saved, ready to predict.

    Raises
    ------
    FileNotFoundError, NotADirectoryError
        No such folder, or a file.
    ValueError
        A file is missing, changed since it was saved, not valid, or the skops file
        names types that are not trusted (listed in the message).
    """
    import skops.io as sio

    card = read_card(folder)
    folder = Path(os.fspath(folder))
    for name, digest in card["files"].items():
        file = folder.joinpath(*str(name).split("/"))
        if ".." in str(name).split("/") or not file.is_file():
            raise ValueError(f"load: {os.fspath(file)!r} is missing: {CARD} lists it. Copy "
                             "the whole folder that save wrote.")
        if _sha256(file) != digest:
            raise ValueError(f"load: {os.fspath(file)!r} was changed after it was saved (its "
                             f"SHA-256 differs from the one in {CARD}); it is damaged or was "
                             "edited. Save the model again.")
    skops_file = folder / SKOPS_FILE
    data = skops_file.read_bytes()
    try:
        refused, found = _refused(data, set(trusted or ()))
    except Exception as exc:  # skops raises zipfile / JSON / key errors on a bad file
        raise ValueError(f"load: {os.fspath(skops_file)!r} is not a valid skops file "
                         f"({type(exc).__name__}: {exc}); save the model again.") from None
    if refused:
        raise ValueError(
            f"load: {os.fspath(skops_file)!r} holds types that are not trusted: "
            f"{', '.join(refused)}. sklearn-imbal trusts estimator classes of scikit-learn, "
            "imbalanced-learn and sklearn-imbal only; if you made this model and know "
            "these types, pass trusted=[...] with their names."
        )
    stripped = sio.loads(data, trusted=found)
    readers = {cls.__name__: read for cls, (_, read) in _torch_handlers_for(card).items()}
    loaded = {}

    def restore(obj):
        if not isinstance(obj, _TorchPart):
            return None
        if obj.path not in loaded:
            kind = card["parts"].get(obj.path)
            if kind not in readers:
                raise ValueError(f"load: {os.fspath(skops_file)!r} names a part {obj.path!r:.60} "
                                 f"that {CARD} does not list; the files were edited.")
            part = folder / obj.path
            content = _read_part_json(part)
            if content.get("estimator") != kind:
                raise ValueError(f"load: {os.fspath(part / _PARAMS)!r} holds "
                                 f"{content.get('estimator')!r:.40}, not the {kind} that "
                                 f"{CARD} lists; the files were edited.")
            loaded[obj.path] = readers[kind](os.fspath(part), content, device)
        return loaded[obj.path]

    return _replace(stripped, restore, {})


def _torch_handlers_for(card):
    """The torch readers a card's parts need (importing torch only when there are some)."""
    if not card["parts"]:
        return {}
    import torch  # noqa: F401

    if any(kind != "FocalLossClassifier" for kind in card["parts"].values()):
        from . import text  # noqa: F401
    return _torch_handlers()


def _read_part_json(part):
    file = part / _PARAMS
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"load: {os.fspath(file)!r} is missing; copy the whole folder "
                         "that save wrote.") from None
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"load: {os.fspath(file)!r} is not valid JSON ({exc}); save the "
                         "model again.") from None
    if not isinstance(content, dict) or not isinstance(content.get("fitted"), bool):
        raise ValueError(f"load: {os.fspath(file)!r} is not as save writes it; save the "
                         "model again.")
    return content
