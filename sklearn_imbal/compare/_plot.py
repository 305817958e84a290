"""Plots of a comparison: minority precision-recall curves and the threshold curve."""

import io

import numpy as np

from ._checks import RANK_METRICS
from ._techniques import tuning_scorer

__all__ = ["plot_pr_curves", "plot_threshold_curve", "render_pngs"]


def plot_pr_curves(result, ax=None):
    """See :meth:`ComparisonResult.plot_pr_curves`."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import PrecisionRecallDisplay, precision_score, recall_score

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 6))
    column = result.classes.index(result.minority)
    positive = result.y == result.minority
    for technique in result.ranking:
        if technique not in result.oof_proba:
            continue
        mean_ap = result.summary(technique).get("average_precision", (np.nan,))[0]
        display = PrecisionRecallDisplay.from_predictions(
            positive, result.oof_proba[technique][:, column], ax=ax)
        display.line_.set_linewidth(1.2)
        display.line_.set_label(f"{result.labels[technique]} (AP {mean_ap:.3f})")
        pred = result.oof_pred[technique] == result.minority
        ax.plot(recall_score(positive, pred), precision_score(positive, pred,
                                                              zero_division=0),
                "o", color=display.line_.get_color(), markersize=8,
                markeredgecolor="black", zorder=5)
    ax.axhline(positive.mean(), color="grey", linestyle=":", linewidth=1,
               label=f"chance ({positive.mean():.3f})")
    ax.set(xlabel="Recall", ylabel="Precision", xlim=(0, 1.01), ylim=(0, 1.01))
    ax.set_title(f"Minority class {result.minority!r}: out-of-fold precision-recall; "
                 "dots: each technique's decisions", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small",
              title="AP: mean over folds")
    return ax


def plot_threshold_curve(result, technique=None, ax=None):
    """See :meth:`ComparisonResult.plot_threshold_curve`."""
    from ..threshold import ThresholdCurveDisplay

    if len(result.classes) != 2:
        raise ValueError("The threshold curve needs a binary problem.")
    if technique is None:
        technique = result.info.get("combination_base") or "baseline"
    scoring, _ = tuning_scorer(result.rank_by, result.minority, True)
    score = result.oof_proba[technique][:, result.classes.index(result.minority)]
    metric = RANK_METRICS.get(result.rank_by)[0] if scoring != "matthews_corrcoef" else "MCC"
    display = ThresholdCurveDisplay.from_predictions(
        result.y, score, scoring=scoring, pos_label=result.minority, folds=result.folds,
        score_name=metric, ax=ax, name=result.labels[technique])
    display.ax_.set_title(f"{result.labels[technique]}: out-of-fold {metric} by threshold")
    return display


def render_pngs(result, dpi=110):
    """The plots of ``result`` as PNG files by kind; None when matplotlib is not installed.

    ``"pr_curves"``, and ``"threshold_curve"`` for a binary problem. Each is drawn on a
    ``Figure`` of its own, outside pyplot, so it renders headless, with the user's
    backend and pyplot's figures left as they are.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    plots = {"pr_curves": (plot_pr_curves, (11, 6))}
    if len(result.classes) == 2:
        plots["threshold_curve"] = (plot_threshold_curve, (8, 5))
    pngs = {}
    for kind, (plot, size) in plots.items():
        fig = Figure(figsize=size)
        plot(result, ax=fig.subplots())
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        pngs[kind] = buffer.getvalue()
    return pngs
