"""compare_techniques: every technique fitted and scored on the same stratified folds."""

import numbers
import os
import time
import warnings
from functools import partial

import numpy as np
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from ..metrics import imbalanced_scores
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


def _evaluate(builder, X, y, splits, classes, minority):
    """Fit and score ``name`` on every fold; ``(fold scores, oof proba, oof pred)``."""
    n_classes = len(classes)
    proba = np.full((len(y), n_classes), np.nan)
    pred = np.empty(len(y), dtype=y.dtype)
    folds = []
    for train, test in splits:
        estimator = builder(y[train])
        X_train, X_test = safe_indexing(X, train), safe_indexing(X, test)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            start = time.perf_counter()
            estimator.fit(X_train, y[train])
            fit_time = time.perf_counter() - start
            fold_proba = estimator.predict_proba(X_test)
            fold_pred = estimator.predict(X_test)
            scores = imbalanced_scores(y[test], fold_pred, fold_proba, labels=classes,
                                       pos_label=minority)
        proba[test] = fold_proba
        pred[test] = fold_pred
        folds.append({**scores, "fit_time": fit_time})
        yield folds, proba, pred


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
        "rank_by": [StrOptions(set(RANK_METRICS))],
        "techniques": [list, tuple, None],
        "augmenter": [HasMethods(["generate"]), None],
        "augmentation_ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "device": [str],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compare_techniques(X, y, *, kind="auto", model="auto", model_path=None, model_kwargs=None,
                       max_epochs=None, cv=5, rank_by="mcc", techniques=None, augmenter=None,
                       augmentation_ratio=0.5, device="auto", random_state=0, progress=True):
    """Evaluate a baseline and every imbalance technique on the same stratified folds.

    Read ``doc/compare.md`` for what each
    technique and model family is. Every technique is trained on each training fold
    (resampling inside it only) and scored on the test fold with
    :func:`~sklearn_imbal.metrics.imbalanced_scores`.

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
        Show progress bars (tqdm, on stderr).

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
    stratified cross-validation. The gain over the baseline is within one standard
    deviation across folds: treat it as tentative. Runner-up: baseline (0.510 ± 0.083).
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
    info = {"kind": kind, "family": family, "cv": cv, "random_state": clean(
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
    splits = list(StratifiedKFold(cv, shuffle=True, random_state=seed).split(
        np.zeros(len(y)), y))
    folds = np.empty(len(y), dtype=int)
    for k, (_, test) in enumerate(splits):
        folds[test] = k

    labels = {name: technique.label_for(family) for name, technique in REGISTRY.items()}
    fold_scores, oof_proba, oof_pred = {}, {}, {}
    todo = [t for t in names if t not in skipped]
    bar = _progress(len(todo) * cv, "comparing techniques", progress, "fit")

    def run(name, build):
        if bar is not None:
            bar.set_postfix_str(labels[name])
        done = 0
        try:
            for scores, proba, pred in _evaluate(build, X, y, splits, classes, minority):
                done += 1
                if bar is not None:
                    bar.update(1)
        except Exception as exc:  # a technique failing must not sink the comparison
            if bar is not None:
                bar.update(cv - done)
            skipped[name] = (f"failed on fold {done + 1}: {type(exc).__name__}: "
                             f"{str(exc)[:300]}")
            return
        fold_scores[name], oof_proba[name], oof_pred[name] = scores, proba, pred

    for name in todo:
        if name == "best_combination":
            continue
        run(name, partial(builder.build, name))
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
            run("best_combination", partial(builder.combination, base))
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
