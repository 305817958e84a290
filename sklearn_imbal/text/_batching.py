"""Tokenise once, pad each batch to its own longest text, batch by length.

The one padding path of the text estimators (training, prediction and embedding):
texts are tokenised once per call, without padding; :func:`pad` pads a batch on the
right to its longest sequence. :class:`TokenBatches` forms the batches:

- training (``shuffle=True``): a new random permutation each epoch is cut into
  chunks of ``bucket_size`` batches; each chunk is sorted by length and cut into
  batches, and the order of all batches is shuffled (little padding, a new mix
  every epoch);
- prediction: the dataset is built in length order (:func:`length_order`), so
  consecutive batches have near-equal lengths; the caller restores the order.
"""

import math

import numpy as np
import torch

__all__ = ["TokenBatches", "TokenDataset", "length_order", "pad", "tokenize"]


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
