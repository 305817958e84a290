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

import numpy as np
import torch
from scipy.special import softmax as _np_softmax
from skorch import NeuralNetClassifier

__all__ = ["LogitsClassifierMixin", "Net", "TensorBatches", "silent", "softmax", "supports_fused"]


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
    return torch.softmax(logits.float(), dim=-1)


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


def silent(*args, **kwargs):
    """A picklable sink that prints nothing (skorch callbacks default to ``print``)."""


class LogitsClassifierMixin:
    """``decision_function``, ``predict_proba`` and ``predict`` from ``self._logits(X)``.

    ``_logits`` returns float64 logits of shape (n_samples, n_classes) after checking
    that the estimator is fitted and validating ``X``. Probabilities are a float64
    softmax of them, so rows sum to one and every method ranks like the others.
    """

    def decision_function(self, X):
        """Confidence scores: log-odds of ``classes_[1]`` (binary) or logits (multiclass).

        Parameters
        ----------
        X : array-like
            Samples, as accepted by ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For a binary problem, ``log p(classes_[1]) - log p(classes_[0])``: positive
            means ``classes_[1]`` is predicted. Otherwise the logit of each class.
        """
        logits = self._logits(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits); each row sums to one.

        Parameters
        ----------
        X : array-like
            Samples, as accepted by ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns in ``classes_`` order.
        """
        return _np_softmax(self._logits(X), axis=1)

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like
            Samples, as accepted by ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, taken from ``classes_``.
        """
        logits = self._logits(X)
        return self.classes_[np.argmax(logits, axis=1)]
