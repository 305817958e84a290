"""ComparisonResult: the scores of a comparison, its ranking, recommendation and files."""

import json
import math
import os
from pathlib import Path

import numpy as np

from ..utils._paths import COMPARISON_MARKER, check_output_dir
from ..utils._validation import minority_label, python_scalar
from ._checks import RANK_METRICS
from ._plot import plot_pr_curves, plot_threshold_curve, render_pngs
from ._report import render_report
from ._stats import corrected_resampled_ttest
from ._techniques import build_deployable

__all__ = ["ComparisonResult"]

# Columns of the printed table, in order: key -> header.
TABLE_COLUMNS = {
    "macro_f1": "macro F1", "minority_precision": "min. prec", "minority_recall": "min. rec",
    "minority_f1": "min. F1", "auroc": "AUROC", "average_precision": "AP", "mcc": "MCC",
    "brier_score": "Brier", "fit_time": "fit s",
}

# What from_json needs of a saved comparison (to_dict writes these and more).
_SAVED_KEYS = ("fold_scores", "labels", "skipped", "rank_by", "y", "folds", "oof_proba",
               "oof_pred", "info")


def clean(value):
    """JSON-safe Python value: nan -> None, numpy scalars -> Python."""
    value = python_scalar(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def mean_sd(values):
    values = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return float("nan"), float("nan")
    return float(np.nanmean(values)), float(np.nanstd(values))


class ComparisonResult:
    """Scores of every technique on the same folds, their ranking and a recommendation.

    Built by :func:`compare_techniques`; holds numbers and arrays only, so
    :meth:`to_json` / :meth:`from_json` round-trip it.

    Parameters
    ----------
    fold_scores : dict of str to list of dict
        For each evaluated technique, one dict per test fold: the metrics of
        :func:`~sklearn_imbal.metrics.imbalanced_scores` and ``fit_time`` (seconds).
        The same ``cv`` x ``repeats`` folds for every technique, in the same order
        (the ``cv`` folds of the first repeat, then those of the second, ...).
    labels : dict of str to str
        Display name of each technique.
    skipped : dict of str to str
        Techniques not evaluated, with the reason (not applicable, or failed).
    rank_by : str
        The ranking metric, a key of ``RANK_METRICS``.
    y : array-like of shape (n_samples,)
        The labels.
    folds : array-like of shape (n_samples,)
        Test-fold index of each sample in the first repeat.
    oof_proba : dict of str to array-like of shape (n_samples, n_classes)
        Out-of-fold probabilities of each technique (columns in ``classes`` order),
        from the first repeat: every row's value comes from the model of its test fold
        in ``folds``.
    oof_pred : dict of str to array-like of shape (n_samples,)
        Out-of-fold predicted labels of each technique, from the first repeat.
    info : dict
        Context: data kind, model family, number of folds (``cv``) and of repeats
        (``repeats``, 1 when missing), notes, timings.

    Attributes
    ----------
    classes : list
        The class labels, sorted.
    minority : object
        The minority class (least frequent in ``y``).
    ranking : list of str
        Evaluated techniques, best first by ``rank_by``.
    recommendation : str
        One paragraph: the technique to use, its score and the baseline's, and whether
        it is better than the baseline and than the runner-up at 95%
        (:meth:`paired_test`).
    table : pandas.DataFrame
        One row per technique, ranked: ``<metric>_mean`` and ``<metric>_sd`` columns,
        and the paired test against the baseline on the ranking metric
        (``vs_baseline_difference``, ``vs_baseline_low``, ``vs_baseline_high``,
        ``vs_baseline_p``; nan on the baseline's row).

    See Also
    --------
    compare_techniques : Builds the result.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_imbal.compare import ComparisonResult, compare_techniques
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> result = compare_techniques(X, y, cv=2, techniques=["random_undersampling"],
    ...                             progress=False)
    >>> print(result.format_table())  # doctest: +ELLIPSIS
     # technique                 macro F1   min. prec    min. rec     min. F1 ...
    ---...
     1 baseline               0.783±0.013 0.917±0.083 0.450±0.050 0.598±0.027 ...
     2 random undersampling   0.633±0.105 0.308±0.113 0.850±0.050 0.437±0.115 ...
    >>> again = ComparisonResult.from_json(result.to_json())
    >>> again.ranking == result.ranking, again.oof_proba["baseline"].shape
    (True, (200, 2))
    """

    def __init__(self, *, fold_scores, labels, skipped, rank_by, y, folds, oof_proba,
                 oof_pred, info):
        self.fold_scores = fold_scores
        self.labels = labels
        self.skipped = skipped
        self.rank_by = rank_by
        self.y = np.asarray(y)
        self.folds = np.asarray(folds)
        self.oof_proba = {k: np.asarray(v, dtype=float) for k, v in oof_proba.items()}
        self.oof_pred = {k: np.asarray(v) for k, v in oof_pred.items()}
        self.info = info
        self.classes = [python_scalar(c) for c in np.unique(self.y)]
        values, counts = np.unique(self.y, return_counts=True)
        self.minority = minority_label(values, counts)

    # -------------------------------------------------------------- numbers
    def summary(self, technique):
        """``{metric: (mean, sd)}`` over the folds for one technique."""
        folds = self.fold_scores[technique]
        keys = list(folds[0]) if folds else []
        return {key: mean_sd([fold.get(key) for fold in folds]) for key in keys}

    def paired_test(self, technique, other="baseline", *, confidence=0.95):
        """Is ``technique`` better than ``other`` on the ranking metric, beyond chance?

        Both were scored on the same folds: the test is Nadeau and Bengio's corrected
        resampled t-test (:func:`~sklearn_imbal.compare._stats.corrected_resampled_ttest`)
        of the fold-by-fold differences, ``technique`` minus ``other``, with
        ``n_test / n_train = 1 / (cv - 1)`` and ``cv`` x ``repeats`` folds. More repeats
        (``compare_techniques(repeats=...)``) narrow the interval.

        Parameters
        ----------
        technique, other : str
            Two evaluated techniques.
        confidence : float, default=0.95
            Level of the interval.

        Returns
        -------
        test : dict
            ``technique``, ``other``, ``metric`` (``rank_by``), ``difference`` (mean
            of ``technique``'s score minus ``other``'s, in the metric's units: negative
            means lower, which is better for the Brier score), ``low`` and ``high``
            (its interval), ``p_value``, ``df``, ``n_folds``, ``confidence`` and
            ``verdict``: ``"better"`` or ``"worse"`` when the interval excludes 0 (on
            the metric's better or worse side), else ``"not distinguishable"``.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_imbal.compare import compare_techniques
        >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=1)
        >>> result = compare_techniques(X, y, cv=5, rank_by="brier_score", progress=False,
        ...                             techniques=["random_undersampling"])
        >>> for a, b in [("random_undersampling", "baseline"),
        ...              ("baseline", "random_undersampling")]:
        ...     test = result.paired_test(a, b)
        ...     print(f"{a} vs {b}: {test['verdict']}, Brier {test['difference']:+.3f} "
        ...           f"[{test['low']:+.3f}, {test['high']:+.3f}], p = {test['p_value']:.3f}")
        random_undersampling vs baseline: worse, Brier +0.130 [+0.076, +0.183], p = 0.003
        baseline vs random_undersampling: better, Brier -0.130 [-0.183, -0.076], p = 0.003
        """
        for name in (technique, other):
            if name not in self.fold_scores:
                raise ValueError(f"{name!r} was not evaluated in this comparison; choose "
                                 f"among {self.ranking}.")
        metric = self.rank_by
        differences = [a.get(metric, np.nan) - b.get(metric, np.nan)
                       for a, b in zip(self.fold_scores[technique], self.fold_scores[other])]
        test = corrected_resampled_ttest(differences, 1 / (self.info["cv"] - 1),
                                         confidence=confidence)
        greater = RANK_METRICS[metric][1]
        verdict = "not distinguishable"
        if test["low"] > 0 or test["high"] < 0:
            verdict = "better" if (test["low"] > 0) == greater else "worse"
        return {"technique": technique, "other": other, "metric": metric, **test,
                "confidence": confidence, "verdict": verdict}

    @property
    def ranking(self):
        name, greater = RANK_METRICS[self.rank_by]
        means = {t: self.summary(t).get(self.rank_by, (np.nan,))[0] for t in self.fold_scores}

        def key(technique):
            value = means[technique]
            if value != value:
                return math.inf
            return -value if greater else value

        return sorted(self.fold_scores, key=key)

    @property
    def table(self):
        """A DataFrame: one row per technique (ranked), ``mean`` and ``sd`` per metric, and
        the paired test against the baseline (``vs_baseline_*``, see :meth:`paired_test`)."""
        import pandas as pd

        rows = []
        for rank, technique in enumerate(self.ranking, start=1):
            row = {"rank": rank, "technique": technique, "label": self.labels[technique]}
            for key, (mean, sd) in self.summary(technique).items():
                row[f"{key}_mean"], row[f"{key}_sd"] = mean, sd
            if "baseline" in self.fold_scores:
                test = self.paired_test(technique) if technique != "baseline" else {}
                for key, column in (("difference", "difference"), ("low", "low"),
                                    ("high", "high"), ("p_value", "p")):
                    row[f"vs_baseline_{column}"] = test.get(key, np.nan)
            rows.append(row)
        return pd.DataFrame(rows).set_index("technique")

    @property
    def protocol(self):
        """The cross-validation the scores come from, in words, e.g. ``"5-fold
        stratified cross-validation repeated 3 times (15 folds)"``."""
        cv, repeats = self.info.get("cv"), self.info.get("repeats", 1)
        where = f"{cv}-fold stratified cross-validation"
        if repeats > 1:
            where += f" repeated {repeats} times ({cv * repeats} folds)"
        return where

    def _verdict(self, test, other):
        """``test``'s verdict as words: "better than <other> at 95% (...)"."""
        if test["n_folds"] < 2:
            return f"not tested against {other} (fewer than 2 folds with a score)"
        words = {"better": "better than", "worse": "worse than",
                 "not distinguishable": "not distinguishable from"}[test["verdict"]]
        p_value = "p < 0.001" if test["p_value"] < 0.001 else f"p = {test['p_value']:.2g}"
        return (f"{words} {other} at {test['confidence']:.0%} "
                f"({RANK_METRICS[self.rank_by][0]} difference {test['difference']:+.3f}, "
                f"interval [{test['low']:+.3f}, {test['high']:+.3f}], corrected resampled "
                f"t-test, {p_value})")

    @property
    def recommendation(self):
        name, _ = RANK_METRICS[self.rank_by]
        ranking = self.ranking
        if not ranking:
            return "No technique could be evaluated."
        best = ranking[0]
        best_mean, best_sd = self.summary(best)[self.rank_by]
        runner = ranking[1] if len(ranking) > 1 else None
        if best == "baseline":
            text = (
                f"Recommended: the baseline ({self.info.get('model', 'the plain model')}); "
                f"no technique beat its {name} of {best_mean:.3f} ± {best_sd:.3f} over "
                f"{self.protocol}."
            )
            if runner is not None:
                mean, sd = self.summary(runner)[self.rank_by]
                text += (f" The runner-up, {self.labels[runner]} ({mean:.3f} ± {sd:.3f}), is "
                         f"{self._verdict(self.paired_test(runner), 'the baseline')}.")
            return text + " The imbalance does not call for a fix on this data and model."
        text = f"Recommended: {self.labels[best]}: {name} {best_mean:.3f} ± {best_sd:.3f}"
        if "baseline" in self.fold_scores:
            base_mean, base_sd = self.summary("baseline")[self.rank_by]
            text += (f" vs baseline {base_mean:.3f} ± {base_sd:.3f} over {self.protocol}. "
                     f"It is {self._verdict(self.paired_test(best), 'the baseline')}.")
        else:
            text += f" over {self.protocol}."
        if best == "best_combination":
            text += (" Its base technique was picked on these same folds, so its score is "
                     "slightly optimistic.")
        if runner is not None:
            mean, sd = self.summary(runner)[self.rank_by]
            text += f" Runner-up: {self.labels[runner]} ({mean:.3f} ± {sd:.3f})"
            if runner != "baseline":
                text += (f"; the recommendation is "
                         f"{self._verdict(self.paired_test(best, runner), 'it')}")
            text += "."
        return text

    def format_table(self):
        """The table as aligned text: mean ± sd per metric, best first."""
        width = max([len("technique")] + [len(self.labels[t]) for t in self.ranking]) + 2
        header = f"{'#':>2} {'technique':{width}s}" + "".join(
            f"{title:>12s}" for title in TABLE_COLUMNS.values())
        lines = [header, "-" * len(header)]
        for rank, technique in enumerate(self.ranking, start=1):
            summary = self.summary(technique)
            cells = []
            for key in TABLE_COLUMNS:
                mean, sd = summary.get(key, (float("nan"), float("nan")))
                digits = 1 if key == "fit_time" else 3
                cells.append(f"{'n/a':>12s}" if mean != mean else
                             f"{f'{mean:.{digits}f}±{sd:.{digits}f}':>12s}")
            lines.append(f"{rank:>2} {self.labels[technique]:{width}s}" + "".join(cells))
        for technique, reason in self.skipped.items():
            lines.append(f" - {self.labels.get(technique, technique)}: {reason}")
        return "\n".join(lines)

    def __str__(self):
        return self.format_table() + "\n\n" + self.recommendation

    # -------------------------------------------------------------- the winner
    def make_estimator(self, technique=None, *, augmenter=None):
        """A fresh, unfitted estimator of a compared technique, ready to fit on all the data.

        The same construction the comparison fitted on each fold (same model, seed,
        threshold-tuning scorer; for ``"best_combination"`` the same base technique),
        made to read raw input: a first step turns texts (a list, Series or column) into
        the column the pipelines read, or a table into the frame the column encoder
        expects. The embeddings family gets a real
        :class:`~sklearn_imbal.text.TransformerEmbedder` instead of the comparison's
        shared cache, so the fitted estimator embeds new texts itself.

        Parameters
        ----------
        technique : str or None, default=None
            A technique of this result; None: the best-ranked one, ``ranking[0]``.
        augmenter : object or None, default=None
            For ``augmentation`` (alone or as the best combination's base): the augmenter
            to use, e.g. the :class:`~sklearn_imbal.sampling.LLMAugmenter` the comparison
            ran with (it is not saved in the result); None: offline word edits.

        Returns
        -------
        estimator : imblearn.pipeline.Pipeline
            Unfitted; ``fit(X, y)`` on data of the compared kind.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_imbal.compare import compare_techniques
        >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
        >>> result = compare_techniques(X, y, cv=3, progress=False,
        ...                             techniques=["class_weight", "threshold"])
        >>> model = result.make_estimator().fit(X, y)  # the winner: threshold tuning
        >>> model[-1].best_threshold_ is not None
        True
        """
        if technique is None:
            technique = self.ranking[0]
        if technique not in self.fold_scores:
            reason = self.skipped.get(technique)
            raise ValueError(
                f"technique={technique!r} was not evaluated in this comparison"
                + (f" ({reason})" if reason else "")
                + f"; choose one of {self.ranking}."
            )
        return build_deployable(technique, self.info, self.rank_by, self.classes,
                                self.minority, augmenter)

    # -------------------------------------------------------------- serialisation
    def to_dict(self):
        """Everything as JSON-ready Python types (nan becomes None).

        Returns
        -------
        result : dict
            ``info``, ``rank_by``, ``classes``, ``minority``, ``labels``, ``skipped``,
            ``ranking``, ``recommendation``, ``paired_tests`` (:meth:`paired_test` of
            every technique against the baseline, ``vs_baseline``, and of the best
            against the runner-up, ``best_vs_runner_up``), ``summary`` (mean and sd per
            metric), ``fold_scores``, ``y``, ``folds``, ``oof_proba`` and ``oof_pred``.
        """
        return {
            "info": self.info,
            "rank_by": self.rank_by,
            "classes": self.classes,
            "minority": self.minority,
            "labels": self.labels,
            "skipped": self.skipped,
            "ranking": self.ranking,
            "recommendation": self.recommendation,
            "paired_tests": self._paired_tests(),
            "summary": {t: {k: {"mean": clean(m), "sd": clean(s)}
                            for k, (m, s) in self.summary(t).items()}
                        for t in self.fold_scores},
            "fold_scores": {t: [{k: clean(v) for k, v in fold.items()} for fold in folds]
                            for t, folds in self.fold_scores.items()},
            "y": [clean(v) for v in self.y.tolist()],
            "folds": self.folds.tolist(),
            "oof_proba": {t: np.round(p, 6).tolist() for t, p in self.oof_proba.items()},
            "oof_pred": {t: [clean(v) for v in p.tolist()] for t, p in self.oof_pred.items()},
        }

    def _paired_tests(self):
        """The tests behind the recommendation, JSON-ready: every technique against the
        baseline, and the best against the runner-up."""
        ranking = self.ranking

        def saved(test):
            return {key: clean(value) for key, value in test.items()}

        vs_baseline = {}
        if "baseline" in self.fold_scores:
            vs_baseline = {t: saved(self.paired_test(t)) for t in ranking if t != "baseline"}
        runner_up = saved(self.paired_test(*ranking[:2])) if len(ranking) > 1 else None
        return {"vs_baseline": vs_baseline, "best_vs_runner_up": runner_up}

    def to_json(self, path=None):
        """The :meth:`to_dict` content as JSON text, also written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data):
        """Rebuild a result from :meth:`to_dict` output.

        Raises
        ------
        ValueError
            When ``data`` is not a dict as :meth:`to_dict` returns it.
        """
        return cls._from_data(data, "data")

    @classmethod
    def _from_data(cls, data, where):
        if not isinstance(data, dict):
            raise ValueError(f"{where} holds a {type(data).__name__}, not the dict "
                             "ComparisonResult.to_dict returns; pass a saved results.json.")
        missing = [key for key in _SAVED_KEYS if key not in data]
        if missing:
            raise ValueError(f"{where} is not a saved comparison: it misses {missing}; pass "
                             "a results.json written by ComparisonResult.save or to_json.")
        try:
            restore = {t: [{k: (np.nan if v is None else v) for k, v in fold.items()}
                           for fold in folds] for t, folds in data["fold_scores"].items()}
            result = cls(
                fold_scores=restore, labels=data["labels"], skipped=data["skipped"],
                rank_by=data["rank_by"], y=data["y"], folds=data["folds"],
                oof_proba=data["oof_proba"], oof_pred=data["oof_pred"], info=data["info"],
            )
            result.to_dict()  # every technique's summary, label and ranking readable
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where} is not a valid saved comparison ({type(exc).__name__}: "
                             f"{exc}); pass a results.json written by ComparisonResult.save "
                             "or to_json, unedited.") from None
        return result

    @classmethod
    def from_json(cls, source):
        """Rebuild a result from JSON text or the path of a ``results.json`` file.

        Parameters
        ----------
        source : str or path-like
            The path of a file written by :meth:`save` (``results.json``) or
            ``to_json(path)``, or the JSON text :meth:`to_json` returns. A path-like
            object is always read as a file. A string is read as JSON text when it
            starts with ``{`` (after white space) and names no existing file, so a file
            whose name starts with ``{`` is still read as a file.

        Returns
        -------
        result : ComparisonResult
            The rebuilt result.

        Raises
        ------
        FileNotFoundError
            When the file does not exist.
        ValueError
            When the file or text is not valid JSON (truncated, malformed, not UTF-8)
            or not a saved comparison; the message names the file.
        """
        text = os.fspath(source)
        if isinstance(text, bytes):
            raise TypeError("from_json: source is bytes; pass the path as a str or Path, or "
                            "the JSON text as a str.")
        is_text = (isinstance(source, str) and text.lstrip().startswith("{")
                   and not os.path.isfile(text))
        if is_text:
            where = "the JSON text passed to from_json"
        else:
            where = repr(text)
            try:
                text = Path(text).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise FileNotFoundError(f"from_json: no such file {where}; pass the path of "
                                        "a results.json written by save, or its text.") from None
            except IsADirectoryError:
                raise IsADirectoryError(f"from_json: {where} is a folder; pass the "
                                        "results.json file in it.") from None
            except UnicodeDecodeError as exc:
                raise ValueError(f"from_json: {where} is not UTF-8 text ({exc.reason} at "
                                 f"byte {exc.start}): not a results.json written by save."
                                 ) from None
            where = f"the file {where}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
            if is_text:
                shown = source.strip()
                shown = repr(shown if len(shown) <= 60 else shown[:57] + "...")
                raise ValueError(f"from_json: source {shown} names no file and is not valid "
                                 f"JSON text ({problem}); pass the path of a results.json "
                                 "written by save, or the text to_json returned.") from None
            raise ValueError(f"from_json: {where} is not valid JSON ({problem}; truncated "
                             "or edited?); save the comparison again.") from None
        except RecursionError:
            raise ValueError(f"from_json: {where} is nested too deeply to be a saved "
                             "comparison.") from None
        return cls._from_data(data, where)

    # -------------------------------------------------------------- plots
    def _minority_column(self):
        return self.classes.index(self.minority)

    def plot_pr_curves(self, ax=None):
        """Precision-recall curves of the minority class, one per technique.

        Each technique's operating point (the precision and recall of its predicted
        labels, pooled over the folds) is marked on its curve, so threshold tuning
        shows where it moves the decision.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        return plot_pr_curves(self, ax=ax)

    def plot_threshold_curve(self, technique=None, ax=None):
        """Score (the ranking metric, or MCC) against the decision threshold (binary only).

        Uses the out-of-fold probabilities of ``technique`` (default: the model whose
        threshold the best combination tunes, else the baseline): one curve per test
        fold, their mean, precision and recall, and the best threshold of the mean.

        Parameters
        ----------
        technique : str, default=None
            An evaluated technique.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display.
        """
        return plot_threshold_curve(self, technique=technique, ax=ax)

    def to_html(self):
        """The comparison as one self-contained HTML page, as :meth:`save` writes it.

        Title, data summary, the ranked table (every metric, mean ± sd over the folds,
        the ranking metric highlighted), the recommendation, the techniques not
        evaluated and why, the notes, and the plots inlined as PNG images (without
        matplotlib: a line saying so). No script and no external address: it opens
        offline. Labels, column names and notes are HTML-escaped.

        Returns
        -------
        html : str
            The page.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_imbal.compare import compare_techniques
        >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
        >>> result = compare_techniques(X, y, cv=2, techniques=["class_weight"],
        ...                             progress=False)
        >>> page = result.to_html()
        >>> page.startswith("<!DOCTYPE html>"), page.count("<tr data-technique=")
        (True, 1)
        """
        return render_report(self, render_pngs(self), TABLE_COLUMNS)

    def save(self, folder, *, overwrite=False):
        """Write ``results.json``, ``results.csv``, ``report.html`` and the PNG plots.

        Plots need matplotlib (the ``plot`` extra); without it the numbers and the page
        (:meth:`to_html`, then without plots) are written. The threshold curve is drawn
        for binary problems only.

        Parameters
        ----------
        folder : str or path-like
            Output folder: a new folder (created), an empty one, or one written by an
            earlier ``save`` (it holds ``results.json``), whose files are replaced.
        overwrite : bool, default=False
            Also write into a non-empty folder that ``save`` did not write, replacing
            files there named ``results.json``, ``results.csv``, ``report.html``,
            ``pr_curves.png`` or ``threshold_curve.png``. Nothing else in the folder is
            touched or deleted.

        Returns
        -------
        written : dict of str to pathlib.Path
            The files written, by kind: ``"json"``, ``"csv"``, ``"html"``, and
            ``"pr_curves"`` / ``"threshold_curve"`` when drawn.

        Raises
        ------
        NotADirectoryError
            When ``folder`` (or one of its parents) is a file.
        PermissionError
            When the folder, or the parent it would be created in, cannot be written.
        FileExistsError
            When ``folder`` is not empty, holds no ``results.json`` and ``overwrite``
            is False.
        """
        folder = check_output_dir(folder, "folder", **COMPARISON_MARKER,
                                  overwrite=overwrite)
        folder.mkdir(parents=True, exist_ok=True)
        written = {"json": folder / COMPARISON_MARKER["marker"], "csv": folder / "results.csv",
                   "html": folder / "report.html"}
        self.to_json(written["json"])
        self.table.to_csv(written["csv"])
        pngs = render_pngs(self)
        written["html"].write_text(render_report(self, pngs, TABLE_COLUMNS), encoding="utf-8")
        for kind, png in (pngs or {}).items():
            written[kind] = folder / f"{kind}.png"
            written[kind].write_bytes(png)
        return written
