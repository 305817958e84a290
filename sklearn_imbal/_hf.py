"""Private Hugging Face glue for training and prediction: tokenisation and batching.

``transformers`` is imported inside functions only, so importing sklearn_imbal stays
cheap. (Model resolution, offline, lives in :mod:`sklearn_imbal.text`.)

Batching text without wasted work
---------------------------------
Texts are tokenised once per call, without padding. :class:`TokenBatches` then
forms batches and pads each one only to its own longest sequence (dynamic
padding):

- training (``shuffle=True``): a new random permutation each epoch is cut into
  chunks of ``bucket_size`` batches; each chunk is sorted by length and cut into
  batches, and the order of all batches is shuffled. Batches hold texts of similar
  length (little padding) while every epoch sees a different mix (shuffled
  buckets, not one fixed sort).
- prediction: the dataset is built in length order, so consecutive batches have
  near-equal lengths; the caller restores the original order.
"""

import math

import numpy as np
import torch


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


def tokenize(tokenizer, texts, max_length):
    """Token ids of each text, truncated to ``max_length``, without padding."""
    encoded = tokenizer(
        list(texts), truncation=True, max_length=max_length, padding=False,
        return_attention_mask=False, return_token_type_ids=False,
    )
    return encoded["input_ids"]


class TokenDataset(torch.utils.data.Dataset):
    """Token id sequences (and labels) in the layout skorch's helpers understand.

    skorch reads ``X`` and ``y`` of a dataset to score epochs; :class:`TokenBatches`
    indexes them directly, one padding call per batch.
    """

    def __init__(self, input_ids, y=None):
        self.X = input_ids
        self.y = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index], (None if self.y is None else self.y[index])


class TokenBatches:
    """skorch iterator over a :class:`TokenDataset`: dynamically padded batches.

    Parameters
    ----------
    dataset : TokenDataset
        Token ids and labels.
    batch_size : int
        Sequences per batch.
    pad_token_id : int
        Id used to pad each batch to its longest sequence.
    shuffle : bool, default=False
        Shuffled length buckets (training) or the dataset's order (prediction).
    generator : torch.Generator or None, default=None
        Source of the shuffling.
    bucket_size : int, default=50
        Batches per length-sorted chunk when shuffling.
    """

    def __init__(self, dataset, *, batch_size, pad_token_id, shuffle=False, generator=None,
                 bucket_size=50):
        self.dataset = dataset
        self.batch_size = batch_size
        self.pad_token_id = pad_token_id
        self.shuffle = shuffle
        self.generator = generator
        self.bucket_size = bucket_size

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def batches(self):
        """Index arrays of the batches of one pass, in the order they are served."""
        n_samples = len(self.dataset)
        if not self.shuffle:
            return [np.arange(start, min(start + self.batch_size, n_samples))
                    for start in range(0, n_samples, self.batch_size)]
        order = torch.randperm(n_samples, generator=self.generator).numpy()
        lengths = np.fromiter((len(ids) for ids in self.dataset.X), dtype=np.int64,
                              count=n_samples)
        chunk = self.batch_size * self.bucket_size
        batches = []
        for start in range(0, n_samples, chunk):
            part = order[start:start + chunk]
            part = part[np.argsort(lengths[part], kind="stable")]
            batches += [part[i:i + self.batch_size] for i in range(0, len(part),
                                                                   self.batch_size)]
        shuffled = torch.randperm(len(batches), generator=self.generator).numpy()
        return [batches[i] for i in shuffled]

    def __iter__(self):
        X, y = self.dataset.X, self.dataset.y
        for index in self.batches():
            inputs = pad([X[i] for i in index], self.pad_token_id)
            if y is None:
                yield inputs, torch.empty(len(index), 0)
            else:
                yield inputs, torch.as_tensor(y[index])


def pad(sequences, pad_token_id):
    """``input_ids`` and ``attention_mask`` padded (on the right) to the longest sequence.

    torch's ``pad_sequence`` on the pre-tokenised ids: the tokenizer's own ``pad``
    re-validates every encoding in Python and costs more than a small model's step.
    """
    from torch.nn.utils.rnn import pad_sequence

    tensors = [torch.as_tensor(ids, dtype=torch.long) for ids in sequences]
    input_ids = pad_sequence(tensors, batch_first=True, padding_value=pad_token_id)
    lengths = torch.as_tensor([len(ids) for ids in sequences])
    attention_mask = (torch.arange(input_ids.shape[1]) < lengths[:, None]).long()
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def length_order(input_ids):
    """Indices sorting sequences by length (longest first: the first batch is the
    largest, so memory problems surface at once), and the inverse permutation."""
    lengths = np.fromiter((len(ids) for ids in input_ids), dtype=np.int64,
                          count=len(input_ids))
    order = np.argsort(-lengths, kind="stable")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return order, inverse


# ----------------------------------------------------------------- prediction shortcut
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
