"""Imbalance-aware losses for people who keep their Hugging Face ``Trainer``.

``transformers.Trainer(compute_loss_func=...)`` takes a function of the model outputs,
the labels and ``num_items_in_batch``. :func:`make_compute_loss_func` builds one from
the training labels with this library's class weights (every strategy of
:func:`~sklearn_imbal.weights.compute_class_weights`), focal loss or logit adjustment:
the usual hand-written ``Trainer`` subclass that overrides ``compute_loss``, as one call.
"""

import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .weights import compute_class_weights

__all__ = ["TrainerLoss", "make_compute_loss_func"]

# Labels the Trainer's collators use for "no label" (padding of token-level tasks).
IGNORE_INDEX = -100


class TrainerLoss:
    """A ``compute_loss_func`` for ``transformers.Trainer``: per-sample losses, summed.

    Built by :func:`make_compute_loss_func`; read that function's documentation. The
    call returns ``sum_i loss_i / num_items_in_batch`` when the Trainer passes the number
    of labelled samples of the whole accumulated batch (so gradient accumulation gives
    the gradient of one large batch), else the mean over the batch's labelled samples.

    Parameters
    ----------
    loss : {"cross_entropy", "focal", "logit_adjusted"}
        The per-sample loss.
    class_weight : ndarray of shape (n_classes,) or None
        Weight of each class (cross-entropy, focal ``alpha``); None: all ones.
    gamma : float
        Focusing parameter of the focal loss.
    log_priors : ndarray of shape (n_classes,) or None
        ``tau * log(prior)`` added to the logits by the logit-adjusted loss.

    Attributes
    ----------
    n_classes : int
        Number of classes, the width of the logits it accepts.
    """

    def __init__(self, loss, class_weight, gamma, log_priors):
        self.loss = loss
        self.class_weight = class_weight
        self.gamma = gamma
        self.log_priors = log_priors
        reference = class_weight if class_weight is not None else log_priors
        self.n_classes = None if reference is None else int(len(reference))

    def __call__(self, outputs, labels, num_items_in_batch=None):
        import torch
        import torch.nn.functional as F

        from .losses import focal_loss

        # A ModelOutput is a Mapping; a model called with return_dict=False gives a tuple.
        logits = outputs["logits"] if isinstance(outputs, Mapping) else outputs[0]
        if labels is None:
            raise ValueError(
                "compute_loss_func got labels=None: the Trainer found no 'labels' in the "
                "batch; name the label column 'labels' (or 'label') in the dataset."
            )
        logits = logits.float().reshape(-1, logits.shape[-1])  # upcast under AMP
        labels = labels.reshape(-1)
        if self.n_classes is not None and logits.shape[1] != self.n_classes:
            raise ValueError(
                f"The model outputs {logits.shape[1]} logits per sample but the loss was "
                f"built for {self.n_classes} classes; pass n_classes=model.config.num_labels "
                "to make_compute_loss_func."
            )
        keep = labels != IGNORE_INDEX
        logits, labels = logits[keep], labels[keep].long()
        weight = None
        if self.class_weight is not None:
            weight = torch.as_tensor(self.class_weight, dtype=logits.dtype, device=logits.device)
        if self.loss == "focal":
            per_sample = focal_loss(logits, labels, gamma=self.gamma, alpha=weight,
                                    reduction="none")
        else:
            if self.loss == "logit_adjusted":
                logits = logits + torch.as_tensor(self.log_priors, dtype=logits.dtype,
                                                  device=logits.device)
            per_sample = F.cross_entropy(logits, labels, weight=weight, reduction="none")
        if num_items_in_batch is None:
            return per_sample.sum() / max(int(labels.numel()), 1)
        if torch.is_tensor(num_items_in_batch):
            num_items_in_batch = num_items_in_batch.to(per_sample.device)
        return per_sample.sum() / num_items_in_batch

    def __repr__(self):
        return f"TrainerLoss(loss={self.loss!r}, n_classes={self.n_classes})"


@validate_params(
    {
        "y": ["array-like"],
        "loss": [StrOptions({"cross_entropy", "focal", "logit_adjusted"})],
        "class_weight": [StrOptions({"balanced", "effective_number"}), dict, None],
        "gamma": [Interval(numbers.Real, 0, None, closed="left")],
        "tau": [Interval(numbers.Real, None, None, closed="neither")],
        "beta": [Interval(numbers.Real, 0, 1, closed="left")],
        "n_classes": [Interval(numbers.Integral, 2, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def make_compute_loss_func(y, *, loss="cross_entropy", class_weight="balanced", gamma=2.0,
                           tau=1.0, beta=0.999, n_classes=None):
    """A ``compute_loss_func`` for ``transformers.Trainer`` from the training labels.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The training labels as the Trainer sees them: integer class ids ``0 .. K - 1``
        (the model's ``label2id`` values). They set the class weights and priors.
    loss : {"cross_entropy", "focal", "logit_adjusted"}, default="cross_entropy"
        ``"cross_entropy"``: weighted cross-entropy. ``"focal"``: the focal loss of
        :func:`~sklearn_imbal.losses.focal_loss` with the class weights as ``alpha``.
        ``"logit_adjusted"``: cross-entropy on ``logits + tau * log(prior)``
        (Menon et al. 2021), which corrects the prior itself (``class_weight`` must
        then be None); predict with the raw logits.
    class_weight : {"balanced", "effective_number"}, dict or None, default="balanced"
        Per-class weights, computed by
        :func:`~sklearn_imbal.weights.compute_class_weights` (a dict maps class ids to
        weights).
    gamma : float, default=2.0
        Focusing parameter of the focal loss.
    tau : float, default=1.0
        Strength of the logit adjustment.
    beta : float, default=0.999
        ``class_weight="effective_number"`` only: the beta of Cui et al. (2019).
    n_classes : int or None, default=None
        Number of classes of the model (``model.config.num_labels``); None: one more
        than the largest id in ``y``. A class absent from ``y`` gets weight 1 and, for
        the logit adjustment, needs to be present.

    Returns
    -------
    loss_func : TrainerLoss
        ``loss_func(outputs, labels, num_items_in_batch=None) -> loss``: the sum of the
        per-sample losses over the labelled samples (label ``-100`` is skipped) divided
        by ``num_items_in_batch`` when the Trainer gives it, which makes gradient
        accumulation exact, else by the number of labelled samples. A weighted
        cross-entropy is therefore the mean of ``w_y * loss``, not torch's
        ``CrossEntropyLoss(weight=w)``, which divides by the sum of the weights: that
        sum differs between batches and cannot be accumulated.

    See Also
    --------
    sklearn_imbal.TransformerClassifier : The same losses in a scikit-learn estimator.

    Examples
    --------
    >>> import torch
    >>> from sklearn_imbal.hf import make_compute_loss_func
    >>> y_train = [0] * 90 + [1] * 10
    >>> loss_func = make_compute_loss_func(y_train, class_weight="balanced")
    >>> loss_func.class_weight.round(3)
    array([0.556, 5.   ])
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.2]])
    >>> float(loss_func({"logits": logits}, torch.tensor([0, 1]))) > 0
    True

    With a real Trainer (``accelerate`` installed)::

        trainer = Trainer(model=model, args=args, train_dataset=train,
                          compute_loss_func=make_compute_loss_func(train["labels"]))
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] == 0:
        raise ValueError(f"y must be a non-empty 1-D array of class ids, got shape {y.shape}.")
    if y.dtype.kind not in "iub" and not (
        y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y))
    ):
        raise ValueError(
            "y must hold the integer class ids the Trainer trains on (0 .. n_classes - 1), "
            f"got values of dtype {y.dtype}; map labels to ids first, e.g. with the "
            "model's config.label2id."
        )
    y = y.astype(np.int64)
    if y.min() < 0:
        raise ValueError(f"y holds a negative class id ({int(y.min())}); ids start at 0.")
    if n_classes is None:
        n_classes = max(int(y.max()) + 1, 2)
    elif y.max() >= n_classes:
        raise ValueError(
            f"y holds the class id {int(y.max())}, but n_classes={n_classes}; pass "
            "n_classes=model.config.num_labels."
        )
    classes = np.arange(n_classes)
    counts = np.bincount(y, minlength=n_classes)
    log_priors = None
    weights = None
    if loss == "logit_adjusted":
        if class_weight is not None:
            raise ValueError(
                "loss='logit_adjusted' corrects the class prior itself; combine it with "
                "class_weight=None (or use loss='cross_entropy' / 'focal' with weights)."
            )
        if np.any(counts == 0):
            raise ValueError(
                f"loss='logit_adjusted' needs every class in y; class ids "
                f"{np.flatnonzero(counts == 0).tolist()} are absent."
            )
        log_priors = float(tau) * np.log(counts / counts.sum())
    elif class_weight is not None:
        weights = np.ones(n_classes)
        present = counts > 0
        weights[present] = compute_class_weights(y, class_weight, classes=classes[present],
                                                 beta=beta)
    return TrainerLoss(loss, weights, float(gamma), log_priors)
