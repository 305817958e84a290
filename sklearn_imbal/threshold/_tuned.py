"""ThresholdTunedClassifier: a decision rule (threshold, class weights, costs) tuned by CV."""

from numbers import Integral, Real

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import check_scoring
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import check_random_state, get_tags, indexable
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ..utils._sklearn import (
    check_method_params,
    check_sample_weight,
    fit_context,
    raise_for_params,
    safe_indexing,
)
from ..utils._docstring import fill_doc
from ..utils._parallel import run_jobs
from ..utils._validation import check_labels, encode_classification_target
from ._sweep import (
    ConfusionScorer,
    binary_confusions,
    candidate_thresholds,
    check_thresholds,
    direct_curve,
    plateau_index,
    positive_index,
    resolve_scorer,
    safe_divide,
    tie_break,
    tune_class_weights,
)

__all__ = ["ThresholdTunedClassifier"]

# The rates a binary threshold can be constrained on, and the direction of the bound.
_CONSTRAINTS = {"precision": "at least", "recall": "at least", "specificity": "at least",
                "flagged": "at most"}


def _constraint_rate(name, confusion):
    """The rate ``name`` of :data:`_CONSTRAINTS` at each threshold (positive at index 1)."""
    tn, fp = confusion[:, 0, 0], confusion[:, 0, 1]
    fn, tp = confusion[:, 1, 0], confusion[:, 1, 1]
    if name == "precision":
        return safe_divide(tp, tp + fp, 0.0)
    if name == "recall":
        return safe_divide(tp, tp + fn, 0.0)
    if name == "specificity":
        return safe_divide(tn, tn + fp, 0.0)
    return safe_divide(tp + fp, tp + fp + tn + fn, 0.0)  # "flagged"


# --------------------------------------------------------------------------- estimator
def _fit_and_predict(estimator, X, y, train, test, fit_params, response_method, classes):
    """Fit a clone on ``train``; return its responses on ``test`` (columns: classes)."""
    if train is not None:
        fit_params = check_method_params(X, fit_params, train)
        estimator.fit(safe_indexing(X, train), safe_indexing(y, train), **fit_params)
    X_test = safe_indexing(X, test)
    return estimator, _responses(estimator, X_test, response_method, classes)


def _fit_all(estimator, X, y, fit_params):
    return estimator.fit(X, y, **fit_params)


def _responses(estimator, X, response_method, classes):
    """(n, K) probabilities, or (n,) decision values of ``classes[1]``, with all K columns."""
    values = np.asarray(getattr(estimator, response_method)(X), dtype=np.float64)
    if response_method == "decision_function":
        if values.ndim != 1:
            raise ValueError("decision_function gives one score per class: use "
                             "response_method='predict_proba' for multiclass problems.")
        return values
    fitted_classes = estimator.classes_
    if fitted_classes.shape[0] == classes.shape[0] and np.all(fitted_classes == classes):
        return values
    full = np.zeros((values.shape[0], classes.shape[0]))  # a class absent from a fold
    full[:, np.searchsorted(classes, fitted_classes)] = values
    return full


def _estimator_has(attr):
    def check(self):
        estimator = getattr(self, "estimator_", self.estimator)
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        return hasattr(estimator, attr)

    return check


def _all_have(attr):
    def check(self):
        return all(hasattr(estimator, attr) for estimator in self.estimators_)

    return check


class _FoldAverage(ClassifierMixin, BaseEstimator):
    """The fold models of ``refit=False`` with k folds, averaged (cross-fit bagging).

    ``predict_proba`` is the mean of the fold models' probabilities (columns aligned on
    ``classes``, a class missing from a fold counts as 0), ``decision_function`` the
    mean of their decision values. Nothing is fitted here: it is built fitted.
    """

    def __init__(self, estimators_, classes_):
        self.estimators_ = estimators_
        self.classes_ = classes_
        first = estimators_[0]
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(first, attr):
                setattr(self, attr, getattr(first, attr))

    def __sklearn_is_fitted__(self):
        return True

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y=None):
        raise NotImplementedError("_FoldAverage holds fitted fold models; it is not refit.")

    @available_if(_all_have("predict_proba"))
    def predict_proba(self, X):
        return np.mean([_responses(estimator, X, "predict_proba", self.classes_)
                        for estimator in self.estimators_], axis=0)

    @available_if(_all_have("predict_proba"))
    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @available_if(_all_have("decision_function"))
    def decision_function(self, X):
        return np.mean([np.asarray(estimator.decision_function(X), dtype=np.float64)
                        for estimator in self.estimators_], axis=0)

    def predict(self, X):
        if hasattr(self, "predict_proba"):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        values = self.decision_function(X)
        if values.ndim == 1:
            return self.classes_[(values > 0).astype(int)]
        return self.classes_[np.argmax(values, axis=1)]


class ThresholdTunedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Tune a classifier's decision rule by cross-validation, binary and multiclass.

    On imbalanced data the default rule (probability 0.5, or argmax) rarely
    maximises the metric you care about. This meta-estimator learns the rule on
    out-of-fold predictions, for any label-based scorer:

    - binary: the threshold on the positive class's score, found by an exact sweep
      over every place a prediction changes;
    - multiclass: per-class weights ``w``, predicting ``argmax_k w_k * p_k``, found by
      coordinate ascent from ``w = 1`` (never worse than argmax on the tuning data);
    - with ``cost_matrix``: the prediction of minimum expected cost.

    The method, and how it differs from scikit-learn's grid, is described in
    ``doc/threshold.md``.

    Parameters
    ----------
    estimator : estimator object
        A classifier with ``fit`` and ``predict_proba`` or ``decision_function``:
        a plain model, a ``Pipeline`` (text ones included), or a fitted model with
        ``cv="prefit"`` / wrapped in ``sklearn.frozen.FrozenEstimator``.
    scoring : str or scorer, default=None
        The metric to maximise, of predicted labels: a scorer name (``"f1"``,
        ``"matthews_corrcoef"``, ``"balanced_accuracy"``, ``"f1_macro"``, ...) or a
        ``make_scorer`` object (``fbeta_score`` with ``beta=2``, a business gain).
        ``None``: ``"f1"`` for binary, ``"f1_macro"`` for multiclass targets.
        Ranking scorers (``"roc_auc"``, ``"average_precision"``) raise an error.
    thresholds : "auto", int or array-like, default="auto"
        Binary candidates: ``"auto"`` for every place a prediction changes, an int
        (>= 2) for that many evenly spaced thresholds, or the thresholds themselves
        (finite numbers; a single one is a fixed threshold, used as it is, with its
        cross-validated score in ``best_score_``). Multiclass targets and a
        ``cost_matrix`` tune no threshold and need ``"auto"``.
    selection : {"plateau", "best"}, default="plateau"
        Binary: which threshold of the cross-validated curve to keep. ``"best"`` is
        the exact maximum of the mean score over the folds (the middle of tied
        maxima). ``"plateau"`` applies the one-standard-error rule: of the
        candidates whose mean score is within one standard error (over the folds, at
        the best) of the best, the middle one. Fold models score the minority on
        different scales, so the exact maximum can be a spike that one fold made and
        the refitted model does not share; the plateau transfers (measured on the
        KEEL sets, see README). With a single split (a float ``cv``, ``"prefit"``)
        both are the best. Multiclass weights and cost matrices take the best.
    deployment_prior : float, array-like of shape (n_classes,) or None, default=None
        The class prevalence the decision will meet in production, when it differs
        from the training data's (an undersampled training set, drift). Binary: the
        rate of the positive class (see ``pos_label``); any target: one rate per class
        in ``classes_`` order, summing to 1. The out-of-fold confusion counts are
        reweighted to that prevalence (each class's samples by its deployment rate
        over its rate in the training data, ``sample_weight`` included) before the
        rule is chosen, so F1, precision or MCC are those expected in deployment. It
        changes the decision only, not the probabilities: for calibrated probabilities
        at that prevalence wrap the estimator in ``PriorCorrectedClassifier``.
    constraint : tuple of (str, float) or None, default=None
        Binary: a condition the threshold must meet on the out-of-fold predictions
        (the mean over the folds), the scorer being maximised among the thresholds
        that meet it: ``("precision", 0.9)`` (precision of the positive class at
        least 0.9), ``("recall", 0.8)``, ``("specificity", 0.99)`` (at least), or
        ``("flagged", 0.05)`` (at most 5% of the samples predicted positive). So
        ``scoring="recall", constraint=("precision", 0.9)`` is "the highest recall at
        a precision of at least 0.9". When no candidate meets it, ``fit`` raises a
        ``ValueError`` giving the best value reached. Multiclass targets and cost
        matrices take none.
    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        How out-of-fold predictions are made: an int or splitter (stratified
        k-fold for ints); a float in (0, 1) for one stratified split with that test
        fraction (one fit, for expensive models); ``"prefit"`` to tune a fitted
        ``estimator`` on the data given to ``fit`` (nothing is fitted; also the
        behaviour for a ``FrozenEstimator``).
    refit : bool, default=True
        Refit the estimator on all the data after tuning. ``False`` refits nothing:
        with a float ``cv`` it keeps the model of the single split; with k folds it
        keeps the k fold models and averages their responses (cross-fit bagging: every
        sample trains k - 1 of them, and the rule is tuned on exactly the out-of-fold
        responses those models gave). For expensive models such as fine-tuned
        transformers this uses all the data without one more fit. Ignored with
        ``"prefit"``.
    cost_matrix : array-like of shape (n_classes, n_classes), default=None
        ``cost_matrix[i, j]`` is the cost of predicting ``classes_[j]`` when the
        truth is ``classes_[i]``: finite numbers, NaN and infinity are an error.
        Negative entries are allowed and are gains (e.g. the profit of a caught
        fraud); only the differences within a row change the decisions, so adding a
        constant to a row changes ``best_score_`` but no prediction. When given,
        predictions minimise the expected cost under ``predict_proba`` and
        ``scoring`` must be ``None``.
    pos_label : int, str or None, default=None
        Binary only: the class whose score is thresholded. ``None``: the scorer's
        ``pos_label`` when it sets one, else ``classes_[1]``.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        The estimator's output to threshold; ``"auto"`` prefers ``predict_proba``.
        Multiclass weights and cost matrices need ``predict_proba``.
    n_jobs : int or None, default=None
        Folds (and the refit) fitted in parallel with joblib. Under
        ``joblib.parallel_backend("dask")`` each is a task on the Dask cluster, and a
        fit that keeps killing its worker raises dask's ``KilledWorker`` once the
        scheduler's retries are spent (README, "Scaling out").
    random_state : int, RandomState instance or None, default=None
        Seeds the split when ``cv`` is a float.
    store_cv_results : bool, default=False
        Keep the curves behind the choice in ``cv_results_``.
    max_iter : int, default=10
        Multiclass: maximum sweeps of coordinate ascent over the class weights.
    max_candidates : int, default=1000
        Multiclass: candidate values scored per class weight and sweep (thinned by
        quantiles above that; at most 100 for scorers that are not vectorised, see
        ``doc/threshold.md``); binary: the cap for scorers scored on real
        predictions.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted classifier whose responses are thresholded; with ``refit=False``
        and k folds, a private averaging classifier holding the fold models in its
        ``estimators_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    pos_label_ : object or None
        Binary: the positive class. ``None`` for multiclass or cost matrices.
    response_method_ : str
        The estimator's method whose output the rule acts on.
    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The validated cost matrix, when ``cost_matrix`` is given.
    best_threshold_ : float or None
        Binary: predict ``pos_label_`` when its score is ``>= best_threshold_``.
    class_weights_ : ndarray of shape (n_classes,) or None
        Multiclass: decision weights, ``predict = classes_[argmax(w * p)]``, scaled to
        a maximum of 1.
    best_score_ : float
        Mean over the folds of the score at the chosen rule (minus the mean cost
        with a ``cost_matrix``, positive when gains outweigh costs).
    cv_results_ : dict or None
        With ``store_cv_results=True``. Binary: ``"thresholds"``, per-fold
        ``"scores"`` (n_folds, n_thresholds), ``"mean_score"``, ``"std_score"``,
        ``"best_index"``, ``"best_threshold"``, ``"best_score"``,
        ``"fold_best_thresholds"``, ``"fold_best_thresholds_std"``,
        ``"best_score_interval"`` (a 95% bootstrap interval of ``best_score_`` over
        the out-of-fold samples, 1000 resamples seeded by ``random_state``; None for
        scorers computed on real predictions), and
        ``"precision"``, ``"recall"``, ``"f1"`` of the positive class on the pooled
        out-of-fold predictions at every threshold. Multiclass: ``"class_weights"``,
        ``"fold_scores"``, ``"argmax_fold_scores"`` and the ascent ``"history"``.
        Always ``"scoring"``, ``"pos_label"``, ``"response_method"``.
    n_iter_ : int
        Passes over the candidates: 1 for a binary sweep or a cost matrix, the number
        of coordinate-ascent sweeps (the last one finds no improvement unless
        ``max_iter`` stops it) for multiclass weights.
    n_features_in_ : int
        Number of features seen by the estimator (when it exposes it).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen by the estimator (when it exposes them).

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : Binary-only tuner on a grid.
    sklearn_imbal.threshold.threshold_sweep : The exact sweep, on given scores.
    sklearn_imbal.threshold.ThresholdCurveDisplay : Plots score against threshold.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import f1_score
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn_imbal import ThresholdTunedClassifier
    >>> X, y = make_classification(n_samples=4000, weights=[0.95], class_sep=1.0,
    ...                            random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> plain = LogisticRegression().fit(X_train, y_train)
    >>> tuned = ThresholdTunedClassifier(LogisticRegression(), scoring="f1").fit(
    ...     X_train, y_train)
    >>> print(f"{tuned.best_threshold_:.2f}")
    0.21
    >>> print(f"F1 at 0.5: {f1_score(y_test, plain.predict(X_test)):.2f}, "
    ...       f"tuned: {f1_score(y_test, tuned.predict(X_test)):.2f}")
    F1 at 0.5: 0.30, tuned: 0.45
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [str, callable, None],
        "thresholds": [
            StrOptions({"auto"}), Interval(Integral, 2, None, closed="left"), "array-like",
        ],
        "cv": [
            "cv_object", StrOptions({"prefit"}), Interval(Real, 0.0, 1.0, closed="neither"),
        ],
        "selection": [StrOptions({"plateau", "best"})],
        "constraint": [tuple, None],
        "deployment_prior": [Interval(Real, 0.0, 1.0, closed="neither"), "array-like", None],
        "refit": ["boolean"],
        "cost_matrix": ["array-like", None],
        "pos_label": [Real, str, "boolean", None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "max_candidates": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring=None,
        thresholds="auto",
        selection="plateau",
        constraint=None,
        deployment_prior=None,
        cv=5,
        refit=True,
        cost_matrix=None,
        pos_label=None,
        response_method="auto",
        n_jobs=None,
        random_state=None,
        store_cv_results=False,
        max_iter=10,
        max_candidates=1000,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.thresholds = thresholds
        self.selection = selection
        self.constraint = constraint
        self.deployment_prior = deployment_prior
        self.cv = cv
        self.refit = refit
        self.cost_matrix = cost_matrix
        self.pos_label = pos_label
        self.response_method = response_method
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results
        self.max_iter = max_iter
        self.max_candidates = max_candidates

    # ----------------------------------------------------------------- fitting
    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **params):
        """Fit the estimator and tune the decision rule on out-of-fold predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of str
            Training data, in whatever form the estimator accepts (text for a text
            pipeline).
        y : array-like of shape (n_samples,)
            Class labels, binary or multiclass, of any type.
        **params : dict
            With metadata routing enabled, metadata such as ``sample_weight`` routed
            to the estimator's ``fit``, the splitter and the scorer. The scorer's
            ``sample_weight`` must be finite, non-negative and not all zero.

        Returns
        -------
        self : ThresholdTunedClassifier
            The fitted meta-estimator.

        Raises
        ------
        ValueError
            Before anything is fitted: for ``thresholds`` that are empty or not
            finite, or not ``"auto"`` with a multiclass target or a ``cost_matrix``;
            for a ``cost_matrix`` of the wrong shape or with NaN or infinite entries;
            for a negative, NaN or all-zero ``sample_weight`` of the scorer. After the
            out-of-fold predictions: when the estimator's scores are NaN or infinite,
            or the same for every sample.
        """
        raise_for_params(params, self, "fit")
        check_labels(y, allow_column=True)
        X, y = indexable(X, y)
        y = column_or_1d(y, warn=True)
        self.classes_, y_enc = encode_classification_target(y, type(self).__name__)
        n_classes = self.classes_.shape[0]
        binary = n_classes == 2
        cost = self._check_cost_matrix(n_classes)
        if cost is not None and self.scoring is not None:
            raise ValueError(
                "cost_matrix and scoring are exclusive: the cost matrix defines the "
                "decision; leave scoring=None."
            )
        thresholds = check_thresholds(self.thresholds)
        if (cost is not None or not binary) and not isinstance(thresholds, str):
            tuned = ("the minimum expected cost of cost_matrix" if cost is not None else
                     f"per-class weights for the {n_classes} classes (max_candidates sets "
                     "their candidates)")
            raise ValueError(
                f"thresholds={self.thresholds!r:.80} sets the candidates of a binary "
                f"decision threshold, but this fit tunes {tuned}, not a threshold; leave "
                "thresholds='auto'."
            )
        constraint = self._check_constraint(binary and cost is None)
        scorer = None
        if cost is None:
            scorer = resolve_scorer(self.scoring, "f1" if binary else "f1_macro")
        response_method = self._response_method(binary, cost)
        self.response_method_ = response_method
        routed = process_routing(self, "fit", **params)
        score_weights = routed.scorer.score.get("sample_weight")
        weights = check_sample_weight(score_weights, y, ensure_non_negative=True)
        if self.deployment_prior is not None:
            pos_index = positive_index(self.classes_, self.pos_label, scorer) if binary else 1
            weights = self._deployment_weights(weights, y_enc, pos_index)

        self.estimator_, folds, responses = self._out_of_fold(
            X, y, y_enc, response_method, routed)
        self.pos_label_ = None
        self.best_threshold_ = None
        self.class_weights_ = None
        results = {"response_method": response_method}
        if cost is not None:
            self._fit_cost(y_enc, responses, weights, folds, cost, results)
        elif binary:
            self._fit_binary(y_enc, responses, weights, folds, scorer, thresholds, results,
                             constraint)
        else:
            self._fit_multiclass(y_enc, responses, weights, folds, scorer, results)
        self.cv_results_ = results if self.store_cv_results else None
        self.n_iter_ = results.pop("n_iter", 1)

        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def _check_cost_matrix(self, n_classes):
        if self.cost_matrix is None:
            return None
        try:
            cost = np.asarray(self.cost_matrix, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"cost_matrix must hold numbers (the cost of each prediction), got "
                f"{self.cost_matrix!r:.80}."
            ) from None
        if cost.shape != (n_classes, n_classes):
            raise ValueError(
                f"cost_matrix must be a ({n_classes}, {n_classes}) array (rows: true class, "
                f"columns: predicted class, in classes_ order), got shape {cost.shape}."
            )
        if not np.all(np.isfinite(cost)):
            cells = [tuple(int(i) for i in cell) for cell in np.argwhere(~np.isfinite(cost))]
            raise ValueError(
                f"cost_matrix holds NaN or infinite values at {cells[:5]} (row, column): "
                "every cost must be a finite number (negative numbers are gains); for a "
                "prediction that must never be made, use a large finite cost."
            )
        return cost

    def _response_method(self, binary, cost):
        estimator = self.estimator
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        method = self.response_method
        if method == "auto":
            method = "predict_proba" if hasattr(estimator, "predict_proba") else (
                "decision_function")
        if (not binary or cost is not None) and method != "predict_proba":
            raise ValueError(
                f"response_method={self.response_method!r}: multiclass weights and cost "
                "matrices act on probabilities; the estimator needs predict_proba "
                "(wrap it in sklearn.calibration.CalibratedClassifierCV otherwise)."
            )
        if not hasattr(estimator, method):
            raise ValueError(
                f"{type(estimator).__name__} has no {method}; choose another "
                "response_method or an estimator that provides it."
            )
        return method

    def _out_of_fold(self, X, y, y_enc, response_method, routed):
        """Fit what is needed; return (estimator_, list of fold indices, responses)."""
        n_samples = y.shape[0]  # indexable(X, y) checked that X has as many rows
        prefit = self.cv == "prefit" or isinstance(self.estimator, FrozenEstimator)
        if prefit:
            try:
                check_is_fitted(self.estimator)
            except Exception as exc:
                raise ValueError(
                    "cv='prefit' (or a FrozenEstimator) needs an estimator that is already "
                    "fitted; fit it first or use a cross-validation cv."
                ) from exc
            responses = _responses(self.estimator, X, response_method, self.classes_)
            return self.estimator, [np.arange(n_samples)], responses

        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            cv = StratifiedShuffleSplit(n_splits=1, test_size=self.cv,
                                        random_state=self.random_state)
        else:
            cv = check_cv(self.cv, y, classifier=True)
        splits = list(cv.split(X, y, **routed.splitter.split))
        if not self.refit and len(splits) > 1:
            tested = np.concatenate([test for _, test in splits])
            if len(tested) != n_samples or len(np.unique(tested)) != n_samples:
                raise ValueError(
                    "refit=False with several splits averages the fold models, which "
                    "needs folds that test every sample exactly once (KFold-like cv); "
                    f"cv={self.cv!r} does not. Use a k-fold cv, a float cv or refit=True."
                )
        fit_params = routed.estimator.fit
        # The refit on all the data is one more independent job: with n_jobs > 1 it
        # runs alongside the fold fits instead of after them.
        jobs = [
            delayed(_fit_and_predict)(
                clone(self.estimator), X, y, train, test, fit_params, response_method,
                self.classes_)
            for train, test in splits
        ]
        if self.refit:
            jobs.append(delayed(_fit_all)(clone(self.estimator), X, y, fit_params))
        fitted = run_jobs(jobs, self.n_jobs, type(self).__name__)
        responses = np.zeros((n_samples,) + fitted[0][1].shape[1:])
        folds = []
        for (_, test), (_, values) in zip(splits, fitted):
            responses[test] = values
            folds.append(np.asarray(test))
        if self.refit:
            estimator = fitted[-1]
        elif len(splits) == 1:
            estimator = fitted[0][0]
        else:
            estimator = _FoldAverage([model for model, _ in fitted], self.classes_)
        return estimator, folds, responses

    def _deployment_weights(self, weights, y_enc, pos_index):
        """``weights`` times, per class, its deployment rate over its training rate."""
        n_classes = self.classes_.shape[0]
        prior = self.deployment_prior
        if np.ndim(prior) == 0:
            if n_classes != 2:
                raise ValueError(
                    f"deployment_prior={prior!r} is one rate, for a binary target; this "
                    f"target has {n_classes} classes: give one rate per class in classes_ "
                    "order."
                )
            target = np.empty(2)
            target[pos_index], target[1 - pos_index] = prior, 1.0 - prior
        else:
            target = np.asarray(prior, dtype=np.float64)
            if (target.shape != (n_classes,) or not np.all(np.isfinite(target))
                    or np.any(target <= 0) or not np.isclose(target.sum(), 1.0)):
                raise ValueError(
                    f"deployment_prior must hold {n_classes} positive rates, one per class "
                    f"in classes_ order {self.classes_.tolist()}, summing to 1; got "
                    f"{np.asarray(prior).tolist()!r:.120}."
                )
        totals = np.bincount(y_enc, weights=weights, minlength=n_classes)
        if np.any(totals <= 0):
            raise ValueError(
                "deployment_prior needs every class to have a positive weight in the "
                "training data."
            )
        return weights * (target / (totals / totals.sum()))[y_enc]

    def _bootstrap_interval(self, confusion_scorer, y_pos, score, weights, folds, threshold,
                            pos_index, n_resamples=1000):
        """95% percentile bootstrap interval of ``best_score_`` (None for direct scorers).

        Each resample draws every fold's out-of-fold samples with replacement and scores
        the chosen threshold, mean over the folds; seeded by ``random_state``. At one
        threshold a sample only adds its weight to its confusion cell, so with equal
        weights the resampled cell counts are drawn directly (multinomial).
        """
        if confusion_scorer.kind == "direct":
            return None
        rng = check_random_state(self.random_state)
        means = np.zeros(n_resamples)
        for fold in folds:
            # A sample's only role at one threshold is its confusion cell (tn, fp, fn, tp).
            cell = 2 * y_pos[fold].astype(np.intp) + (score[fold] >= threshold)
            w = weights[fold]
            if np.all(w == w[0]):  # equal weights: the cells' counts are multinomial
                shares = np.bincount(cell, minlength=4) / len(fold)
                totals = rng.multinomial(len(fold), shares, size=n_resamples) * w[0]
            else:
                # One resample at a time: a (n_resamples, n) index array would not fit.
                totals = np.empty((n_resamples, 4))
                for b in range(n_resamples):
                    draw = rng.randint(len(fold), size=len(fold))
                    totals[b] = np.bincount(cell[draw], weights=w[draw], minlength=4)
            confusion = totals.reshape(n_resamples, 2, 2).astype(np.float64)
            if pos_index == 0:
                confusion = confusion[:, ::-1, ::-1]
            means += confusion_scorer(confusion) / len(folds)
        low, high = np.nanpercentile(means, [2.5, 97.5])
        return float(low), float(high)

    def _check_constraint(self, binary):
        if self.constraint is None:
            return None
        if not binary:
            raise ValueError(
                "constraint applies to a binary decision threshold; this fit tunes "
                "per-class weights or a cost matrix. Leave constraint=None."
            )
        if len(self.constraint) != 2 or self.constraint[0] not in _CONSTRAINTS:
            raise ValueError(
                f"constraint={self.constraint!r:.80} must be a pair (metric, value) with "
                f"metric among {sorted(_CONSTRAINTS)}, e.g. ('precision', 0.9)."
            )
        name, value = self.constraint
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
            raise ValueError(
                f"constraint={self.constraint!r:.80}: the value must be a number in "
                "[0, 1], a rate."
            )
        return name, float(value)

    def _fit_binary(self, y_enc, responses, weights, folds, scorer, thresholds, results,
                    constraint=None):
        pos_index = positive_index(self.classes_, self.pos_label, scorer)
        self.pos_label_ = self.classes_[pos_index]
        score = responses[:, pos_index] if responses.ndim == 2 else (
            responses if pos_index == 1 else -responses)
        tested = np.concatenate(folds)
        bad = ~np.isfinite(score[tested])
        if np.any(bad):
            raise ValueError(
                f"The estimator's {self.response_method_} gave NaN or infinite values for "
                f"{np.count_nonzero(bad)} of {bad.shape[0]} samples: there is no threshold "
                "to tune on them. Check the estimator and its input (missing values?)."
            )
        if np.ptp(score[tested]) == 0:
            raise ValueError(
                "The estimator gives the same score to every sample: there is no threshold "
                "to tune. Check the estimator (is it fitted on both classes?)."
            )
        candidates = candidate_thresholds(score[tested], thresholds)
        confusion_scorer = ConfusionScorer(scorer, self.classes_, pos_index)
        y_pos = (y_enc == pos_index).astype(np.float64)
        if confusion_scorer.kind == "direct" and candidates.shape[0] > self.max_candidates:
            candidates = np.unique(np.quantile(candidates, np.linspace(0, 1,
                                                                       self.max_candidates)))
        fold_confusions = None  # positive at index 1; shared by the curves and the constraint
        if confusion_scorer.kind != "direct" or constraint is not None:
            fold_confusions = [binary_confusions(y_pos[fold], score[fold], weights[fold],
                                                 candidates) for fold in folds]
        curves = []
        for i, fold in enumerate(folds):
            if confusion_scorer.kind == "direct":
                labels = self.classes_

                def predict_at(c, fold=fold):
                    return np.where(score[fold] >= candidates[c], labels[pos_index],
                                    labels[1 - pos_index])
                curves.append(direct_curve(confusion_scorer, self.classes_[y_enc[fold]],
                                           predict_at, weights[fold], len(candidates)))
            else:
                confusion = fold_confusions[i]
                curves.append(confusion_scorer(
                    confusion if pos_index == 1 else confusion[:, ::-1, ::-1]))
        curves = np.asarray(curves)
        mean = curves.mean(axis=0)
        allowed = np.arange(candidates.shape[0])
        if constraint is not None:
            allowed = self._allowed(constraint, fold_confusions, results)
        chosen = curves[:, allowed]
        best = allowed[plateau_index(chosen) if self.selection == "plateau"
                       else tie_break(chosen.mean(axis=0))]
        self.best_threshold_ = float(candidates[best])
        self.best_score_ = float(mean[best])
        if self.store_cv_results:
            pooled = binary_confusions(y_pos[tested], score[tested], weights[tested], candidates)
            tp, fp, fn = pooled[:, 1, 1], pooled[:, 0, 1], pooled[:, 1, 0]  # positive at 1
            precision = safe_divide(tp, tp + fp, 0.0)
            recall = safe_divide(tp, tp + fn, 0.0)
            fold_best = np.array([candidates[tie_break(curve)] for curve in curves])
            results.update(
                thresholds=candidates, scores=curves, mean_score=mean,
                std_score=curves.std(axis=0), best_index=best,
                best_threshold=self.best_threshold_, best_score=self.best_score_,
                fold_best_thresholds=fold_best,
                fold_best_thresholds_std=float(fold_best.std()),
                precision=precision, recall=recall,
                f1=safe_divide(2 * precision * recall, precision + recall, 0.0),
                best_score_interval=self._bootstrap_interval(
                    confusion_scorer, y_pos, score, weights, folds, candidates[best],
                    pos_index),
                scoring=_scoring_name(self.scoring, "f1"), pos_label=self.pos_label_,
            )

    def _allowed(self, constraint, fold_confusions, results):
        """Indices of the candidates whose mean fold value of the constraint holds.

        ``fold_confusions``: each fold's (n_candidates, 2, 2) counts, positive at index 1.
        """
        name, value = constraint
        values = [_constraint_rate(name, confusion) for confusion in fold_confusions]
        mean = np.mean(values, axis=0)
        at_most = _CONSTRAINTS[name] == "at most"
        allowed = np.flatnonzero(mean <= value + 1e-12 if at_most else mean >= value - 1e-12)
        if self.store_cv_results:
            results.update(constraint=(name, value), constraint_mean=mean)
        if allowed.size == 0:
            reached = mean.min() if at_most else mean.max()
            raise ValueError(
                f"No threshold meets constraint={self.constraint!r}: on the out-of-fold "
                f"predictions the {'lowest' if at_most else 'highest'} mean {name} is "
                f"{reached:.4f}. Loosen the constraint or improve the estimator."
            )
        return allowed

    def _fit_multiclass(self, y_enc, proba, weights, folds, scorer, results):
        confusion_scorer = ConfusionScorer(scorer, self.classes_, None)
        class_weights, fold_scores, argmax_scores, history, n_sweeps = tune_class_weights(
            y_enc, proba, weights, folds, confusion_scorer, self.classes_.shape[0],
            self.max_iter, self.max_candidates)
        self.class_weights_ = class_weights
        self.best_score_ = float(fold_scores.mean())
        results["n_iter"] = n_sweeps
        if self.store_cv_results:
            results.update(
                class_weights=class_weights, fold_scores=fold_scores,
                argmax_fold_scores=argmax_scores, history=history,
                scoring=_scoring_name(self.scoring, "f1_macro"), pos_label=None,
            )

    def _fit_cost(self, y_enc, proba, weights, folds, cost, results):
        self.cost_matrix_ = cost
        pred = np.argmin(proba @ cost, axis=1)
        fold_costs = np.array([
            np.average(cost[y_enc[fold], pred[fold]], weights=weights[fold]) for fold in folds
        ])
        self.best_score_ = float(-fold_costs.mean())
        if self.store_cv_results:
            results.update(fold_scores=-fold_costs, scoring="negative mean cost",
                           pos_label=None)

    # ----------------------------------------------------------------- predicting
    @fill_doc
    def predict(self, X):
        """Predict classes with the tuned decision rule.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels from ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        if self.cost_matrix is not None:
            proba = _responses(self.estimator_, X, "predict_proba", self.classes_)
            return self.classes_[np.argmin(proba @ self.cost_matrix_, axis=1)]
        if self.class_weights_ is not None:
            proba = _responses(self.estimator_, X, "predict_proba", self.classes_)
            return self.classes_[np.argmax(proba * self.class_weights_, axis=1)]
        pos_index = int(np.flatnonzero(self.classes_ == self.pos_label_)[0])
        values = _responses(self.estimator_, X, self.response_method_, self.classes_)
        score = values[:, pos_index] if values.ndim == 2 else (
            values if pos_index == 1 else -values)
        return np.where(score >= self.best_threshold_, self.classes_[pos_index],
                        self.classes_[1 - pos_index])

    @available_if(_estimator_has("predict_proba"))
    @fill_doc
    def predict_proba(self, X):
        """Class probabilities of the wrapped estimator (the tuning does not change them).

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``estimator_.predict_proba(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    @fill_doc
    def predict_log_proba(self, X):
        """Log of the wrapped estimator's class probabilities.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``estimator_.predict_log_proba(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    @fill_doc
    def decision_function(self, X):
        """Decision function of the wrapped estimator.

        Parameters
        ----------
        {X_passthrough}

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            ``estimator_.decision_function(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    # ----------------------------------------------------------------- routing, tags
    def get_metadata_routing(self):
        """Route ``fit`` metadata to the estimator, the splitter and the scorer.

        Returns
        -------
        routing : MetadataRouter
            The routing of this meta-estimator.
        """
        scorer = check_scoring(self.estimator, scoring=self.scoring or (
            "neg_log_loss" if self.cost_matrix is not None else "f1"))
        return (
            MetadataRouter(owner=self)
            .add(estimator=self.estimator,
                 method_mapping=MethodMapping().add(callee="fit", caller="fit"))
            .add(splitter=self.cv,
                 method_mapping=MethodMapping().add(callee="split", caller="fit"))
            .add(scorer=scorer,
                 method_mapping=MethodMapping().add(callee="score", caller="fit"))
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags = inner.input_tags
        tags.classifier_tags.multi_class = True
        return tags


def _scoring_name(scoring, default):
    if scoring is None:
        return default
    return scoring if isinstance(scoring, str) else repr(scoring)
