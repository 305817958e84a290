"""Undo the prior shift that class weights and resampling put into probabilities.

:class:`PriorCorrectedClassifier` divides the known training weights out of a classifier's
probabilities by Bayes' rule, so a model trained for the minority class is calibrated
again; its Notes give the derivation.
"""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .utils._sklearn import check_sample_weight, fit_context
from .utils._docstring import fill_doc
from .utils._validation import check_labels, encode_classification_target
from .weights import compute_class_weights

__all__ = ["PriorCorrectedClassifier"]


def _final_estimator(estimator):
    """The model at the end of wrappers: FrozenEstimator, Pipeline, fitted meta-estimators."""
    while True:
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        elif hasattr(estimator, "steps"):
            samplers = [name for name, step in estimator.steps[:-1]
                        if hasattr(step, "fit_resample")]
            if samplers:
                raise ValueError(
                    f"training_class_weight='auto' cannot tell which class distribution the "
                    f"sampler step(s) {samplers} produced; pass it explicitly, e.g. "
                    "training_class_weight='balanced' for a sampler that balances the classes "
                    "(SMOTE, RandomUnderSampler with their default sampling_strategy)."
                )
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "estimator_"):
            estimator = estimator.estimator_
        else:
            return estimator


def _class_weights(y_enc, strategy, classes, sample_weight):
    """Weights of a strategy in ``classes`` order; "balanced" weighs the samples by
    ``sample_weight`` as scikit-learn's estimators do."""
    if strategy == "balanced" and sample_weight is not None:
        return compute_class_weight("balanced", classes=np.arange(classes.shape[0]), y=y_enc,
                                    sample_weight=sample_weight)
    return compute_class_weights(classes[y_enc], strategy, classes=classes)


def _auto_weights(estimator, y_enc, classes, prior, sample_weight):
    """The class weights ``estimator`` (fitted) was trained with, in ``classes`` order."""
    final = _final_estimator(estimator)
    params = final.get_params(deep=False) if hasattr(final, "get_params") else {}
    if hasattr(final, "class_weight_"):  # ours (and SVC)
        weights = np.asarray(final.class_weight_, dtype=np.float64)
        final_classes = getattr(final, "classes_", classes)
        if weights.shape != classes.shape or not np.array_equal(final_classes, classes):
            raise ValueError(
                f"{type(final).__name__}.class_weight_ does not match the classes "
                f"{classes.tolist()!r}; pass training_class_weight explicitly."
            )
    else:
        if "class_weight" not in params:
            warnings.warn(
                f"training_class_weight='auto': {type(final).__name__} has neither a "
                "class_weight_ attribute nor a class_weight parameter; assuming it was "
                "trained without class weights (no correction). Pass training_class_weight "
                "to say otherwise.",
                UserWarning,
            )
        strategy = params.get("class_weight")
        if strategy == "balanced_subsample":  # per bootstrap sample; "balanced" on average
            strategy = "balanced"
        weights = _class_weights(y_enc, strategy, classes, sample_weight)
    if params.get("loss") == "logit_adjusted" and isinstance(params.get("tau"), Real):
        weights = weights * prior ** -float(params["tau"])
    return weights


class PriorCorrectedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    r"""Correct the probabilities of a class-weighted or resampled classifier (prior shift).

    Training with class weights ``w`` (or on resampled data) makes a classifier estimate
    the posterior under a shifted prior, ``q_k`` proportional to ``w_k p(k | x)``: the
    minority's probabilities are inflated and the model is badly calibrated. This
    meta-estimator fits the wrapped classifier as it is and returns, by Bayes' rule,
    ``p_k = (q_k / w_k) / sum_j (q_j / w_j)``, optionally shifted further to a deployment
    prior ``t``: ``p_k`` proportional to ``q_k t_k / (w_k pi_k)`` with ``pi`` the class
    frequencies of ``y`` (derivation in the Notes). Binary rankings are unchanged, so wrap it in
    :class:`~sklearn_imbal.ThresholdTunedClassifier` for decisions and keep calibrated
    probabilities.

    Parameters
    ----------
    estimator : estimator object
        A classifier with ``fit`` and ``predict_proba``; a fitted one inside
        ``sklearn.frozen.FrozenEstimator`` is used as it is (not refitted).
    training_class_weight : "auto", "balanced", dict, array-like or None, default="auto"
        The class weights the estimator was trained with:

        - ``"auto"``: read them from the fitted estimator (the last step of a pipeline,
          the model inside a meta-estimator): its ``class_weight_`` attribute (sklearn-imbal's
          estimators), else its ``class_weight`` parameter computed on ``y``
          (``"balanced_subsample"`` counts as ``"balanced"``); ``loss="logit_adjusted"``
          with ``tau`` (:class:`~sklearn_imbal.TransformerClassifier`) adds ``pi^-tau``.
          A pipeline with a sampler step raises an error: say what it did explicitly.
        - ``"balanced"``: ``n / (K n_k)`` computed on ``y``: also the right value after a
          sampler that balances the classes (SMOTE, random under-sampling).
        - a dict ``{label: weight}`` (missing classes weigh 1) or an array in
          ``classes_`` order.
        - ``None``: trained without weights (only ``target_prior`` acts).
    target_prior : array-like of shape (n_classes,) or None, default=None
        Class prior of the data the model will be applied to, in ``classes_`` order
        (normalised to sum to 1). ``None``: the class frequencies of ``y``.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted classifier.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    class_weight_ : ndarray of shape (n_classes,)
        The training class weights ``w`` that are divided out.
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of ``y`` (``pi``).
    correction_ : ndarray of shape (n_classes,)
        The factors applied to the wrapped probabilities before renormalising:
        ``1 / w``, or ``t / (w pi)`` with a ``target_prior``, scaled to a maximum of 1.
    n_features_in_ : int
        Number of features seen by the estimator (when it exposes it).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen by the estimator (when it exposes them).

    See Also
    --------
    sklearn.calibration.CalibratedClassifierCV : Learns a calibration map on held-out
        data (Platt, isotonic) instead of using the known weights.
    sklearn_imbal.ThresholdTunedClassifier : Tunes the decision threshold.

    Notes
    -----
    A classifier trained with class weights ``w`` (or on data resampled so that class
    ``k`` counts ``w_k`` times as often) minimises the log-loss under a shifted class
    distribution, ``pi'_k`` proportional to ``w_k pi_k``. Its probabilities therefore
    estimate the posterior under that prior,

    .. math::

        q_k(x) = \frac{w_k \, p(k \mid x)}{\sum_j w_j \, p(j \mid x)},

    which inflates the minority's probabilities (the usual ``"balanced"`` weights make a
    5% class look like a 50% one) and spoils the calibration error. Bayes' rule undoes
    the shift exactly [1]_ [2]_:

    .. math::

        p(k \mid x) = \frac{q_k(x) / w_k}{\sum_j q_j(x) / w_j},

    and, to deploy on data whose class prior ``t`` differs from the training frequencies
    ``pi``, ``p_t(k | x)`` proportional to ``q_k(x) t_k / (w_k pi_k)``. The correction is
    a fixed, monotone re-weighting of the probabilities: nothing is estimated, nothing is
    held out, and for a binary task it never changes the ranking (average precision, ROC
    AUC) nor, after :class:`~sklearn_imbal.ThresholdTunedClassifier`, the tuned
    decisions.

    Logit adjustment (Menon et al., 2021) trains ``softmax(f + tau log pi)`` and predicts
    with ``softmax(f)_k`` proportional to ``p(k | x) / pi_k^tau``: the same shift with
    ``w = pi^-tau``, undone the same way.

    Focal loss (with ``alpha = w``) distorts the probabilities beyond the prior shift (it
    is not a proper scoring rule); dividing by ``w`` removes the weights' part only.

    References
    ----------
    .. [1] M. Saerens, P. Latinne and C. Decaestecker, "Adjusting the outputs of a
       classifier to new a priori probabilities: a simple procedure", Neural Computation
       14(1), 2002.
    .. [2] C. Elkan, "The foundations of cost-sensitive learning", IJCAI 2001.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_imbal import PriorCorrectedClassifier
    >>> from sklearn_imbal.metrics import expected_calibration_error
    >>> X, y = make_classification(n_samples=4000, weights=[0.95], random_state=0)
    >>> weighted = LogisticRegression(class_weight="balanced").fit(X[:3000], y[:3000])
    >>> corrected = PriorCorrectedClassifier(
    ...     LogisticRegression(class_weight="balanced")).fit(X[:3000], y[:3000])
    >>> corrected.class_weight_.round(2)
    array([0.53, 8.98])
    >>> for model in (weighted, corrected):
    ...     proba = model.predict_proba(X[3000:])[:, 1]
    ...     print(f"ECE {expected_calibration_error(y[3000:], proba):.3f}")
    ECE 0.203
    ECE 0.016
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "training_class_weight": [StrOptions({"auto", "balanced"}), dict, "array-like", None],
        "target_prior": ["array-like", None],
    }

    def __init__(self, estimator, *, training_class_weight="auto", target_prior=None):
        self.estimator = estimator
        self.training_class_weight = training_class_weight
        self.target_prior = target_prior

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator and work out the correction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of str
            Training data, in whatever form the estimator accepts.
        y : array-like of shape (n_samples,)
            Class labels, of any type.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the estimator's ``fit``; the class frequencies ``class_prior_`` and
            ``"balanced"`` weights are computed with it. Finite and non-negative, with a
            positive total for every class.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : PriorCorrectedClassifier
            The fitted meta-estimator.

        Raises
        ------
        ValueError
            Before the estimator is fitted, when ``sample_weight`` holds a negative, NaN
            or infinite value, or is zero everywhere: a class prior cannot come from
            negative counts. After it, when a class has no sample weight at all.
        """
        check_labels(y, allow_column=True)
        y = column_or_1d(y, warn=True)
        self.classes_, y_enc = encode_classification_target(y, type(self).__name__)
        n_classes = self.classes_.shape[0]
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, y, ensure_non_negative=True)
            fit_params["sample_weight"] = sample_weight
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        fitted_classes = getattr(self.estimator_, "classes_", self.classes_)
        if not np.array_equal(fitted_classes, self.classes_):
            raise ValueError(
                f"The estimator's classes_ {list(fitted_classes)!r} differ from the classes of "
                f"y {self.classes_.tolist()!r}; a prefitted estimator must have been trained "
                "on the same classes."
            )

        counts = np.bincount(y_enc, weights=sample_weight, minlength=n_classes)
        if np.any(counts <= 0):
            raise ValueError(
                f"The classes {self.classes_[counts <= 0].tolist()!r} have no sample weight: "
                "their prior is zero and the correction is undefined."
            )
        self.class_prior_ = counts / counts.sum()
        self.class_weight_ = self._training_weights(y_enc, sample_weight)
        correction = 1.0 / self.class_weight_
        if self.target_prior is not None:
            target = np.asarray(self.target_prior, dtype=np.float64)
            if target.shape != (n_classes,) or not np.all(np.isfinite(target)) or np.any(
                    target <= 0):
                raise ValueError(
                    f"target_prior must hold {n_classes} finite positive values (one per "
                    f"class, in classes_ order), got {self.target_prior!r}."
                )
            correction = correction * (target / target.sum()) / self.class_prior_
        self.correction_ = correction / correction.max()

        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def _training_weights(self, y_enc, sample_weight):
        strategy = self.training_class_weight
        if isinstance(strategy, str) and strategy == "auto":
            weights = _auto_weights(self.estimator_, y_enc, self.classes_, self.class_prior_,
                                    sample_weight)
        elif strategy is None or isinstance(strategy, (str, dict)):
            weights = _class_weights(y_enc, strategy, self.classes_, sample_weight)
        else:
            weights = np.asarray(strategy, dtype=np.float64)
            if weights.shape != self.classes_.shape:
                raise ValueError(
                    f"training_class_weight has shape {weights.shape}; it needs one weight "
                    f"per class ({self.classes_.shape[0]}), in classes_ order."
                )
        if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise ValueError(
                f"training class weights must be finite and > 0, got {weights.tolist()!r}."
            )
        return weights

    @fill_doc
    def predict_proba(self, X):
        """Prior-corrected class probabilities.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``q * correction_`` renormalised, with ``q`` the estimator's probabilities.
        """
        check_is_fitted(self, "estimator_")
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        proba = proba * self.correction_
        return proba / proba.sum(axis=1, keepdims=True)

    @fill_doc
    def predict_log_proba(self, X):
        """Logarithm of the prior-corrected class probabilities.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @fill_doc
    def predict(self, X):
        """The most probable class under the corrected probabilities.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags = inner.input_tags
        return tags
