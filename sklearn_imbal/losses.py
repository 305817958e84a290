r"""Losses for imbalanced classification, in pure torch: focal and logit-adjusted.

The definitions and the numerical choices are in the Notes of :func:`focal_loss` and
:class:`LogitAdjustedLoss`; nothing here imports scikit-learn.
"""

import math
import numbers

import torch
import torch.nn.functional as F

__all__ = ["focal_loss", "FocalLoss", "LogitAdjustedLoss"]

_REDUCTIONS = ("mean", "sum", "none")
_HALF_DTYPES = (torch.float16, torch.bfloat16)


def _check_gamma(gamma):
    """Return ``gamma`` as a float after checking it is a finite number >= 0."""
    if isinstance(gamma, bool) or not isinstance(gamma, (numbers.Real, torch.Tensor)):
        raise TypeError(
            f"gamma must be a real number >= 0, got {gamma!r} of type {type(gamma).__name__}."
        )
    if isinstance(gamma, torch.Tensor):
        if gamma.numel() != 1:
            raise ValueError(f"gamma must be a scalar, got a tensor of shape {tuple(gamma.shape)}.")
        gamma = gamma.item()
    gamma = float(gamma)
    if not (math.isfinite(gamma) and gamma >= 0):
        raise ValueError(
            f"gamma must be a finite number >= 0, got {gamma!r}; use gamma=0 for the cross "
            "entropy and e.g. gamma=2 (the value of Lin et al.) to focus on hard samples."
        )
    return gamma


def _check_reduction(reduction):
    if not (isinstance(reduction, str) and reduction in _REDUCTIONS):
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, _REDUCTIONS))}, got {reduction!r}."
        )
    return reduction


def _as_class_vector(values, name, *, n_classes=None, dtype=None, device=None):
    """Convert per-class ``values`` to a 1-D floating tensor and check its values.

    Values of a tensor that lives on an accelerator are not inspected, to avoid a device
    synchronisation at every call; only its shape is checked.
    """
    if isinstance(values, torch.Tensor):
        tensor = values
        if not (tensor.is_floating_point() or tensor.dtype in (torch.int32, torch.int64)):
            raise TypeError(f"{name} must hold real numbers, got a tensor of dtype {tensor.dtype}.")
    else:
        try:
            tensor = torch.as_tensor(values, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise TypeError(
                f"{name} must be a 1-D sequence or tensor of real numbers, one per class, "
                f"got {values!r}."
            ) from exc
    if tensor.ndim != 1 or tensor.numel() == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence with one value per class, got shape "
            f"{tuple(tensor.shape)}."
        )
    if n_classes is not None and tensor.numel() != n_classes:
        raise ValueError(
            f"{name} has {tensor.numel()} values but the logits have {n_classes} classes "
            f"(columns); pass one {name} value per class, in the order of the logit columns."
        )
    if tensor.device.type == "cpu" and not bool(torch.isfinite(tensor).all()):
        raise ValueError(f"{name} must hold finite values, got {values!r}.")
    if dtype is not None or device is not None:
        tensor = tensor.to(dtype=dtype, device=device)
    return tensor


def _check_logits_target(logits, target):
    """Check shapes and dtypes; return float logits (upcast if half) and int64 targets."""
    if not isinstance(logits, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise TypeError(
            "logits and target must be torch tensors, got "
            f"{type(logits).__name__} and {type(target).__name__}."
        )
    if logits.ndim != 2:
        raise ValueError(
            f"logits must be 2-D of shape (n_samples, n_classes), got shape "
            f"{tuple(logits.shape)}; for a binary problem pass two logits per sample, e.g. "
            "torch.stack([-z, z], dim=1) / 2 for a single logit z."
        )
    if not logits.is_floating_point():
        raise TypeError(f"logits must be a floating point tensor, got dtype {logits.dtype}.")
    if target.ndim != 1:
        raise ValueError(
            f"target must be 1-D of shape (n_samples,) holding class indices, got shape "
            f"{tuple(target.shape)}; for one-hot targets pass target.argmax(dim=1)."
        )
    if target.shape[0] != logits.shape[0]:
        raise ValueError(
            f"logits and target must have the same number of samples, got {logits.shape[0]} "
            f"logit rows and {target.shape[0]} targets."
        )
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(
            f"target must hold integer class indices in [0, n_classes), got dtype "
            f"{target.dtype}; convert it with target.long()."
        )
    if logits.dtype in _HALF_DTYPES:
        logits = logits.float()
    return logits, target.long()


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def focal_loss(logits, target, gamma=2.0, alpha=None, reduction="mean"):
    r"""Multiclass softmax focal loss.

    The loss of sample ``i`` is ``-alpha[y_i] * (1 - p_i)**gamma * log(p_i)`` where ``p_i`` is
    the softmax probability of its target class ``y_i``, computed from
    ``torch.log_softmax(logits, dim=-1)``.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_classes)
        Unnormalised scores. Binary problems use two columns. float16 and bfloat16 logits are
        upcast to float32.

    target : torch.Tensor of shape (n_samples,)
        Integer class indices in ``[0, n_classes)``.

    gamma : float, default=2.0
        Focusing parameter, ``>= 0``. ``gamma=0`` gives the (``alpha``-weighted) cross
        entropy; larger values down-weight well classified samples more.

    alpha : sequence of float or torch.Tensor of shape (n_classes,), default=None
        Weight of each class, applied to every sample of that class. ``None`` weights all
        classes by one. It is moved to the device and dtype of the computation.

    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the weighted per-sample losses over the samples (dividing by
        ``n_samples``, as in the focal loss paper; ``F.cross_entropy(weight=...)`` divides by
        the sum of the weights instead), ``"sum"`` adds them and ``"none"`` returns them.

    Returns
    -------
    loss : torch.Tensor
        A scalar, or a tensor of shape (n_samples,) with ``reduction="none"``. Its dtype is
        float32 for float16, bfloat16 and float32 logits and float64 for float64 logits.

    See Also
    --------
    FocalLoss : The same loss as a :class:`torch.nn.Module`.

    Notes
    -----
    For logits :math:`z \in \mathbb{R}^{N \times K}` and integer targets :math:`y`, the
    softmax focal loss of Lin et al. (2017) for sample :math:`i` is

    .. math::

        \ell_i = -\alpha_{y_i} \, (1 - p_{i, y_i})^{\gamma} \, \log p_{i, y_i},
        \qquad \log p_{i, \cdot} = \operatorname{log\_softmax}(z_i).

    Binary problems use two logits per sample. ``gamma=0`` and no ``alpha`` give the
    cross entropy; ``gamma > 0`` shrinks the loss of well classified samples (large
    :math:`p_{i, y_i}`) much more than the loss of badly classified ones.

    Design:

    - Numerical stability. :math:`\log p_{y}` is gathered from ``torch.log_softmax``, never
      computed as ``log(softmax(z))``, and :math:`1 - p_y` as ``-expm1(log p_y)``, which is never
      negative. The modulating factor is ``exp(gamma * log(1 - p_y))`` with :math:`1 - p_y`
      clamped below at the smallest normal number of the dtype: its gradient stays finite when
      :math:`p_y = 1` exactly (as happens for logits such as ``[100, -100]``), also for
      ``0 < gamma < 1`` where :math:`d(1 - p)^{\gamma} / dp` is infinite at :math:`p = 1`.
      :math:`p_y` is never recovered from a reduced or class-weighted cross entropy
      (``exp(-F.cross_entropy(...))``), a common bug that mixes up the samples of a batch.
    - Precision. float16 and bfloat16 logits are upcast to float32 and the loss is returned in
      float32; float32 and float64 logits are used as they are.
    - ``alpha`` is a per-class weight :math:`\alpha_k` (``None``: all ones), applied to each
      sample through its target class. It is not required to sum to one.
    - ``reduction="mean"`` is the plain mean over the samples of the weighted losses,
      :math:`\frac{1}{N} \sum_i \ell_i`, as in the focal loss paper. This differs from
      ``F.cross_entropy(weight=alpha)``, which divides by :math:`\sum_i \alpha_{y_i}`;
      ``"sum"`` gives :math:`\sum_i \ell_i` and ``"none"`` the vector of :math:`\ell_i`.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollar, "Focal Loss for Dense
       Object Detection", ICCV 2017, https://arxiv.org/abs/1708.02002

    Examples
    --------
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from sklearn_imbal.losses import focal_loss
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.3], [-1.0, 3.0]])
    >>> target = torch.tensor([0, 1, 1])

    With ``gamma=0`` the focal loss is the cross entropy:

    >>> focal_loss(logits, target, gamma=0.0)
    tensor(0.2883)
    >>> F.cross_entropy(logits, target)
    tensor(0.2883)

    With ``gamma=2`` the two confident, correct samples contribute almost nothing:

    >>> focal_loss(logits, target, gamma=2.0, reduction="none")
    tensor([1.0928e-04, 2.4129e-01, 5.8716e-06])
    >>> focal_loss(logits, target, gamma=2.0, alpha=[0.25, 0.75], reduction="sum")
    tensor(0.1810)
    """
    gamma = _check_gamma(gamma)
    _check_reduction(reduction)
    logits, target = _check_logits_target(logits, target)
    if alpha is not None:
        alpha = _as_class_vector(
            alpha, "alpha", n_classes=logits.shape[1], dtype=logits.dtype, device=logits.device
        )
    return _focal_loss(logits, target, gamma, alpha, reduction)


def _focal_loss(logits, target, gamma, alpha, reduction):
    """The focal loss on checked inputs (``alpha`` a tensor or None): no validation here."""
    log_p = torch.log_softmax(logits, dim=-1).gather(1, target.unsqueeze(1)).squeeze(1)
    loss = -log_p
    if gamma > 0:
        # 1 - p >= 0, clamped so that log() and its gradient stay finite when p == 1.
        one_minus_p = (-torch.expm1(log_p)).clamp_min(torch.finfo(log_p.dtype).tiny)
        loss = torch.exp(gamma * torch.log(one_minus_p)) * loss
    if alpha is not None:
        loss = alpha.to(dtype=loss.dtype, device=loss.device)[target] * loss
    return _reduce(loss, reduction)


class FocalLoss(torch.nn.Module):
    """Multiclass softmax focal loss as a module.

    Calls :func:`focal_loss`; read it for the formula and the numerical details.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``. ``gamma=0`` gives the (``alpha``-weighted) cross
        entropy.

    alpha : sequence of float or torch.Tensor of shape (n_classes,), default=None
        Weight of each class. ``None`` weights all classes by one.

    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the weighted per-sample losses over the samples, ``"sum"`` adds
        them and ``"none"`` returns them.

    Attributes
    ----------
    alpha : torch.Tensor of shape (n_classes,) or None
        The class weights, a registered buffer: ``.to(device)`` moves it and it is saved in
        the ``state_dict``. Stored in the default floating dtype (float32 unless changed).

    See Also
    --------
    focal_loss : The functional form.
    sklearn_imbal.compute_class_weights : Class weights to use as ``alpha``.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollar, "Focal Loss for Dense
       Object Detection", ICCV 2017, https://arxiv.org/abs/1708.02002

    Examples
    --------
    >>> import torch
    >>> from sklearn_imbal.losses import FocalLoss
    >>> criterion = FocalLoss(gamma=2.0, alpha=[0.25, 0.75])
    >>> criterion
    FocalLoss(gamma=2.0, reduction='mean')
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.3], [-1.0, 3.0]])
    >>> criterion(logits, torch.tensor([0, 1, 1]))
    tensor(0.0603)
    >>> dict(criterion.state_dict())  # alpha is a buffer: saved, moved with .to(device)
    {'alpha': tensor([0.2500, 0.7500])}
    """

    def __init__(self, gamma=2.0, alpha=None, reduction="mean"):
        super().__init__()
        self.gamma = _check_gamma(gamma)
        self.reduction = _check_reduction(reduction)
        if alpha is not None:
            alpha = _as_class_vector(alpha, "alpha").to(torch.get_default_dtype())
        self.register_buffer("alpha", alpha)

    def forward(self, logits, target):
        """Compute the focal loss of ``logits`` against ``target``.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_samples, n_classes)
            Unnormalised scores.

        target : torch.Tensor of shape (n_samples,)
            Integer class indices.

        Returns
        -------
        loss : torch.Tensor
            A scalar, or a tensor of shape (n_samples,) with ``reduction="none"``.
        """
        # gamma, reduction and alpha's values were checked once, in __init__: a training
        # step pays only for the shape checks.
        logits, target = _check_logits_target(logits, target)
        if self.alpha is not None and self.alpha.shape[0] != logits.shape[1]:
            raise ValueError(
                f"alpha has {self.alpha.shape[0]} values but the logits have "
                f"{logits.shape[1]} classes (columns); pass one alpha value per class, in "
                "the order of the logit columns."
            )
        return _focal_loss(logits, target, self.gamma, self.alpha, self.reduction)

    def extra_repr(self):
        return f"gamma={self.gamma!r}, reduction={self.reduction!r}"


class LogitAdjustedLoss(torch.nn.Module):
    """Logit-adjusted cross entropy for training on imbalanced classes.

    The loss is ``F.cross_entropy(logits + tau * log(class_priors), target)``. Adding the
    log-priors during training only, and predicting with the raw ``logits``, removes the
    prior from the learned scores: the argmax of the raw logits then targets the balanced
    error (the mean of the per-class errors) instead of the plain error, which favours the
    majority classes.

    Parameters
    ----------
    class_priors : sequence of float or torch.Tensor of shape (n_classes,)
        Positive class frequencies, such as the class counts of the training set or their
        proportions; they are normalised to sum to one.

    tau : float, default=1.0
        Strength of the adjustment. ``tau=0`` gives the plain cross entropy and ``tau=1`` is
        the value derived by Menon et al.

    reduction : {"mean", "sum", "none"}, default="mean"
        Reduction of :func:`torch.nn.functional.cross_entropy`.

    Attributes
    ----------
    log_priors : torch.Tensor of shape (n_classes,)
        Logarithm of the normalised priors, a registered buffer (moved by ``.to`` and saved in
        the ``state_dict``).

    See Also
    --------
    FocalLoss : Down-weights well classified samples instead of shifting the logits.

    References
    ----------
    .. [1] A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and S. Kumar,
       "Long-tail learning via logit adjustment", ICLR 2021,
       https://arxiv.org/abs/2007.07314

    Examples
    --------
    >>> import torch
    >>> from sklearn_imbal.losses import LogitAdjustedLoss
    >>> criterion = LogitAdjustedLoss(class_priors=[90, 10])
    >>> criterion
    LogitAdjustedLoss(tau=1.0, reduction='mean')
    >>> criterion.log_priors.exp()
    tensor([0.9000, 0.1000])

    A model that scores both classes equally is at the optimum of the logit-adjusted loss
    when the labels follow the priors, so its raw logits do not favour the majority class:

    >>> logits = torch.zeros(10, 2, requires_grad=True)
    >>> target = torch.tensor([0] * 9 + [1])
    >>> criterion(logits, target).backward()
    >>> logits.grad.sum(dim=0)
    tensor([0., 0.])
    """

    def __init__(self, class_priors, tau=1.0, reduction="mean"):
        super().__init__()
        if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or not math.isfinite(tau):
            raise ValueError(f"tau must be a finite real number, got {tau!r}.")
        self.tau = float(tau)
        self.reduction = _check_reduction(reduction)
        priors = _as_class_vector(class_priors, "class_priors").to(
            dtype=torch.float64, device="cpu"
        )
        if not bool((priors > 0).all()):
            raise ValueError(
                f"class_priors must all be > 0, got {class_priors!r}; every class needs a "
                "positive prior (e.g. its count in the training set)."
            )
        log_priors = torch.log(priors / priors.sum())
        self.register_buffer("log_priors", log_priors.to(torch.get_default_dtype()))

    def forward(self, logits, target):
        """Compute the cross entropy of the adjusted ``logits`` against ``target``.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_samples, n_classes)
            Unnormalised scores, before the adjustment. float16 and bfloat16 logits are
            upcast to float32.

        target : torch.Tensor of shape (n_samples,)
            Integer class indices.

        Returns
        -------
        loss : torch.Tensor
            A scalar, or a tensor of shape (n_samples,) with ``reduction="none"``.
        """
        logits, target = _check_logits_target(logits, target)
        if logits.shape[1] != self.log_priors.shape[0]:
            raise ValueError(
                f"class_priors has {self.log_priors.shape[0]} values but the logits have "
                f"{logits.shape[1]} classes (columns)."
            )
        shift = self.tau * self.log_priors.to(dtype=logits.dtype, device=logits.device)
        return F.cross_entropy(logits + shift, target, reduction=self.reduction)

    def extra_repr(self):
        return f"tau={self.tau!r}, reduction={self.reduction!r}"
