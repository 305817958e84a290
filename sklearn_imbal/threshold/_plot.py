"""Plot of a score against the decision threshold of a binary classifier.

:class:`ThresholdCurveDisplay` follows scikit-learn's visualization API
(:class:`~sklearn.metrics.PrecisionRecallDisplay`,
:class:`~sklearn.calibration.CalibrationDisplay`): the constructor only stores the curves,
:meth:`~ThresholdCurveDisplay.plot` draws them, and the class methods
:meth:`~ThresholdCurveDisplay.from_cv_results` and :meth:`~ThresholdCurveDisplay.from_estimator`
compute them from a fitted :class:`sklearn_imbal.threshold.ThresholdTunedClassifier`, and
:meth:`~ThresholdCurveDisplay.from_predictions` from scores of any classifier. matplotlib is
imported only when something is drawn.
"""

import re
from collections.abc import Mapping
from functools import partial

import numpy as np
from sklearn.utils.validation import check_consistent_length, check_is_fitted

# The one place of this module's scikit-learn internals, which have no public replacement:
# the base class of its binary curve Displays (axes, figure and name handling, an
# estimator's response values) and its rules for score names and style keyword arguments,
# so that this Display behaves as scikit-learn's do. The matplotlib check comes from
# sklearn-compat, loaded at the first call (see ``utils/_sklearn``).
from sklearn.utils._plotting import (  # isort: skip
    _BinaryClassifierCurveDisplayMixin,
    _validate_score_name,
    _validate_style_kwargs,
)

from ..utils._docstring import fill_doc
from ..utils._validation import python_scalar
from ._sweep import positive_index, resolve_scorer, threshold_sweep, tie_break

__all__ = ["ThresholdCurveDisplay"]


def check_matplotlib_support(caller):
    """An ImportError naming ``caller`` when matplotlib is missing."""
    from sklearn_compat.utils._optional_dependencies import check_matplotlib_support

    check_matplotlib_support(caller)


# Keys that every binary ``cv_results_`` of ThresholdTunedClassifier(store_cv_results=True) has
# and that the plot cannot do without; "precision", "recall", "scoring" and "pos_label" are used
# when present.
_REQUIRED_CV_KEYS = ("thresholds", "scores", "mean_score", "best_threshold", "best_score")


def _scoring_name(scoring):
    """The name of a scoring string, scorer object or score function, or None."""
    if scoring is None:
        return None
    if not isinstance(scoring, str):
        if hasattr(scoring, "__name__"):  # a score function
            return scoring.__name__
        scoring = repr(scoring)  # a scorer object
    # a scorer's repr, also in cv_results_["scoring"]: keep its metric's name
    match = re.match(r"make_scorer\((\w+)", scoring)
    return match.group(1) if match else scoring


def _as_curve(values, name, n_thresholds):
    """``values`` as a 1-D float array with one value per threshold."""
    values = np.asarray(values, dtype=float)
    if values.shape != (n_thresholds,):
        raise ValueError(
            f"{name} must have one value per threshold, shape ({n_thresholds},); got an array "
            f"of shape {values.shape}."
        )
    return values


def _as_interval(interval):
    """``interval`` as two finite floats, low <= high."""
    try:
        values = np.asarray(interval, dtype=float)
    except (TypeError, ValueError):
        values = np.full(0, np.nan)
    if values.shape != (2,) or not np.all(np.isfinite(values)) or values[0] > values[1]:
        raise ValueError(
            "best_score_interval must be two finite numbers (low, high) with low <= high, "
            f"e.g. cv_results_['best_score_interval']; got {interval!r:.80}."
        )
    return float(values[0]), float(values[1])


class ThresholdCurveDisplay(_BinaryClassifierCurveDisplayMixin):
    """Score of a binary classifier against its decision threshold.

    Draws the score (e.g. F1) at every candidate decision threshold, the per-fold curves of a
    cross-validated search, precision and recall at the same thresholds, and a vertical line at
    the chosen threshold.

    It is recommended to build the display with :meth:`from_cv_results` (the curves of the
    cross-validated search) or :meth:`from_estimator` (the curves on held-out data). All
    parameters are stored as attributes.

    Parameters
    ----------
    thresholds : array-like of shape (n_thresholds,)
        Candidate decision thresholds, ascending. A sample is predicted as the positive class
        when its score is greater than or equal to the threshold.

    scores : array-like of shape (n_thresholds,)
        Score at each threshold; with ``fold_scores``, the mean over the folds.

    best_threshold : float
        The chosen decision threshold, marked by a vertical line.

    best_score : float, default=None
        Score at ``best_threshold``, shown in the legend. If None, only the threshold is shown.

    fold_scores : array-like of shape (n_folds, n_thresholds), default=None
        Score of each cross-validation fold at each threshold. If None, no fold curves are
        drawn.

    precision : array-like of shape (n_thresholds,), default=None
        Precision at each threshold. If None, no precision curve is drawn.

    recall : array-like of shape (n_thresholds,), default=None
        Recall at each threshold. If None, no recall curve is drawn.

    score_name : str, default=None
        Name of the score, used for the y-axis label and the legend. If None, "Score".

    pos_label : int, float, bool or str, default=None
        The positive class. If not None, it is shown as the title of the legend.

    constraint : tuple of (str, float), default=None
        The constraint the threshold was tuned under (``ThresholdTunedClassifier``'s
        ``constraint``), e.g. ``("precision", 0.9)``: its bound is drawn as a
        horizontal line, with ``constraint_values`` as a curve.

    constraint_values : array-like of shape (n_thresholds,), default=None
        The constrained rate at each threshold (mean over the folds).

    best_score_interval : tuple of (float, float), default=None
        An interval of ``best_score`` (``ThresholdTunedClassifier``'s
        ``cv_results_["best_score_interval"]``, a 95% bootstrap interval), drawn as a
        horizontal band: thresholds whose score curve runs inside it score as well as the
        chosen one within the tuning data's noise. If None, no band is drawn.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The score curve.

    fold_lines_ : list of matplotlib Line2D or None
        One curve per fold, or None when ``fold_scores`` is None or ``show_folds=False``.

    precision_line_ : matplotlib Line2D or None
        The precision curve, or None when it is not drawn.

    recall_line_ : matplotlib Line2D or None
        The recall curve, or None when it is not drawn.

    best_threshold_line_ : matplotlib Line2D
        The vertical line at ``best_threshold``.

    constraint_line_ : matplotlib Line2D or None
        The constrained rate's curve, or None without ``constraint_values``.

    constraint_bound_line_ : matplotlib Line2D or None
        The horizontal line at the constraint's bound, or None without ``constraint``.

    best_score_band_ : matplotlib patch or None
        The band of ``best_score_interval``, or None when it is not drawn.

    ax_ : matplotlib Axes
        Axes with the curves.

    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    sklearn_imbal.threshold.ThresholdTunedClassifier : Tunes the decision threshold.
    sklearn_imbal.threshold.threshold_sweep : Score of a classifier at every threshold.
    sklearn.metrics.PrecisionRecallDisplay : Precision-recall curve.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_imbal.threshold import ThresholdCurveDisplay
    >>> thresholds = np.linspace(0.1, 0.9, 9)
    >>> scores = np.array([0.30, 0.42, 0.55, 0.63, 0.66, 0.61, 0.50, 0.35, 0.20])
    >>> disp = ThresholdCurveDisplay(
    ...     thresholds=thresholds, scores=scores, best_threshold=0.5, best_score=0.66,
    ...     score_name="F1")
    >>> disp.plot()
    <...ThresholdCurveDisplay object at ...>
    >>> disp.best_threshold_line_.get_xdata()
    [0.5, 0.5]
    >>> disp.ax_.get_xlabel(), disp.ax_.get_ylabel()
    ('Decision threshold', 'F1')
    >>> [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    ['F1', 'Best threshold = 0.5 (F1 = 0.66)']
    """

    def __init__(
        self,
        *,
        thresholds,
        scores,
        best_threshold,
        best_score=None,
        fold_scores=None,
        precision=None,
        recall=None,
        score_name=None,
        pos_label=None,
        constraint=None,
        constraint_values=None,
        best_score_interval=None,
    ):
        self.thresholds = thresholds
        self.scores = scores
        self.best_threshold = best_threshold
        self.best_score = best_score
        self.fold_scores = fold_scores
        self.precision = precision
        self.recall = recall
        self.score_name = score_name
        self.pos_label = pos_label
        self.constraint = constraint
        self.constraint_values = constraint_values
        self.best_score_interval = best_score_interval

    def plot(self, ax=None, *, name=None, show_folds=True, show_precision_recall=True,
             show_interval=True, **kwargs):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes object to plot on. If None, a new figure and axes is created.

        name : str, default=None
            Name of the classifier, prepended to the score curve's legend entry. If None, the
            legend entry is the score name alone.

        show_folds : bool, default=True
            Whether to draw the per-fold curves (thin and transparent) when ``fold_scores``
            is not None.

        show_precision_recall : bool, default=True
            Whether to draw the precision and recall curves (dashed) when they are not None.

        show_interval : bool, default=True
            Whether to draw the band of ``best_score_interval`` when it is not None.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the score curve.

        Returns
        -------
        display : ThresholdCurveDisplay
            Object that stores the drawn artists.
        """
        self.ax_, self.figure_, name = self._validate_plot_params(ax=ax, name=name)

        thresholds = np.asarray(self.thresholds, dtype=float)
        if thresholds.ndim != 1 or thresholds.shape[0] == 0:
            raise ValueError(
                "thresholds must be a non-empty 1-D array of shape (n_thresholds,); got an "
                f"array of shape {thresholds.shape}."
            )
        if not np.all(np.isfinite(thresholds)):
            raise ValueError(
                "thresholds holds NaN or infinite values, which cannot be drawn on the "
                "threshold axis: pass the finite candidate thresholds."
            )
        n_thresholds = thresholds.shape[0]
        scores = _as_curve(self.scores, "scores", n_thresholds)
        fold_scores = None
        if self.fold_scores is not None:
            fold_scores = np.asarray(self.fold_scores, dtype=float)
            if fold_scores.ndim != 2 or fold_scores.shape[1] != n_thresholds:
                raise ValueError(
                    "fold_scores must have shape (n_folds, n_thresholds) with n_thresholds="
                    f"{n_thresholds}; got an array of shape {fold_scores.shape}."
                )
        score_name = self.score_name if self.score_name is not None else "Score"

        label = score_name
        if fold_scores is not None and show_folds:
            label = f"{score_name} (mean of {fold_scores.shape[0]} folds)"
        if name is not None:
            label = f"{name} ({label})"
        line_kwargs = _validate_style_kwargs({"label": label, "linewidth": 2}, kwargs)
        (self.line_,) = self.ax_.plot(thresholds, scores, **line_kwargs)

        self.fold_lines_ = None
        if fold_scores is not None and show_folds:
            self.fold_lines_ = []
            for fold_idx, fold in enumerate(fold_scores):
                (fold_line,) = self.ax_.plot(
                    thresholds,
                    fold,
                    color=self.line_.get_color(),
                    linewidth=0.8,
                    alpha=0.3,
                    zorder=self.line_.get_zorder() - 0.5,
                    label=f"{score_name} per fold" if fold_idx == 0 else "_nolegend_",
                )
                self.fold_lines_.append(fold_line)

        self.precision_line_ = self.recall_line_ = None
        if show_precision_recall and self.precision is not None:
            precision = _as_curve(self.precision, "precision", n_thresholds)
            (self.precision_line_,) = self.ax_.plot(
                thresholds, precision, linestyle="--", linewidth=1.2, label="Precision"
            )
        if show_precision_recall and self.recall is not None:
            recall = _as_curve(self.recall, "recall", n_thresholds)
            (self.recall_line_,) = self.ax_.plot(
                thresholds, recall, linestyle="--", linewidth=1.2, label="Recall"
            )

        self.constraint_line_ = self.constraint_bound_line_ = None
        if self.constraint is not None:
            metric, bound = self.constraint
            if self.constraint_values is not None:
                values = _as_curve(self.constraint_values, "constraint_values", n_thresholds)
                (self.constraint_line_,) = self.ax_.plot(
                    thresholds, values, linestyle="-.", linewidth=1.2,
                    label=f"{str(metric).capitalize()} (mean of the folds)")
            sense = "<=" if metric == "flagged" else ">="
            self.constraint_bound_line_ = self.ax_.axhline(
                float(bound), color="0.4", linestyle="-.", linewidth=1,
                label=f"Constraint: {metric} {sense} {float(bound):.3g}")

        self.best_score_band_ = None
        if show_interval and self.best_score_interval is not None:
            low, high = _as_interval(self.best_score_interval)
            self.best_score_band_ = self.ax_.axhspan(
                low, high, color=self.line_.get_color(), alpha=0.12, linewidth=0,
                zorder=self.line_.get_zorder() - 1,
                label=f"95% interval of the best {score_name} [{low:.3g}, {high:.3g}]")

        best_threshold = float(self.best_threshold)
        best_label = f"Best threshold = {best_threshold:.3g}"
        if self.best_score is not None:
            best_label += f" ({score_name} = {float(self.best_score):.3g})"
        self.best_threshold_line_ = self.ax_.axvline(
            best_threshold, color="k", linestyle=":", linewidth=1.5, label=best_label
        )

        self.ax_.set(xlabel="Decision threshold", ylabel=score_name)
        legend_title = None if self.pos_label is None else f"Positive label: {self.pos_label}"
        self.ax_.legend(loc="best", title=legend_title)
        return self

    @classmethod
    @fill_doc
    def from_cv_results(cls, cv_results, *, ax=None, name=None, **kwargs):
        """Plot the curves of a fitted ThresholdTunedClassifier's threshold search.

        The score curve is the mean over the cross-validation folds, the fold curves are each
        fold's scores, and precision and recall are those of the pooled out-of-fold
        predictions, all at the thresholds that the search tried.

        Parameters
        ----------
        cv_results : dict
            The ``cv_results_`` attribute of a binary
            :class:`~sklearn_imbal.threshold.ThresholdTunedClassifier` fitted with
            ``store_cv_results=True``.

        {display_draw}

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_imbal.threshold import ThresholdCurveDisplay, ThresholdTunedClassifier
        >>> X, y = make_classification(weights=[0.9], random_state=0)
        >>> clf = ThresholdTunedClassifier(LogisticRegression(), store_cv_results=True)
        >>> clf = clf.fit(X, y)
        >>> disp = ThresholdCurveDisplay.from_cv_results(clf.cv_results_)
        >>> disp.best_threshold_line_.get_xdata()[0] == clf.best_threshold_
        True
        >>> len(disp.fold_lines_), disp.ax_.get_ylabel()
        (5, 'F1')
        >>> low, high = clf.cv_results_["best_score_interval"]  # drawn as a band
        >>> bool(low <= clf.best_score_ <= high), disp.best_score_band_ is not None
        (True, True)
        """
        check_matplotlib_support(f"{cls.__name__}.from_cv_results")
        if cv_results is None:
            raise ValueError(
                "cv_results is None: the estimator kept no cv_results_. Fit "
                "ThresholdTunedClassifier(..., store_cv_results=True) and pass its "
                "cv_results_, or use ThresholdCurveDisplay.from_estimator on held-out data."
            )
        if not isinstance(cv_results, Mapping):
            hint = (
                " Pass estimator.cv_results_, or use ThresholdCurveDisplay.from_estimator."
                if hasattr(cv_results, "cv_results_") or hasattr(cv_results, "fit")
                else ""
            )
            raise ValueError(
                "cv_results must be the cv_results_ dict of a ThresholdTunedClassifier fitted "
                f"with store_cv_results=True; got {type(cv_results).__name__}.{hint}"
            )
        if "thresholds" not in cv_results and "class_weights" in cv_results:
            raise ValueError(
                "ThresholdCurveDisplay needs a binary ThresholdTunedClassifier: these "
                "cv_results_ are from a multiclass fit, which tunes class weights instead of "
                "a decision threshold and has no 'thresholds'."
            )
        if "thresholds" not in cv_results and "fold_scores" in cv_results:
            raise ValueError(
                "These cv_results_ are from a fit with a cost_matrix, which tunes no decision "
                "threshold and has no 'thresholds': there is no threshold curve to plot."
            )
        missing = [key for key in _REQUIRED_CV_KEYS if key not in cv_results]
        if missing:
            raise ValueError(
                f"cv_results lacks the key(s) {missing}; expected the cv_results_ of a binary "
                "ThresholdTunedClassifier fitted with store_cv_results=True."
            )
        score_name = _validate_score_name(
            None, _scoring_name(cv_results.get("scoring")), negate_score=False
        )
        display = cls(
            thresholds=cv_results["thresholds"],
            scores=cv_results["mean_score"],
            best_threshold=cv_results["best_threshold"],
            best_score=cv_results["best_score"],
            fold_scores=cv_results["scores"],
            precision=cv_results.get("precision"),
            recall=cv_results.get("recall"),
            score_name=score_name,
            pos_label=cv_results.get("pos_label"),
            constraint=cv_results.get("constraint"),
            constraint_values=cv_results.get("constraint_mean"),
            best_score_interval=cv_results.get("best_score_interval"),
        )
        return display.plot(ax=ax, name=name, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, sample_weight=None, ax=None, name=None, **kwargs
    ):
        """Plot a fitted ThresholdTunedClassifier's score against the threshold on data.

        The scores are computed on ``(X, y)``, e.g. held-out data, from the estimator's own
        response (``predict_proba`` or ``decision_function``, as in its threshold search) with
        :func:`~sklearn_imbal.threshold.threshold_sweep`, for the estimator's ``scoring``
        (F1 when None) and for precision and recall. The vertical line marks the estimator's
        ``best_threshold_``.

        Parameters
        ----------
        estimator : ThresholdTunedClassifier
            Fitted binary :class:`~sklearn_imbal.threshold.ThresholdTunedClassifier`.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input values.

        y : array-like of shape (n_samples,)
            Binary target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights for the scores.

        ax : matplotlib Axes, default=None
            Axes object to plot on. If None, a new figure and axes is created.

        name : str, default=None
            Name of the classifier, prepended to the score curve's legend entry. If None, the
            estimator's class name.

        **kwargs : dict
            Keyword arguments passed to :meth:`plot` (``show_precision_recall``, and
            matplotlib's ``plot`` arguments for the score curve).

        Returns
        -------
        display : ThresholdCurveDisplay
            Object that stores the curves and the drawn artists.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.model_selection import train_test_split
        >>> from sklearn_imbal.threshold import ThresholdCurveDisplay, ThresholdTunedClassifier
        >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
        >>> clf = ThresholdTunedClassifier(LogisticRegression()).fit(X_train, y_train)
        >>> disp = ThresholdCurveDisplay.from_estimator(clf, X_test, y_test)
        >>> disp.best_threshold_line_.get_xdata()[0] == clf.best_threshold_
        True
        >>> disp.ax_.get_xlabel(), disp.ax_.get_ylabel()
        ('Decision threshold', 'F1')
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        n_classes = len(getattr(estimator, "classes_", ()))
        if n_classes != 2:
            raise ValueError(
                "ThresholdCurveDisplay needs a binary classifier with a tuned decision "
                f"threshold; the estimator was fitted on {n_classes} classes."
            )
        if getattr(estimator, "best_threshold_", None) is None:
            reason = (
                "it was fitted with a cost_matrix"
                if getattr(estimator, "cost_matrix", None) is not None
                else "it has no best_threshold_"
            )
            raise ValueError(
                "ThresholdCurveDisplay.from_estimator needs a ThresholdTunedClassifier that "
                f"tuned a decision threshold; {type(estimator).__name__} did not: {reason}."
            )
        check_consistent_length(X, y, sample_weight)

        cv_results = getattr(estimator, "cv_results_", None)
        response_method = None
        if isinstance(cv_results, Mapping):
            response_method = cv_results.get("response_method")
        if response_method is None:
            response_method = getattr(estimator, "response_method_", None)
        if response_method is None:
            response_method = (
                "predict_proba" if hasattr(estimator, "predict_proba") else "decision_function"
            )
        # The score of the positive class, with the sign of a decision function flipped when
        # the positive class is classes_[0], as ThresholdTunedClassifier does.
        y_score, pos_label, name = cls._validate_and_get_response_values(
            estimator,
            X,
            y,
            response_method=response_method,
            pos_label=estimator.pos_label_,
            name=name,
        )
        return cls.from_predictions(
            y,
            y_score,
            scoring=estimator.scoring or "f1",
            pos_label=pos_label,
            sample_weight=sample_weight,
            best_threshold=estimator.best_threshold_,
            ax=ax,
            name=name,
            **kwargs,
        )

    @classmethod
    @fill_doc
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        scoring="f1",
        pos_label=None,
        thresholds="auto",
        sample_weight=None,
        best_threshold=None,
        folds=None,
        score_name=None,
        ax=None,
        name=None,
        **kwargs,
    ):
        """Plot the score of a binary classifier's predictions against the threshold.

        The score curve is computed exactly with
        :func:`~sklearn_imbal.threshold.threshold_sweep` (a sample is predicted positive when
        its score is greater than or equal to the threshold), precision and recall of
        ``pos_label`` at the same thresholds. With ``folds`` (e.g. out-of-fold scores of a
        cross-validation), the score curve is the mean of one curve per fold, and precision and
        recall are those of all the samples pooled.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True binary labels.

        y_score : array-like of shape (n_samples,)
            Scores of the positive class: probabilities or decision values.

        scoring : str or scorer, default="f1"
            A metric of predicted labels: a scorer name or a
            :func:`~sklearn.metrics.make_scorer` object (see
            :func:`~sklearn_imbal.threshold.threshold_sweep`).

        pos_label : int, float, bool or str, default=None
            The positive class. If None, the scorer's ``pos_label`` if it sets one, else the
            greater of the two labels.

        thresholds : "auto", int or array-like, default="auto"
            The candidate thresholds: ``"auto"``, every place a prediction changes; an int,
            that many evenly spaced between the lowest and the highest score; an array, those.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights for the scores.

        best_threshold : float, default=None
            The threshold to mark. If None, the threshold of the maximum score (the middle one
            of tied maxima, as :class:`~sklearn_imbal.threshold.ThresholdTunedClassifier`
            picks it).

        folds : array-like of shape (n_samples,), default=None
            The fold of each sample, e.g. its cross-validation test fold. If not None, one
            curve per fold is drawn (each fold needs both classes) and their mean is the score
            curve.

        score_name : str, default=None
            Name of the score for the y-axis and the legend. If None, derived from
            ``scoring``.

        {display_draw}

        See Also
        --------
        ThresholdCurveDisplay.from_estimator : The curves of a fitted tuned classifier.
        sklearn.metrics.PrecisionRecallDisplay.from_predictions : Precision-recall curve.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from sklearn_imbal.threshold import ThresholdCurveDisplay
        >>> y_true = np.array([0, 0, 0, 0, 1, 1])
        >>> y_score = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.9])
        >>> disp = ThresholdCurveDisplay.from_predictions(y_true, y_score)
        >>> disp.thresholds.round(3)
        array([0.1 , 0.15, 0.25, 0.35, 0.5 , 0.75, 0.9 ])
        >>> disp.scores.round(3)
        array([0.5  , 0.571, 0.667, 0.8  , 0.5  , 0.667, 0.   ])
        >>> disp.precision.round(3)
        array([0.333, 0.4  , 0.5  , 0.667, 0.5  , 1.   , 0.   ])
        >>> disp.recall
        array([1. , 1. , 1. , 1. , 0.5, 0.5, 0. ])
        >>> float(disp.best_threshold), float(disp.best_score)
        (0.35, 0.8)
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        check_consistent_length(y_true, y_score, sample_weight, folds)
        y_true = np.asarray(y_true)
        y_score = np.asarray(y_score, dtype=float)
        sweep = partial(threshold_sweep, y_true, y_score, pos_label=pos_label,
                        sample_weight=sample_weight)
        thresholds, scores = sweep(scoring=scoring, thresholds=thresholds)
        # The positive class as the sweep resolved it, for precision and recall too.
        classes = np.unique(y_true)
        pos_label = python_scalar(
            classes[positive_index(classes, pos_label, resolve_scorer(scoring, "f1"))]
        )
        precision, recall = (
            sweep(scoring=metric, pos_label=pos_label, thresholds=thresholds)[1]
            for metric in ("precision", "recall")
        )
        fold_scores = None
        if folds is not None:
            folds = np.asarray(folds)
            weights = None if sample_weight is None else np.asarray(sample_weight)
            fold_scores = np.array([
                threshold_sweep(
                    y_true[folds == fold],
                    y_score[folds == fold],
                    scoring=scoring,
                    pos_label=pos_label,
                    thresholds=thresholds,
                    sample_weight=None if weights is None else weights[folds == fold],
                )[1]
                for fold in np.unique(folds)
            ])
            scores = fold_scores.mean(axis=0)
        if best_threshold is None:
            best = tie_break(scores)
            best_threshold = thresholds[best]
        else:
            best = np.argmin(np.abs(thresholds - best_threshold))
        display = cls(
            thresholds=thresholds,
            scores=scores,
            best_threshold=best_threshold,
            best_score=scores[best],
            fold_scores=fold_scores,
            precision=precision,
            recall=recall,
            score_name=_validate_score_name(
                score_name, _scoring_name(scoring), negate_score=False
            ),
            pos_label=pos_label,
        )
        return display.plot(ax=ax, name=name, **kwargs)
