"""Private glue between our estimators and skorch.

skorch iterates over whatever ``iterator_train`` / ``iterator_valid`` return for a
dataset. Its default, torch's ``DataLoader`` over skorch's ``Dataset``, fetches one
row at a time and collates the rows again: right for images decoded on the fly,
slow for tabular data, where a batch is one slice of a tensor. Even fed whole index
batches, ``DataLoader``'s per-batch machinery costs about as much as a small MLP's
forward pass (measured: ~60 us of a ~600 us step on 2 CPU cores). :class:`TensorBatches`
is therefore the whole iterator: one ``randperm`` per epoch from the estimator's own
``torch.Generator`` (reproducible, global RNG untouched) and one indexing operation
per tensor per batch, exactly what a hand-written training loop does.
"""

import inspect
import math

import torch
from skorch import NeuralNetClassifier

__all__ = ["Net", "TensorBatches", "softmax", "supports_fused"]


class Net(NeuralNetClassifier):
    """skorch's ``NeuralNetClassifier``, minus one per-batch cost. Private, never public.

    skorch calls ``_set_training`` before every batch, and ``nn.Module.train`` walks
    every submodule through ``__setattr__``: about 5% of a small MLP's step. This
    skips the call when every submodule of the module and criterion is already in
    the requested mode (reading the flags is much cheaper than setting them). Every
    submodule is checked: a wrapped Hugging Face model arrives in eval mode inside a
    wrapper in train mode.
    """

    def _set_training(self, training=True):
        modules = [getattr(self, name + "_") for name in self._modules + self._criteria]
        if all(
            submodule.training == training
            for module in modules
            if isinstance(module, torch.nn.Module)
            for submodule in module.modules()
        ):
            return
        super()._set_training(training)


class TensorBatches:
    """Iterate over a ``TensorDataset`` in batches of ``batch_size`` rows.

    Used as skorch's ``iterator_train`` / ``iterator_valid``: skorch calls it with the
    dataset, ``batch_size`` and the ``iterator_*__`` parameters (``shuffle``,
    ``generator``) and iterates over the result once per epoch.

    Parameters
    ----------
    dataset : torch.utils.data.TensorDataset
        The tensors to batch; each batch is ``tuple(t[index] for t in tensors)``.
    batch_size : int
        Rows per batch; the last batch of an epoch may be smaller.
    shuffle : bool, default=False
        Visit the rows in a new random order each epoch.
    generator : torch.Generator or None, default=None
        Source of the shuffling order.
    """

    def __init__(self, dataset, *, batch_size, shuffle=False, generator=None):
        self.tensors = dataset.tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self):
        return math.ceil(self.tensors[0].shape[0] / self.batch_size)

    def __iter__(self):
        n_samples = self.tensors[0].shape[0]
        if not self.shuffle:
            for start in range(0, n_samples, self.batch_size):
                yield tuple(t[start:start + self.batch_size] for t in self.tensors)
            return
        order = torch.randperm(n_samples, generator=self.generator)
        order = order.to(self.tensors[0].device)
        for index in order.split(self.batch_size):
            yield tuple(t[index] for t in self.tensors)


def softmax(logits):
    """Prediction nonlinearity for nets trained on logits with a custom criterion.

    skorch applies softmax automatically only for ``CrossEntropyLoss``; with focal or
    logit-adjusted losses it would return raw logits from ``predict_proba``.
    """
    return torch.softmax(logits, dim=-1)


def supports_fused(optimizer, device):
    """Whether ``optimizer`` is a torch optimizer with a fused kernel for ``device``.

    torch's Adam, AdamW, SGD and Adagrad take ``fused=True`` (one kernel for the whole
    update instead of a loop over parameters, ~15% of a small MLP's step on a CPU).
    Third-party optimizers are left as they are.
    """
    if not optimizer.__module__.startswith("torch.optim"):
        return False
    if "fused" not in inspect.signature(optimizer).parameters:
        return False
    try:
        from torch.optim.optimizer import _get_fused_kernels_supported_devices
    except ImportError:  # pragma: no cover - older torch
        return device.type == "cuda"
    return device.type in _get_fused_kernels_supported_devices()
