"""FocalLossClassifier: a torch classifier for imbalanced tabular data, as a sklearn estimator.

Trained through skorch with imbalance-aware losses (focal by default) and class weights;
the shared training loop lives in :mod:`sklearn_imbal._skorch`.
"""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn
from torch.utils.data import TensorDataset

from ._skorch import SkorchClassifierBase
from .utils._docstring import fill_doc
from .utils._sklearn import fit_context

__all__ = ["FocalLossClassifier"]


class MLP(nn.Module):
    """The default module of :class:`FocalLossClassifier`: Linear-ReLU layers.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_classes : int
        Number of output logits (one per class; 2 for a binary problem).
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each hidden layer; ``()`` gives a linear (softmax regression) model.
    """

    def __init__(self, n_features, n_classes, hidden_layer_sizes=(100,)):
        super().__init__()
        layers = []
        width = n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, n_classes))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)


@fill_doc
class FocalLossClassifier(SkorchClassifierBase):
    """Neural-network classifier trained with focal loss and class weights.

    A multi-layer perceptron by default (any ``torch.nn.Module`` through ``module``),
    trained with the multiclass focal loss of Lin et al. (2017), whose
    ``(1 - p_y) ** gamma`` factor down-weights examples the model already gets right
    so that training concentrates on the hard, usually minority, ones; or with
    (class-weighted) cross-entropy or the logit-adjusted loss (``loss``). Training
    runs through skorch on CUDA when available. Put a ``StandardScaler`` in front of
    it as you would for scikit-learn's ``MLPClassifier``.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Width of each hidden layer of the default MLP; ``()`` trains a linear
        (softmax regression) model. Ignored when ``module`` is given.
    loss : {"focal", "cross_entropy", "logit_adjusted"}, default="focal"
        {loss_description}
    {gamma_tau}
    class_weight : {"balanced", "effective_number"}, dict or None, default=None
        Per-class weights of the loss (the focal loss's ``alpha``), computed by
        :func:`~sklearn_imbal.weights.compute_class_weights`: ``"balanced"`` is
        ``n_samples / (n_classes * n_c)`` as in scikit-learn, ``"effective_number"``
        is the class-balanced weighting of Cui et al. (2019), a dict maps labels to
        weights (missing labels get 1).
    module : callable or None, default=None
        Factory of the network, usually a ``torch.nn.Module`` subclass, called as
        ``module(n_features=n_features_in_, n_classes=n_classes)`` and returning a
        module that maps a float32 batch of shape ``(batch, n_features)`` to logits
        of shape ``(batch, n_classes)``. Use ``functools.partial`` to fix further
        arguments. ``None`` builds :class:`MLP` with ``hidden_layer_sizes``.
    max_epochs : int, default=200
        Number of passes over the training data (fewer with early stopping).
    batch_size : int, default=256
        Rows per gradient step (the last batch of an epoch may be smaller).
    lr : float, default=1e-3
        Learning rate of the optimizer.
    optimizer : type, default=torch.optim.AdamW
        A ``torch.optim.Optimizer`` class, called with the module's parameters,
        ``lr`` and ``weight_decay``.
    weight_decay : float, default=0.0
        Weight decay (L2 penalty; decoupled for AdamW).
    {validation_split}
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs. One twentieth of the default
        ``max_epochs=200``: a small network's epochs are cheap and its validation
        score is noisy from one epoch to the next.
    {scoring_validation}
    {device}
    {data_parallel}
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and the validation split. An int
        gives the same model on every fit; global RNG state is never changed.
    verbose : int, default=0
        ``1`` prints a table row per epoch (losses, validation score, duration)
        while training.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit``, when ``X`` has string column names.
    class_weight_ : ndarray of shape (n_classes,)
        The per-class loss weights used, in ``classes_`` order.
    device_ : torch.device
        Device holding the network: where it was trained, or after unpickling on a
        machine without a GPU, the CPU it was loaded to.
    net_ : skorch.NeuralNetClassifier
        The fitted skorch net (its ``module_`` is the trained torch module).
    {training_attributes}

    See Also
    --------
    sklearn.neural_network.MLPClassifier : MLP trained with (unweighted) log-loss.
    sklearn_imbal.losses.FocalLoss : The loss this estimator minimises by default.
    sklearn_imbal.weights.compute_class_weights : The ``class_weight`` strategies.
    sklearn_imbal.text.TransformerClassifier : The same training, fine-tuning a
        transformer on text.

    Notes
    -----
    The estimator is a plain scikit-learn classifier with flat parameters; it
    *composes* skorch rather than subclassing it (skorch nets set attributes in
    ``__init__``, route ``**kwargs`` and return class indices from ``predict``, which
    all break scikit-learn's estimator contract). ``fit``:

    1. validates parameters (``_parameter_constraints`` through ``fit_context``) and
       data (``validate_data``: finite, 2-D, numeric, float32 for torch);
    2. encodes labels with ``np.unique`` (``classes_``, any label type) and turns
       ``class_weight`` into per-class weights with
       :func:`sklearn_imbal.weights.compute_class_weights`; those weights are the
       focal loss's ``alpha`` (or the cross-entropy's ``weight``), so
       ``class_weight`` really weights the loss;
    3. draws one seed from ``random_state`` and, inside ``torch.random.fork_rng``,
       builds the module and trains it, with batches shuffled by a seeded
       ``torch.Generator``: two fits with the same ``random_state`` give the same
       model and the caller's global RNG streams are left as they were;
    4. holds out a *stratified* validation split only when asked
       (``validation_fraction`` or ``early_stopping``), never skorch's silent 20%
       default, and passes it as a predefined split; each epoch records its loss
       and its ``scoring``, and ``early_stopping`` stops on that score (a tie broken
       by the loss) and restores the best weights;
    5. builds ``net_`` (a ``skorch.NeuralNetClassifier``) with a batch loader that
       fetches each batch with one index tensor, and trains it on the chosen device
       (``"auto"``: CUDA when present).

    :class:`~sklearn_imbal.text.TransformerClassifier` shares this ``fit``
    (``sklearn_imbal._skorch``). Prediction runs the module in eval mode without
    gradients, batch by batch, and turns the logits into float64 probabilities with
    a softmax, so rows sum to one and ``decision_function`` (log-odds for binary,
    logits for multiclass) ranks exactly as ``predict_proba``. ``predict`` decodes
    through ``classes_``. Pickling goes through skorch's own
    ``__getstate__``/``__setstate__``, which map a CUDA-trained net to the CPU when
    no GPU is present at load time.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollar, "Focal Loss for
       Dense Object Detection", ICCV 2017.
    .. [2] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced Loss
       Based on Effective Number of Samples", CVPR 2019.
    .. [3] A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and S. Kumar,
       "Long-tail learning via logit adjustment", ICLR 2021.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_imbal import FocalLossClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95], flip_y=0,
    ...                            random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     FocalLossClassifier(class_weight="balanced", max_epochs=30, random_state=0),
    ... ).fit(X_train, y_train)
    >>> clf.predict_proba(X_test[:3]).sum(axis=1)
    array([1., 1., 1.])
    >>> print(f"{balanced_accuracy_score(y_test, clf.predict(X_test)):.1f}")
    0.9
    """

    _parameter_constraints = {
        **SkorchClassifierBase._training_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "module": [callable, None],
        "optimizer": [type],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        loss="focal",
        gamma=2.0,
        tau=1.0,
        class_weight=None,
        module=None,
        max_epochs=200,
        batch_size=256,
        lr=1e-3,
        optimizer=torch.optim.AdamW,
        weight_decay=0.0,
        validation_fraction=None,
        early_stopping=False,
        n_iter_no_change=10,
        scoring=None,
        device="auto",
        data_parallel=False,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.loss = loss
        self.gamma = gamma
        self.tau = tau
        self.class_weight = class_weight
        self.module = module
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.scoring = scoring
        self.device = device
        self.data_parallel = data_parallel
        self.random_state = random_state
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on ``X`` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, numeric and finite.
        y : array-like of shape (n_samples,)
            Class labels (any type), at least two classes.

        Returns
        -------
        self : FocalLossClassifier
            The fitted estimator.
        """
        return self._fit(X, y)

    def _validate_fit_data(self, X, y):
        self._check_hidden_layer_sizes()  # before any work; _build_module reads it again
        if not issubclass(self.optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer={self.optimizer!r} is not a torch.optim.Optimizer subclass; "
                "pass the class itself, e.g. optimizer=torch.optim.AdamW."
            )
        return validate_data(self, X, y, dtype=np.float32, ensure_min_samples=2)

    def _check_hidden_layer_sizes(self):
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if sizes.size and (
            sizes.ndim != 1
            or not np.issubdtype(sizes.dtype, np.integer)
            or np.any(sizes < 1)
        ):
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} must be a positive int or a "
                "sequence of positive ints, e.g. (100,) or (64, 32); () gives a linear model."
            )
        return tuple(int(size) for size in sizes)

    def _prepare_training(self, X, y_encoded, train_idx, valid_idx):
        X_t = torch.from_numpy(X).to(self.device_)
        y_t = torch.from_numpy(y_encoded).to(self.device_)
        train = _dataset(X_t[train_idx], y_t[train_idx])
        valid = _dataset(X_t[valid_idx], y_t[valid_idx]) if valid_idx is not None else None
        return self._build_module(), train, valid

    def _build_module(self):
        n_classes = len(self.classes_)
        if self.module is None:
            return MLP(self.n_features_in_, n_classes, self._check_hidden_layer_sizes())
        module = self.module(n_features=self.n_features_in_, n_classes=n_classes)
        if not isinstance(module, nn.Module):
            raise TypeError(
                f"module={self.module!r} returned {type(module).__name__}, not a "
                "torch.nn.Module; pass an nn.Module subclass (or a factory returning one) "
                "accepting n_features and n_classes keyword arguments."
            )
        return module

    def _optimizer_class(self):
        return self.optimizer

    def _logits(self, X):
        """Float64 logits of validated ``X``, computed batch by batch in eval mode.

        The rows are padded with zeros to a whole number of batches, so every batch
        has the same shape: float32 matrix kernels are chosen by shape, and a row's
        prediction must not depend on how many rows are predicted with it.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        n_samples = X.shape[0]
        X_t = torch.from_numpy(X)
        n_padding = -n_samples % self.batch_size
        if n_padding:
            X_t = torch.cat([X_t, X_t.new_zeros((n_padding, X_t.shape[1]))])
        with torch.inference_mode():
            logits = self.net_.forward(_dataset(X_t, None), training=False, device="cpu")
        return logits[:n_samples].numpy().astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _dataset(X, y):
    """A ``TensorDataset`` of ``(X, y)``; indexed with a tensor it returns a whole batch.

    Without labels (prediction) ``y`` is a zero-width placeholder that costs no memory.
    """
    if y is None:
        y = X.new_empty((X.shape[0], 0))
    return TensorDataset(X, y)
