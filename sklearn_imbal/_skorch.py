"""Private glue between our estimators and skorch.

The one base class of our skorch classifiers (:class:`SkorchClassifierBase`: the
``fit`` they share), the ``Net`` they build, tensor batching, and the prediction
methods computed from logits.
"""

import inspect
import math
from collections.abc import Mapping
from contextlib import nullcontext
from copy import deepcopy
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import softmax as _np_softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import get_scorer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping
from skorch.dataset import unpack_data
from torch.nn.parallel import DistributedDataParallel

from .losses import FocalLoss, LogitAdjustedLoss
from .utils._distributed import (
    agree_with_main,
    broadcast_seed,
    check_same_data,
    data_parallel_device,
    process_group,
    shard_rows,
)
from .utils._torch import resolve_device, torch_seed
from .utils._validation import (
    check_labels,
    draw_seed,
    encode_classification_target,
    validation_split,
)
from .weights import compute_class_weights

__all__ = [
    "LogitsClassifierMixin",
    "Net",
    "ScoreEarlyStopping",
    "SkorchClassifierBase",
    "TensorBatches",
    "silent",
    "softmax",
    "best_epoch",
    "improves",
    "supports_fused",
    "unwrapped",
]

# The relative change of the validation score (or, on a tie, loss) that counts as an
# improvement (skorch's EarlyStopping default).
_IMPROVEMENT_THRESHOLD = 1e-4


# Our modules have no buffers that training changes (LayerNorm, not BatchNorm):
# synchronising them before every forward would cost a collective per batch. torch 2.13
# renamed DDP's ``broadcast_buffers`` to ``forward_sync_buffers``.
_NO_BUFFER_SYNC = (
    {"forward_sync_buffers": False}
    if "forward_sync_buffers" in inspect.signature(DistributedDataParallel).parameters
    else {"broadcast_buffers": False}
)


def unwrapped(module):
    """``module`` without its ``DistributedDataParallel`` wrapper, if it has one."""
    return module.module if isinstance(module, DistributedDataParallel) else module


def _take_rows(X, start, stop):
    """Rows ``start:stop`` of a batch (a tensor or a dict of tensors); with an
    ``attention_mask``, the padding columns no kept row needs are dropped too."""
    if not isinstance(X, Mapping):
        return X[start:stop]
    rows = {key: value[start:stop] for key, value in X.items()}
    mask = rows.get("attention_mask")
    if mask is not None and mask.ndim == 2 and mask.shape[1]:
        width = int(mask.any(dim=0).nonzero().max()) + 1 if mask.any() else mask.shape[1]
        rows = {key: value[:, :width] if value.shape == mask.shape else value
                for key, value in rows.items()}
    return rows


class Net(NeuralNetClassifier):
    """skorch's ``NeuralNetClassifier``, minus one per-batch cost, plus data parallelism.
    Private, never public.

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

    # ------------------------------------------------------------ data parallelism
    # Set by SkorchClassifierBase (see sklearn_imbal.utils._distributed for the design):
    # ``(rank, world_size)`` while training data-parallel, else None; and whether DDP must
    # look for parameters that a forward pass does not use (a pooled head on an encoder
    # whose own pooler goes unused).
    data_parallel_group = None
    find_unused_parameters = False

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        if self.data_parallel_group is not None:
            device = torch.device(self.device)
            self.module_ = DistributedDataParallel(
                self.module_, device_ids=[device] if device.type == "cuda" else None,
                find_unused_parameters=self.find_unused_parameters, **_NO_BUFFER_SYNC)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        self.release_data_parallel()

    def release_data_parallel(self):
        """Unwrap the module: the fitted net predicts, pickles and saves as one process's."""
        self.module_ = unwrapped(self.module_)
        self.data_parallel_group = None

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_end(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                             **kwargs)
        if self.data_parallel_group is None:
            return
        # Each process recorded its part of every batch's loss (see batch_loss): their
        # sum, one collective per epoch, is the loss of the global batch.
        import torch.distributed as dist

        batches = [batch for batch in self.history[-1]["batches"] if "train_loss" in batch]
        parts = torch.tensor([batch["train_loss"] for batch in batches], dtype=torch.float64,
                             device=torch.device(self.device))
        dist.all_reduce(parts)
        for batch, loss in zip(batches, parts.tolist()):
            batch["train_loss"] = loss

    def gradient_sync(self, sync):
        """Context of a micro-batch's forward and backward: ``no_sync`` unless ``sync``."""
        if sync or not isinstance(self.module_, DistributedDataParallel):
            return nullcontext()
        return self.module_.no_sync()

    def _loss_normaliser(self, y):
        """What the criterion divides a batch's summed loss by: the row count, or the
        sum of the rows' class weights for a weighted cross-entropy."""
        criterion = self.criterion_
        weight = getattr(criterion, "weight", None)
        if isinstance(criterion, torch.nn.CrossEntropyLoss) and weight is not None:
            return float(weight.to(y.device)[y].sum())
        return float(len(y))

    def batch_loss(self, batch, **fit_params):
        """``(loss to backpropagate, loss to record, predictions)`` of a training batch.

        In one process both losses are the batch's. Data-parallel, this process keeps
        its contiguous share of the batch's rows and its loss is weighted by its share
        of the batch's normaliser: the parts of all processes sum to the global batch's
        loss (recorded, summed at the epoch's end), and the loss to backpropagate is
        that part times the number of processes, which DDP's averaging divides out.
        """
        Xi, yi = unpack_data(batch)
        if self.data_parallel_group is None:
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
            return loss, loss.detach(), y_pred
        rank, world_size = self.data_parallel_group
        yi = torch.as_tensor(yi)
        start, stop = shard_rows(len(yi), rank, world_size)
        total = self._loss_normaliser(yi)
        share = self._loss_normaliser(yi[start:stop]) / total if stop > start and total else 0.0
        if not share:
            # Nothing to learn from here, but every process must join the all-reduce:
            # one row, weighted 0.
            start, stop = 0, 1
        Xs, ys = _take_rows(Xi, start, stop), yi[start:stop]
        y_pred = self.infer(Xs, **fit_params)
        if share:
            part = self.get_loss(y_pred, ys, X=Xs, training=True) * share
        else:
            part = y_pred.float().sum() * 0.0
        return part * world_size, part.detach(), y_pred

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        loss, recorded, y_pred = self.batch_loss(batch, **fit_params)
        loss.backward()
        return {"loss": recorded, "y_pred": y_pred}

    # skorch pickles the fitted ``module_`` / ``criterion_`` through torch, with a
    # ``map_location`` on loading, so that a CUDA-trained net loads where there is no GPU.
    # We pass those as instances, and skorch keeps each also under its parameter name
    # (``module``, ``criterion``): the very same object, which plain pickling would store
    # a second time, with its CUDA storages, and which then fails to load on a CPU-only
    # machine. The parameter is pickled as a reference to its fitted twin instead.
    _SHARED_KEY = "_sklearn_imbal_shared_with_fitted"

    def __getstate__(self):
        state = super().__getstate__()
        shared = [name for name in self._modules + self._criteria
                  if state.get(name) is not None
                  and state[name] is self.__dict__.get(name + "_")]
        for name in shared:
            state[name] = None
        state[self._SHARED_KEY] = shared
        return state

    def __setstate__(self, state):
        shared = state.pop(self._SHARED_KEY, [])
        super().__setstate__(state)
        for name in shared:
            setattr(self, name, getattr(self, name + "_"))


class TensorBatches:
    """Iterate over a ``TensorDataset`` in batches of ``batch_size`` rows.

    Used as skorch's ``iterator_train`` / ``iterator_valid``: skorch calls it with the
    dataset, ``batch_size`` and the ``iterator_*__`` parameters (``shuffle``,
    ``generator``) and iterates over the result once per epoch.

    skorch's default, torch's ``DataLoader`` over skorch's ``Dataset``, fetches one
    row at a time and collates the rows again: right for images decoded on the fly,
    slow for tabular data, where a batch is one slice of a tensor. Even fed whole index
    batches, ``DataLoader``'s per-batch machinery costs about as much as a small MLP's
    forward pass (measured: ~60 us of a ~600 us step on 2 CPU cores). This is
    therefore the whole iterator: one ``randperm`` per epoch from the estimator's own
    ``torch.Generator`` (reproducible, global RNG untouched) and one indexing operation
    per tensor per batch, exactly what a hand-written training loop does.

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


def improves(score, loss, best_score, best_loss):
    """Whether an epoch's validation ``(score, loss)`` improves on the best so far.

    The score (greater is better) must rise by more than a relative 1e-4; when it only
    ties (stays at least as high), the loss must fall by more than a relative 1e-4.
    Scores of a small validation split are coarse: average precision on the three
    minority rows of a small data set is often exactly 1 after a few epochs of a barely
    trained network, and stopping there would keep it. The loss, smooth, breaks the tie.
    """
    if score > best_score + _IMPROVEMENT_THRESHOLD * abs(best_score):
        return True
    return score >= best_score and loss < best_loss - _IMPROVEMENT_THRESHOLD * abs(best_loss)


def best_epoch(scores, losses):
    """The 1-based epoch that :func:`improves` last, i.e. the one early stopping keeps."""
    best = 0
    for epoch in range(1, len(scores)):
        if improves(scores[epoch], losses[epoch], scores[best], losses[best]):
            best = epoch
    return best + 1


class ScoreEarlyStopping(EarlyStopping):
    """skorch's ``EarlyStopping`` on ``valid_score``, a tie broken by ``valid_loss``.

    An epoch improves as :func:`improves` says; after ``patience`` epochs without
    improvement training stops, and the best epoch's weights are restored
    (``load_best``, skorch's ``on_train_end``). Build it with ``monitor="valid_score"``
    and ``lower_is_better=False`` so that skorch's own messages read right.
    """

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_score_ = self.best_loss_ = None

    def on_epoch_end(self, net, **kwargs):
        score, loss = net.history[-1, "valid_score"], net.history[-1, "valid_loss"]
        if net.data_parallel_group is not None:
            # Every process scored the same split with the same weights; rank 0's values
            # decide for all, so that no process stops alone (the others would hang).
            score, loss = agree_with_main([score, loss], torch.device(net.device))
            net.history.record("valid_score", score)
            net.history.record("valid_loss", loss)
        if self.best_score_ is None or improves(score, loss, self.best_score_, self.best_loss_):
            self.best_score_, self.best_loss_ = score, loss
            self.misses_ = 0
            self.best_epoch_ = net.history[-1, "epoch"]
            if self.load_best:
                self.best_model_weights_ = deepcopy(unwrapped(net.module_).state_dict())
        else:
            self.misses_ += 1
        if self.misses_ == self.patience:
            self._sink(f"Stopping since valid_score has not improved in the last "
                       f"{self.patience} epochs.", verbose=net.verbose)
            raise KeyboardInterrupt


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


class SkorchClassifierBase(LogitsClassifierMixin, ClassifierMixin, BaseEstimator):
    """The ``fit`` shared by our skorch classifiers, with hooks for what differs. Private.

    ``fit`` validates the data, encodes the labels (``classes_``), turns
    ``class_weight`` into ``class_weight_``, resolves ``device_``, draws one seed from
    ``random_state``, holds out a stratified validation split only when asked, and
    then, inside :func:`~sklearn_imbal.utils._torch.torch_seed`, builds the module,
    the loss and the skorch net (``net_``) and trains it; the net's history gives
    ``n_iter_``, ``loss_curve_``, ``validation_loss_curve_``, ``validation_scores_``
    and ``best_epoch_``. With ``data_parallel`` under a launcher, the net trains with
    DDP across the processes (design: :mod:`sklearn_imbal.utils._distributed`).

    Subclasses are flat scikit-learn estimators: they declare the parameters read
    here (``loss``, ``gamma``, ``tau``, ``class_weight``, ``lr``, ``max_epochs``,
    ``batch_size``, ``weight_decay``, ``validation_fraction``, ``early_stopping``,
    ``n_iter_no_change``, ``scoring``, ``device``, ``data_parallel``, ``random_state``,
    ``verbose``),
    decorate their ``fit`` with ``fit_context`` (``utils._sklearn``) and call
    :meth:`_fit`, and define

    - ``_validate_fit_data(X, y) -> (X, y)``: check the samples, ``y`` as an array;
    - ``_prepare_training(X, y_encoded, train_idx, valid_idx) -> (module, train,
      valid)``: the torch module and the skorch datasets (``valid`` is None when
      ``valid_idx`` is), called with torch seeded;
    - ``_logits(X)``, for :class:`LogitsClassifierMixin`;

    and may change ``_net_class`` and ``_iterator`` (the net and the batch iterator),
    ``_optimizer_class()``, ``_callbacks(valid)``, ``_net_params(train)`` (further
    net keyword arguments) and ``_configure_net(net, train)`` (set after building).
    """

    # The constraints of the parameters read here; subclasses add their own.
    _training_constraints = {
        "loss": [StrOptions({"focal", "cross_entropy", "logit_adjusted"})],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "tau": [Interval(Real, None, None, closed="neither")],
        "class_weight": [StrOptions({"balanced", "effective_number"}), dict, None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "scoring": [str, None],
        "device": [str, torch.device],
        "data_parallel": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    _net_class = Net
    _iterator = TensorBatches

    def _fit(self, X, y):
        check_labels(y, allow_column=True)
        X, y = self._validate_fit_data(X, y)
        self.classes_, y_encoded = encode_classification_target(y, type(self).__name__)
        if self.loss == "logit_adjusted" and self.class_weight is not None:
            raise ValueError(
                "loss='logit_adjusted' corrects the class prior itself; combine it with "
                "class_weight=None (or use loss='cross_entropy' / 'focal' with weights)."
            )
        get_scorer(self._scoring())  # an unknown scorer name fails now, not after an epoch
        self.class_weight_ = compute_class_weights(y, self.class_weight, classes=self.classes_)
        self.device_ = resolve_device(self.device)
        group = process_group(self.device_) if self.data_parallel else None
        rng = check_random_state(self.random_state)
        if group is not None:
            self.device_ = data_parallel_device(self.device_)
            check_same_data(len(y_encoded), y_encoded, self.device_, type(self).__name__)
            if not isinstance(self.random_state, Integral):
                # Every process must draw the same batches and the same split.
                rng = check_random_state(broadcast_seed(draw_seed(rng), self.device_))
        seed = draw_seed(rng)
        train_idx, valid_idx = validation_split(
            y_encoded, self.validation_fraction, self.early_stopping, rng)

        with torch_seed(seed, self.device_):
            module, train, valid = self._prepare_training(X, y_encoded, train_idx, valid_idx)
            self.net_ = self._build_net(module, self._criterion(y_encoded), train, valid, seed,
                                        data_parallel_group=group)
            try:
                self.net_.fit(train, y=None)
            finally:
                self.net_.release_data_parallel()  # also when training fails
        self._read_history(validated=valid is not None)
        return self

    def _scoring(self):
        """The validation scorer's name: ``scoring``, or the imbalance-aware default."""
        if self.scoring is not None:
            return self.scoring
        return "average_precision" if len(self.classes_) == 2 else "f1_macro"

    def _criterion(self, y_encoded):
        """The training loss for ``loss``, weighted by ``class_weight_``."""
        weights = torch.as_tensor(self.class_weight_, dtype=torch.float32)
        if self.loss == "focal":
            return FocalLoss(gamma=self.gamma, alpha=weights)
        if self.loss == "logit_adjusted":
            priors = np.bincount(y_encoded, minlength=len(self.classes_))
            return LogitAdjustedLoss(priors, tau=self.tau)
        return torch.nn.CrossEntropyLoss(weight=None if self.class_weight is None else weights)

    def _optimizer_class(self):
        return torch.optim.AdamW

    def _callbacks(self, valid):
        """Validation scoring each epoch and early stopping on it, when a split is held out."""
        from skorch.callbacks import EpochScoring

        if valid is None:
            return []
        callbacks = [("valid_score", EpochScoring(
            self._scoring(), lower_is_better=False, name="valid_score", use_caching=True))]
        if self.early_stopping:
            callbacks.append(("early_stopping", ScoreEarlyStopping(
                monitor="valid_score", lower_is_better=False, patience=self.n_iter_no_change,
                load_best=True, sink=print if self.verbose else silent)))
        return callbacks

    def _net_params(self, train):
        return {}

    def _configure_net(self, net, train):
        pass

    def _build_net(self, module, criterion, train, valid, seed, data_parallel_group=None):
        from skorch.helper import predefined_split

        optimizer = self._optimizer_class()
        params = {
            "optimizer__weight_decay": self.weight_decay,
            # Accuracy misleads under imbalance; the validation score replaces it.
            "callbacks__valid_acc": None,
        }
        if supports_fused(optimizer, self.device_):
            params["optimizer__fused"] = True
        if not self.verbose:
            # Default callbacks that would do nothing still run on every batch.
            params["callbacks__print_log"] = None
        if valid is None:
            params["callbacks__valid_loss"] = None
        net = self._net_class(
            module=module,
            criterion=criterion,
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=None if valid is None else predefined_split(valid),
            iterator_train=self._iterator,
            iterator_train__shuffle=True,
            iterator_train__generator=torch.Generator().manual_seed(seed),
            iterator_valid=self._iterator,
            callbacks=self._callbacks(valid),
            # Without this, skorch returns raw logits from predict_proba for any
            # criterion other than CrossEntropyLoss.
            predict_nonlinearity=softmax,
            device=self.device_,
            verbose=self.verbose,
            **params,
            **self._net_params(train),
        )
        net.data_parallel_group = data_parallel_group
        self._configure_net(net, train)
        return net

    def _read_history(self, validated):
        """``n_iter_``, the loss and validation curves and ``best_epoch_`` from ``net_``."""
        history = self.net_.history
        self.n_iter_ = len(history)
        self.loss_curve_ = np.asarray(history[:, "train_loss"] if history else [],
                                      dtype=np.float64)
        self.validation_loss_curve_ = self.validation_scores_ = self.best_epoch_ = None
        if not validated:
            return
        self.validation_loss_curve_ = np.asarray(history[:, "valid_loss"], dtype=np.float64)
        self.validation_scores_ = np.asarray(history[:, "valid_score"], dtype=np.float64)
        # With early stopping, the epoch whose weights were restored.
        self.best_epoch_ = best_epoch(self.validation_scores_, self.validation_loss_curve_)

    def __setstate__(self, state):
        super().__setstate__(state)
        net = state.get("net_")
        if net is not None:
            # skorch maps a CUDA-trained net to the CPU when no GPU is present at load
            # time; keep device_ true to where the weights now are.
            self.device_ = torch.device(net.device)
