"""How a text's token states become one vector: the one pooling rule of the text estimators.

A sentence encoder such as all-MiniLM-L6-v2 was trained with a pooling that its folder
declares (sentence-transformers' ``modules.json`` and ``1_Pooling/config.json``: mean,
CLS or max). Classifying it through BERT's ``[CLS]`` pooler, whose weights that
checkpoint never trained, wastes what the encoder learned; both estimators therefore
read the declared pooling with :func:`declared_pooling` when ``pooling="auto"``.
"""

import json
import os

import torch

__all__ = ["POOLINGS", "declared_pooling", "pool", "write_pooling_config"]

# Poolings of the last hidden states (the classifier also has "pooler": the model's own
# sequence-classification head).
POOLINGS = ("mean", "cls", "max")

# sentence-transformers' Pooling config key -> our name
_ST_MODES = {
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
}


def declared_pooling(source):
    """The pooling a model folder declares for sentence-transformers, or None.

    ``source`` is a resolved folder or a model object (None for an object: it carries
    no such files). Only the first pooling module of ``modules.json`` counts, and only
    a single mode among mean, CLS and max; anything else (no file, unreadable JSON,
    several or other modes) is None, so the caller falls back to its default.
    """
    if source is None or not isinstance(source, (str, os.PathLike)):
        return None
    folder = os.fspath(source)
    try:
        with open(os.path.join(folder, "modules.json"), encoding="utf-8") as handle:
            modules = json.load(handle)
        path = next(m["path"] for m in modules
                    if str(m.get("type", "")).endswith("models.Pooling"))
        with open(os.path.join(folder, path, "config.json"), encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError, StopIteration, KeyError, TypeError):
        return None
    if not isinstance(config, dict):
        return None
    chosen = [name for key, name in _ST_MODES.items() if config.get(key) is True]
    others = [key for key, value in config.items()
              if key.startswith("pooling_mode_") and key not in _ST_MODES and value is True]
    return chosen[0] if len(chosen) == 1 and not others else None


def write_pooling_config(folder, pooling, hidden_size):
    """Declare ``pooling`` in ``folder`` the way sentence-transformers does.

    A classifier saved with mean pooling then reads back as a mean-pooled encoder in
    :class:`~sklearn_imbal.text.TransformerEmbedder` (``pooling="auto"``) and in
    sentence-transformers itself.
    """
    os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
    ]
    config = {"word_embedding_dimension": int(hidden_size),
              **{key: name == pooling for key, name in _ST_MODES.items()},
              "pooling_mode_mean_sqrt_len_tokens": False}
    with open(os.path.join(folder, "modules.json"), "w", encoding="utf-8") as handle:
        json.dump(modules, handle, indent=2)
    with open(os.path.join(folder, "1_Pooling", "config.json"), "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2)


def pool(hidden, attention_mask, pooling):
    """Pool ``(batch, tokens, dim)`` hidden states into ``(batch, dim)``, in float32.

    ``"mean"`` averages over the attention mask (padding never counts), ``"cls"``
    takes the first token, ``"max"`` the element-wise maximum over the real tokens.
    """
    hidden = hidden.float()
    if pooling == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    if pooling == "max":
        return hidden.masked_fill(mask == 0, torch.finfo(hidden.dtype).min).amax(dim=1)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
