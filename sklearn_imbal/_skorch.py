"""Private glue between our estimators and skorch.

skorch's default iteration fetches one row at a time through ``Dataset.__getitem__``
and collates the rows again: fine for images, slow for tabular data, where a batch
is one slice of a tensor. :func:`batch_loader` keeps torch's ``DataLoader`` but hands
the dataset (a ``TensorDataset``) a whole tensor of row indices per batch, so one
batch costs one indexing operation. Shuffling draws from a ``torch.Generator`` owned by the estimator, so
the order of batches is reproducible without touching global RNG state.
"""

import math

import torch
from torch.utils.data import DataLoader, Sampler


class _IndexBatchSampler(Sampler):
    """Yield tensors of row indices, ``batch_size`` at a time (last batch smaller)."""

    def __init__(self, n_samples, batch_size, shuffle, generator):
        self.n_samples = n_samples
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def __iter__(self):
        if self.shuffle:
            order = torch.randperm(self.n_samples, generator=self.generator)
        else:
            order = torch.arange(self.n_samples)
        yield from order.split(self.batch_size)

    def __len__(self):
        return math.ceil(self.n_samples / self.batch_size)


def batch_loader(dataset, *, batch_size, shuffle=False, generator=None):
    """A ``DataLoader`` over ``dataset`` that fetches each batch with one index tensor.

    Used as skorch's ``iterator_train`` / ``iterator_valid``; skorch passes
    ``batch_size`` and any ``iterator_*__`` parameters (``shuffle``, ``generator``).
    """
    if generator is None:
        # DataLoader draws a base seed on every iteration: from the global generator
        # unless it has its own, and prediction must not move the caller's RNG.
        generator = torch.Generator()
    sampler = _IndexBatchSampler(len(dataset), batch_size, shuffle, generator)
    # batch_size=None: the sampler already yields whole batches; no collation needed.
    return DataLoader(dataset, batch_size=None, sampler=sampler, generator=generator)


def softmax(logits):
    """Prediction nonlinearity for nets trained on logits with a custom criterion.

    skorch applies softmax automatically only for ``CrossEntropyLoss``; with focal or
    logit-adjusted losses it would return raw logits from ``predict_proba``.
    """
    return torch.softmax(logits, dim=-1)
