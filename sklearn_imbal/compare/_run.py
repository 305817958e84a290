"""compare_techniques: every technique fitted and scored on the same stratified folds."""

import numbers
import os
import time
import warnings

import numpy as np
from joblib import delayed
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from ..metrics import imbalanced_scores
from ..utils._parallel import run_jobs
from ..utils._sklearn import safe_indexing
from ..utils._validation import minority_label, python_scalar
from ._checks import (
    RANK_METRICS,
    DataError,
    check_feature_values,
    check_target,
    check_texts,
    detect_kind,
    tabular_frame,
)
from ._result import ComparisonResult, clean, mean_sd
from ._techniques import (
    REGISTRY,
    TECHNIQUES,
    Builder,
    EmbeddingStore,
    text_model_settings,
    tuning_scorer,
)

__all__ = ["compare_techniques"]


def _progress(total, desc, enabled, unit):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True)


def _resolve_family(kind, model, device):
    if kind == "tabular":
        return "tabular"
    if model == "auto":
        import torch

        cuda = torch.cuda.is_available() and str(device) != "cpu"
        return "finetune" if cuda else "embeddings"
    return model


def _fit_fold(builder, technique, base, X, y, train, test, classes, minority):
    """Fit ``technique`` (``best_combination`` on ``base`` when ``base`` is set) on one
    training fold and score it on its test fold: ``(scores, proba, pred)`` of the test
    rows, or the error message (a str) when the technique fails there.

    One joblib job: ``builder`` works on a fork of its embedding store, so the result is
    the same in any process and in any order.
    """
    builder = builder.isolated()
    try:
        if base is None:
            estimator = builder.build(technique, y[train])
        else:
            estimator = builder.combination(base, y[train])
        X_train, X_test = safe_indexing(X, train), safe_indexing(X, test)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            start = time.perf_counter()
            estimator.fit(X_train, y[train])
            fit_time = time.perf_counter() - start
            proba = estimator.predict_proba(X_test)
            pred = estimator.predict(X_test)
            scores = imbalanced_scores(y[test], pred, proba, labels=classes,
                                       pos_label=minority)
    except Exception as exc:  # a technique failing must not sink the comparison
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    return {**scores, "fit_time": fit_time}, proba, pred


def _fold_name(index, cv, repeats):
    if repeats == 1:
        return f"fold {index + 1}"
    return f"fold {index % cv + 1} of repeat {index // cv + 1}"


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "kind": [StrOptions({"auto", "text", "tabular"})],
        "model": [StrOptions({"auto", "embeddings", "finetune"})],
        "model_path": [str, os.PathLike, None],
        "model_kwargs": [dict, None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "cv": [Interval(numbers.Integral, 2, None, closed="left")],
        "repeats": [Interval(numbers.Integral, 1, None, closed="left")],
        "rank_by": [StrOptions(set(RANK_METRICS))],
        "techniques": [list, tuple, None],
        "augmenter": [HasMethods(["generate"]), None],
        "augmentation_ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "device": [str],
        "random_state": ["random_state"],
        "progress": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "threads_per_job": [Interval(numbers.Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def compare_techniques(X, y, *, kind="auto", model="auto", model_path=None, model_kwargs=None,
                       max_epochs=None, cv=5, repeats=1, rank_by="mcc", techniques=None,
                       augmenter=None, augmentation_ratio=0.5, device="auto", random_state=0,
                       progress=True, n_jobs=None, threads_per_job=1):
    """Evaluate a baseline and every imbalance technique on the same stratified folds.

    Read ``doc/compare.md`` for what each
    technique and model family is. Every technique is trained on each training fold
    (resampling inside it only) and scored on the test fold with
    :func:`~sklearn_imbal.metrics.imbalanced_scores`. The recommendation rests on a
    paired test on those folds (:meth:`ComparisonResult.paired_test`): the best
    technique against the baseline and against the runner-up.

    Parameters
    ----------
    X : list of str, array-like or DataFrame
        Texts (a list, 1-D array, Series or one text column), or tabular features (a
        DataFrame with numeric and categorical columns, or a numeric array). Missing
        feature values are imputed in every training fold (median of a numeric
        column, most frequent value of a categorical one); a column with no value at
        all is left out, with a note in ``info["notes"]``.
    y : array-like of shape (n_samples,)
        Class labels (binary or multiclass, any type); every class needs at least
        ``cv`` examples.
    kind : {"auto", "text", "tabular"}, default="auto"
        What ``X`` holds; ``"auto"`` detects texts.
    model : {"auto", "embeddings", "finetune"}, default="auto"
        Text model family: frozen embeddings + heads, or fine-tuning of the transformer.
        ``"auto"``: fine-tuning when torch sees a GPU, else embeddings. Ignored for
        tabular data.
    model_path : str, path-like or None, default=None
        The transformer (a local folder or a cached model name); None is the packaged
        all-MiniLM-L6-v2.
    model_kwargs : dict or None, default=None
        Passed to the model loading, e.g. ``{"num_hidden_layers": 2}``.
    max_epochs : int or None, default=None
        Fine-tuning epochs (``TransformerClassifier``'s default, 3, when None).
    cv : int, default=5
        Number of stratified folds.
    repeats : int, default=1
        Repeats of the stratified k-fold, each with other folds
        (``RepeatedStratifiedKFold``, seeded by ``random_state``): every technique is
        scored on the same ``cv`` x ``repeats`` test folds, which the means, the
        standard deviations and the paired tests use. The out-of-fold probabilities and
        predictions (the plots) are those of the first repeat, one value per sample.
    rank_by : str, default="mcc"
        Ranking metric, a key of ``RANK_METRICS``: ``"mcc"``, ``"macro_f1"``,
        ``"minority_f1"``, ``"minority_precision"``, ``"minority_recall"``,
        ``"balanced_accuracy"``, ``"geometric_mean"``, ``"auroc"``,
        ``"average_precision"`` or ``"brier_score"`` (lower is better). Threshold
        tuning maximises it when it is a metric of labels (MCC otherwise).
    techniques : list of str or None, default=None
        A subset of ``TECHNIQUES``; the baseline is always included. None: all.
    augmenter : object or None, default=None
        The augmenter of the ``augmentation`` technique (e.g. an
        :class:`~sklearn_imbal.sampling.LLMAugmenter`); None: offline word edits.
    augmentation_ratio : float, default=0.5
        Augmentation fills every class up to this fraction of the majority's count.
    device : str, default="auto"
        Torch device of the transformer.
    random_state : int, RandomState instance or None, default=0
        Seeds the folds and every technique.
    progress : bool, default=True
        Show progress bars (tqdm, on stderr); the comparison's bar advances as each
        (technique, fold) fit finishes.
    n_jobs : int or None, default=None
        (technique, fold) fits run in parallel through joblib; None means 1 unless in
        a :func:`joblib.parallel_config` context (a Dask cluster through its
        ``"dask"`` backend, for example). The texts are embedded once, before, in this
        process. The results do not depend on ``n_jobs`` (see ``threads_per_job``).
        The best combination is fitted after the other techniques, whose scores pick
        its base.
    threads_per_job : int or None, default=1
        BLAS, OpenMP and torch threads of each (technique, fold) fit, wherever it runs,
        so that its result is the same for any ``n_jobs`` and backend: a fit's floating
        point sums depend on how many threads share them, and an iterative fit can carry
        the rounding into a score. The default suits ``n_jobs`` set to the number of
        cores; with fewer jobs, more threads per job use the spare cores (the results
        then are those of that thread count). None: what each process has (joblib gives
        its workers ``cpu_count // n_jobs``), results equal up to rounding only.

    Returns
    -------
    result : ComparisonResult
        Scores, table, ranking, recommendation, out-of-fold probabilities, plots.

    Raises
    ------
    DataError
        The data cannot be compared: one class, a class with fewer than ``cv``
        examples, empty or missing texts, no features, an infinite number in a
        feature column. The message names the fix (and the column).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_imbal.compare import compare_techniques
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> result = compare_techniques(X, y, cv=3, progress=False,
    ...                             techniques=["class_weight", "threshold"])
    >>> result.ranking
    ['threshold', 'baseline', 'class_weight']
    >>> print(result.recommendation)
    Recommended: threshold tuning: MCC 0.527 ± 0.131 vs baseline 0.510 ± 0.083 over 3-fold
    stratified cross-validation. It is not distinguishable from the baseline at 95% (MCC
    difference +0.016, interval [-0.223, +0.255], corrected resampled t-test, p = 0.8).
    Runner-up: baseline (0.510 ± 0.083).
    >>> round(result.summary("class_weight")["minority_recall"][0], 3)
    0.782
    >>> result.skipped
    {}
    """
    if techniques is None:
        names = list(TECHNIQUES)
    else:
        unknown = [t for t in techniques if t not in TECHNIQUES]
        if unknown:
            raise ValueError(f"Unknown techniques {unknown}; choose among {list(TECHNIQUES)}.")
        names = ["baseline"] + [t for t in TECHNIQUES if t in techniques and t != "baseline"]

    if kind == "auto":
        kind = detect_kind(X)
    y, classes, counts = check_target(y, cv)
    if len(X) != len(y):
        raise DataError(f"X has {len(X)} rows but y has {len(y)}; pass one label per row.")
    family = _resolve_family(kind, model, device)
    minority = minority_label(classes, counts)
    binary = len(classes) == 2
    tuning = tuning_scorer(rank_by, minority, binary)
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    info = {"kind": kind, "family": family, "cv": cv, "repeats": int(repeats),
            "random_state": clean(
                random_state if isinstance(random_state, numbers.Integral) else None),
            "n_samples": int(len(y)), "class_counts": {str(python_scalar(c)): int(n)
                                                       for c, n in zip(classes, counts)},
            "notes": [note for note in [tuning[1]] if note]}

    info["build"] = {
        "seed": int(seed), "augmentation_ratio": float(augmentation_ratio),
        "model_path": None if model_path is None else str(model_path),
        "model_kwargs": model_kwargs, "device": device, "max_epochs": max_epochs}
    store, columns, text_model = None, None, {}
    if kind == "text":
        texts = check_texts(X)
        X = np.asarray(texts, dtype=object).reshape(-1, 1)
        if family == "embeddings":
            from ..text import TransformerEmbedder

            embedder = TransformerEmbedder(model_path, model_kwargs=model_kwargs, device=device)
            store = EmbeddingStore(embedder.fit(texts[:1]))
            unique = list(dict.fromkeys(texts))
            bar = _progress(len(unique), "embedding texts", progress, "text")
            store.add(unique, progress=bar)
            if bar is not None:
                bar.close()
            info["embedding_seconds"] = round(store.seconds, 2)
            info["notes"].append(
                f"{len(unique)} distinct texts embedded once with the frozen encoder in "
                f"{store.seconds:.1f} s (not in the fit times; augmentation's fit times "
                "include embedding its new texts)")
        else:
            text_model = text_model_settings(info["build"])
            info["notes"].append("fine-tuning every technique: slow on a CPU")
        info["model"] = str(model_path) if model_path is not None else "all-MiniLM-L6-v2"
    else:
        X, numeric, categorical = tabular_frame(X)
        numeric, categorical, empty = check_feature_values(X, numeric, categorical)
        columns = (numeric, categorical)
        info["model"] = "LogisticRegression"
        info["columns"] = {"numeric": numeric, "categorical": categorical}
        if empty:
            info["notes"].append(
                f"column{'s' if len(empty) > 1 else ''} {', '.join(map(repr, empty))} left "
                "out: no values (every cell is empty)")
        for column in categorical:
            n_values = X[column].nunique()
            if n_values > max(20, len(X) // 2):
                info["notes"].append(
                    f"column {column!r} has {n_values} distinct values, one-hot encoded as "
                    "categories; if it is free text, compare on it as text (--text)")

    builder = Builder(family, random_state=seed, augmenter=augmenter,
                      augmentation_ratio=augmentation_ratio, tuning=tuning,
                      minority=minority, binary=binary, store=store, columns=columns,
                      text_model=text_model)
    info["description"] = builder.describe()
    skipped = {t: r for t, r in builder.not_applicable().items() if t in names}
    splits = list(RepeatedStratifiedKFold(n_splits=cv, n_repeats=repeats, random_state=seed)
                  .split(np.zeros(len(y)), y))
    folds = np.empty(len(y), dtype=int)
    for k, (_, test) in enumerate(splits[:cv]):
        folds[test] = k

    labels = {name: technique.label_for(family) for name, technique in REGISTRY.items()}
    fold_scores, oof_proba, oof_pred = {}, {}, {}
    todo = [t for t in names if t not in skipped]
    bar = _progress(len(todo) * len(splits), "comparing techniques", progress, "fit")

    def run(techniques):
        """Every (technique, fold) job of ``techniques`` (``(name, base)`` pairs)."""
        jobs = [(name, base, index) for name, base in techniques
                for index in range(len(splits))]
        results = run_jobs(
            [delayed(_fit_fold)(builder, name, base, X, y, *splits[index], classes, minority)
             for name, base, index in jobs],
            n_jobs, "compare_techniques", threads=threads_per_job, return_as="generator")
        outcomes = {}
        for (name, _, _), outcome in zip(jobs, results):
            outcomes.setdefault(name, []).append(outcome)
            if bar is not None:
                bar.set_postfix_str(labels[name])
                bar.update(1)
        for name, outcome in outcomes.items():
            failed = [i for i, result in enumerate(outcome) if isinstance(result, str)]
            if failed:
                skipped[name] = (f"failed on {_fold_name(failed[0], cv, repeats)}: "
                                 f"{outcome[failed[0]]}")
                continue
            # One value per row: the first repeat's test folds cover every row once.
            proba = np.full((len(y), len(classes)), np.nan)
            pred = np.empty(len(y), dtype=y.dtype)
            for (_, test), (_, fold_proba, fold_pred) in zip(splits[:cv], outcome):
                proba[test], pred[test] = fold_proba, fold_pred
            fold_scores[name] = [scores for scores, _, _ in outcome]
            oof_proba[name], oof_pred[name] = proba, pred

    run([(name, None) for name in todo if name != "best_combination"])
    if "best_combination" in todo:
        greater = RANK_METRICS[rank_by][1]
        candidates = [t for t in fold_scores if REGISTRY[t].combines]
        if not candidates:
            skipped["best_combination"] = "needs at least one technique besides the baseline"
        else:
            sign = 1 if greater else -1
            base = max(candidates, key=lambda t: sign * mean_sd(
                [f.get(rank_by) for f in fold_scores[t]])[0])
            info["combination_base"] = base
            labels["best_combination"] = f"{labels[base]} + {labels['threshold']}"
            run([("best_combination", base)])
    if bar is not None:
        bar.close()
    if not fold_scores:
        raise RuntimeError("Every technique failed: " + "; ".join(
            f"{labels[t]}: {reason}" for t, reason in skipped.items()))
    info["labels_note"] = (
        "best combination: the technique with the best mean "
        f"{RANK_METRICS[rank_by][0]} on these folds, wrapped in threshold tuning")
    return ComparisonResult(
        fold_scores=fold_scores, labels={t: labels[t] for t in names}, skipped=skipped,
        rank_by=rank_by, y=y, folds=folds, oof_proba=oof_proba, oof_pred=oof_pred, info=info,
    )
