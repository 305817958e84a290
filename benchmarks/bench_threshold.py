"""ThresholdTunedClassifier against scikit-learn's TunedThresholdClassifierCV, in one run.

Binary parts: both tuners wrap the same estimator, tune the decision threshold for F1 of
class 1 on the same folds (``StratifiedKFold(5, shuffle=True, random_state=0)`` passed as
``cv`` to both) and refit on the training part of a stratified 70/30 split. The untuned
estimator (threshold 0.5) is the reference. Fit times are the best of ``--repeats``
interleaved fits in this process; "x faster" is the sklearn time over ours.

- (a) ``make_classification(50_000, n_features=40, weights=[0.97, 0.03])``,
  ``LogisticRegression(max_iter=1000)``;
- (b) the KEEL development sets of shared/DATA.md, ``HistGradientBoostingClassifier``;
- (c) VADER (tweets, and all four sources; 1 = strongly negative),
  TF-IDF (1-2 grams) + ``LogisticRegression(max_iter=1000)``.

Multiclass part (d): the 3-class drug reviews, TF-IDF + logistic regression; outer
stratified CV of ``ThresholdTunedClassifier`` (its own inner ``cv=5``, scoring macro F1)
against the plain pipeline (argmax) on the same outer folds; macro F1 mean +/- sd.

Selection part (e): which threshold of the cross-validated curve transfers to the refitted
model. On every binary set of (a)-(c), 5 outer stratified folds; inside each, the same
tuning folds for ``TunedThresholdClassifierCV`` and ``ThresholdTunedClassifier`` with
``selection="plateau"`` (the default, one-standard-error rule) and ``"best"`` (the exact
maximum); test F1 mean over the outer folds, each minus scikit-learn's, then the mean and
the worst over the sets. ``--parts e`` runs it alone (about 10 minutes on 2 cores).

Decision search part (f): what the tuner adds once the model is fitted. A
``LogisticRegression`` fitted on 50,000 rows of ``make_classification(20 features, 5%
minority)`` is tuned with ``cv="prefit"`` on 10^5, 10^6 and 10^7 further rows of the same set
(``--prefit-sizes``): ours (every threshold, exactly) against
``TunedThresholdClassifierCV(cv="prefit", refit=False)`` and its 100-threshold grid; the
times per size (best of 2 for ours, one for scikit-learn's), the ratio and the F1 each
reaches on those rows. ``--parts f`` runs it alone (about 3 minutes with 10^7 rows).

Run ``python benchmarks/bench_threshold.py`` (several minutes on 2 cores) or ``--quick``
(20,000 rows in (a), KEEL yeast4 and ecoli3, VADER tweets, 3 outer folds in (d), 1 repeat).
``--peer-only`` runs scikit-learn's side alone, without importing sklearn_imbal.
The data sets are read offline, see ``benchmarks/_data.py``.
"""

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, matthews_corrcoef
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline

from _data import load_drug_reviews, load_keel, load_vader

KEEL_SETS = [
    "ecoli3", "satimage", "yeast4", "car_vgood", "abalone19", "page_blocks0", "glass2",
    "new_thyroid1",
]
VADER_SETS = ["tweets", "all"]
UNTUNED, OURS, PEER = "untuned", "ThresholdTunedClassifier", "TunedThresholdClassifierCV"


def import_ours():
    """The class under test, imported only when it is needed."""
    try:
        from sklearn_imbal import ThresholdTunedClassifier
    except ImportError as exc:
        raise SystemExit(
            f"bench_threshold: cannot import sklearn_imbal.ThresholdTunedClassifier ({exc}).\n"
            "It lives in sklearn_imbal/threshold/_tuned.py, re-exported from sklearn_imbal. "
            "Run with --peer-only to benchmark scikit-learn's side alone."
        ) from exc
    return ThresholdTunedClassifier


def tuning_cv():
    return StratifiedKFold(5, shuffle=True, random_state=0)


def text_pipeline():
    return make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2)),
        LogisticRegression(max_iter=1000),
    )


def split(X, y):
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


# --------------------------------------------------------------------------- binary
def bench_binary(name, X, y, estimator, ours_cls, repeats):
    """Fit the untuned estimator and both tuners on the same 70/30 split; one table row."""
    X_train, X_test, y_train, y_test = split(X, y)
    cv = tuning_cv()
    systems = {UNTUNED: lambda: clone(estimator)}
    if ours_cls is not None:
        systems[OURS] = lambda: ours_cls(clone(estimator), scoring="f1", cv=cv)
    systems[PEER] = lambda: TunedThresholdClassifierCV(clone(estimator), scoring="f1", cv=cv)

    # Warm-up, not timed: the first fit of a process pays one-off imports and allocations.
    clone(estimator).fit(X_train, y_train)
    times = {system: [] for system in systems}
    models = {}
    for repeat in range(repeats):
        order = list(systems) if repeat % 2 == 0 else list(systems)[::-1]
        for system in order:
            model = systems[system]()
            start = time.perf_counter()
            model.fit(X_train, y_train)
            times[system].append(time.perf_counter() - start)
            models[system] = model

    row = {"name": name, "rows": len(y), "minority": float(np.mean(y == 1))}
    for system, model in models.items():
        pred = model.predict(X_test)
        row[system] = {
            "fit s": min(times[system]),
            "F1": f1_score(y_test, pred),
            "MCC": matthews_corrcoef(y_test, pred),
            "threshold": float(getattr(model, "best_threshold_", 0.5)),
        }
    return row


def _num(row, system, key, fmt, width):
    return format(format(row[system][key], fmt) if system in row else "-", f">{width}s")


def print_binary_table(title, rows):
    """One row per data set: fit seconds and test scores of the untuned estimator (0.5),
    ours and sklearn's, then the thresholds each tuner chose."""
    trio = f"{'0.5':>7s}{'ours':>7s}{'sklrn':>7s}"
    print(f"\n## {title}")
    print(f"{'':27s} {' fit s ':-^20s}{'x':>7s} {' test F1 ':-^20s}"
          f" {' test MCC ':-^20s} {' threshold ':-^13s}")
    print(f"{'data set':14s}{'rows':>7s}{'min%':>6s}{trio}{'faster':>7s}{trio}{trio}"
          f"{'ours':>7s}{'sklrn':>7s}")
    for row in rows:
        speedup = (f"{row[PEER]['fit s'] / row[OURS]['fit s']:7.2f}" if OURS in row
                   else f"{'-':>7s}")
        line = f"{row['name']:14s}{row['rows']:7d}{row['minority']:6.1%}"
        line += "".join(_num(row, s, "fit s", ".2f", 7) for s in (UNTUNED, OURS, PEER))
        line += speedup
        for metric in ("F1", "MCC"):
            line += "".join(_num(row, s, metric, ".3f", 7) for s in (UNTUNED, OURS, PEER))
        line += "".join(_num(row, s, "threshold", ".3f", 7) for s in (OURS, PEER))
        print(line)
    print(summary(rows))


def summary(rows):
    if not rows or OURS not in rows[0]:
        return "summary: ours not run (--peer-only)"
    speedups = [row[PEER]["fit s"] / row[OURS]["fit s"] for row in rows]
    diffs = [row[OURS]["F1"] - row[PEER]["F1"] for row in rows]
    worst = int(np.argmin(diffs))
    return (f"summary: median speed-up {statistics.median(speedups):.2f}x "
            f"(min {min(speedups):.2f}x, max {max(speedups):.2f}x) over {len(rows)} set(s); "
            f"worst test F1 difference ours - sklearn {diffs[worst]:+.3f} "
            f"({rows[worst]['name']}), mean {np.mean(diffs):+.3f}")


def part_synthetic(n_rows, ours_cls, repeats):
    X, y = make_classification(n_rows, n_features=40, weights=[0.97, 0.03], random_state=0)
    rows = [bench_binary(f"synthetic {n_rows // 1000}k", X, y,
                         LogisticRegression(max_iter=1000), ours_cls, repeats)]
    print_binary_table(
        f"(a) make_classification({n_rows}, n_features=40, weights=[0.97, 0.03]), "
        f"LogisticRegression(max_iter=1000), best of {repeats}", rows)
    return rows


def part_keel(names, ours_cls, repeats):
    estimator = HistGradientBoostingClassifier(random_state=0)
    rows = [bench_binary(name, *load_keel(name), estimator, ours_cls, repeats)
            for name in names]
    print_binary_table(
        f"(b) KEEL sets, HistGradientBoostingClassifier(random_state=0), best of {repeats}",
        rows)
    return rows


def part_vader(sources, ours_cls, repeats):
    rows = [bench_binary(f"vader {source}", *load_vader(source), text_pipeline(), ours_cls,
                         repeats)
            for source in sources]
    print_binary_table(
        "(c) VADER, class 1 = mean score <= -2, TF-IDF(1-2 grams, min_df=2) + "
        f"LogisticRegression(max_iter=1000), best of {repeats}", rows)
    return rows


# --------------------------------------------------------------------------- selection
def selection_sets(n_rows, keel, vader):
    synthetic = make_classification(n_rows, n_features=40, weights=[0.97, 0.03],
                                    random_state=0)
    yield "synthetic (LR)", *synthetic, LogisticRegression(max_iter=1000)
    for name in keel:
        yield f"{name} (HGB)", *load_keel(name), HistGradientBoostingClassifier(random_state=0)
    for source in vader:
        texts, y = load_vader(source)
        yield f"vader {source} (TF-IDF + LR)", np.asarray(texts, dtype=object), y, text_pipeline()


def part_selection(n_rows, keel, vader, ours_cls):
    systems = {PEER: lambda est, cv: TunedThresholdClassifierCV(est, scoring="f1", cv=cv)}
    if ours_cls is not None:
        for rule in ("plateau", "best"):
            systems[f"ours {rule}"] = (
                lambda est, cv, rule=rule: ours_cls(est, scoring="f1", cv=cv, selection=rule))
    print("\n## (e) threshold selection: test F1 over 5 outer stratified folds, minus "
          f"{PEER}'s (same tuning folds inside)")
    print(f"{'data':34s}" + "".join(f"{name:>16s}" for name in systems))
    deltas = {name: [] for name in systems if name != PEER}
    for name, X, y, estimator in selection_sets(n_rows, keel, vader):
        outer = StratifiedKFold(5, shuffle=True, random_state=0)
        f1 = {system: [] for system in systems}
        for train, test in outer.split(X, y):
            for system, make in systems.items():
                model = make(clone(estimator), tuning_cv()).fit(X[train], y[train])
                f1[system].append(f1_score(y[test], model.predict(X[test])))
        peer = np.mean(f1[PEER])
        cells = [f"{peer:16.3f}"]
        for system in deltas:
            deltas[system].append(np.mean(f1[system]) - peer)
            cells.append(f"{deltas[system][-1]:+16.3f}")
        print(f"{name:34s}" + "".join(cells), flush=True)
    for label, reduce in (("mean over sets", np.mean), ("worst set", np.min)):
        print(f"{label:34s}{'':16s}" + "".join(f"{reduce(d):+16.3f}" for d in deltas.values()))


# --------------------------------------------------------------------------- prefit search
def part_prefit(sizes, ours_cls):
    # One problem: the model is fitted on its first 50,000 rows, tuned on the next n.
    X_all, y_all = make_classification(50_000 + max(sizes), n_features=20, weights=[0.95],
                                       class_sep=0.8, random_state=0)
    model = LogisticRegression(max_iter=1000).fit(X_all[:50_000], y_all[:50_000])
    print("\n## (f) decision search of a fitted LogisticRegression, cv='prefit': seconds, "
          "ratio and F1 on the tuning rows")
    print(f"{'rows':>10s}{'ours s':>9s}{'sklearn s':>11s}{'ratio':>8s}{'ours F1':>9s}"
          f"{'sklearn F1':>11s}{'ours s / n log n (x1e9)':>25s}")
    for n in sizes:
        X, y = X_all[50_000:50_000 + n], y_all[50_000:50_000 + n]
        times, ours = [], None
        for _ in range(2 if ours_cls is not None else 0):
            start = time.perf_counter()
            ours = ours_cls(model, cv="prefit", scoring="f1").fit(X, y)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        peer = TunedThresholdClassifierCV(model, cv="prefit", refit=False, scoring="f1").fit(X, y)
        peer_s = time.perf_counter() - start
        peer_f1 = f1_score(y, peer.predict(X))
        if ours is None:
            print(f"{n:>10d}{'-':>9s}{peer_s:11.3f}{'-':>8s}{'-':>9s}{peer_f1:11.4f}")
            continue
        ours_s = min(times)
        print(f"{n:>10d}{ours_s:9.3f}{peer_s:11.3f}{peer_s / ours_s:7.1f}x"
              f"{f1_score(y, ours.predict(X)):9.4f}{peer_f1:11.4f}"
              f"{ours_s / (n * np.log(n)) * 1e9:25.2f}", flush=True)


# --------------------------------------------------------------------------- multiclass
def part_multiclass(n_outer, ours_cls):
    texts, y = load_drug_reviews()
    outer = StratifiedKFold(n_outer, shuffle=True, random_state=0)
    systems = {"argmax (plain pipeline)": lambda: text_pipeline()}
    if ours_cls is not None:
        systems[OURS] = lambda: ours_cls(text_pipeline(), cv=5, random_state=0)
    scores = {system: {"macro F1": [], "neutral F1": [], "fit s": []} for system in systems}
    weights, classes = [], None
    for train, test in outer.split(texts, y):
        X_train, X_test = [texts[i] for i in train], [texts[i] for i in test]
        for system, make in systems.items():
            model = make()
            start = time.perf_counter()
            model.fit(X_train, y[train])
            scores[system]["fit s"].append(time.perf_counter() - start)
            pred = model.predict(X_test)
            scores[system]["macro F1"].append(f1_score(y[test], pred, average="macro"))
            scores[system]["neutral F1"].append(
                f1_score(y[test], pred, labels=["neutral"], average=None)[0])
            if system == OURS:
                class_weights = model.class_weights_
                if isinstance(class_weights, dict):
                    class_weights = [class_weights[c] for c in model.classes_]
                weights.append(np.asarray(class_weights, dtype=float))
                classes = model.classes_
    neutral = float(np.mean(y == "neutral"))
    print(f"\n## (d) drug reviews: {len(y)} texts, 3 classes (neutral {neutral:.1%}), "
          f"TF-IDF + LogisticRegression, {n_outer} outer stratified folds (same for both)")
    print(f"{'system':28s}{'macro F1':>9s}{'sd':>7s}{'ratio to argmax':>16s}"
          f"{'neutral F1':>11s}{'fit s':>7s}")
    reference = np.mean(scores["argmax (plain pipeline)"]["macro F1"])
    for system, values in scores.items():
        mean, sd = np.mean(values["macro F1"]), np.std(values["macro F1"], ddof=1)
        print(f"{system:28s}{mean:9.3f}{sd:7.3f}{mean / reference:16.3f}"
              f"{np.mean(values['neutral F1']):11.3f}{np.mean(values['fit s']):7.2f}")
    if weights:
        mean_weights = ", ".join(
            f"{c}: {w:.3f}" for c, w in zip(classes, np.mean(weights, axis=0)))
        print(f"mean class_weights_ of {OURS} over the outer folds: {mean_weights}")
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run (a few minutes)")
    parser.add_argument("--repeats", type=int, help="interleaved fits per tuner (3, quick 1)")
    parser.add_argument("--rows", type=int, help="rows of the synthetic set (50000)")
    parser.add_argument("--keel", nargs="*", help=f"KEEL sets ({' '.join(KEEL_SETS)})")
    parser.add_argument("--vader", nargs="*", choices=VADER_SETS, help="VADER sets (both)")
    parser.add_argument("--outer-folds", type=int, help="outer folds of part (d) (5)")
    parser.add_argument("--parts", default="abcdef", help="which parts to run (abcdef)")
    parser.add_argument("--prefit-sizes", default=None,
                        help="rows of part (f), comma-separated (100000,1000000,10000000)")
    parser.add_argument("--peer-only", action="store_true",
                        help="run scikit-learn's side alone; do not import sklearn_imbal")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    n_rows = args.rows or (20_000 if args.quick else 50_000)
    keel = args.keel or (["yeast4", "ecoli3"] if args.quick else KEEL_SETS)
    vader = args.vader or (["tweets"] if args.quick else VADER_SETS)
    n_outer = args.outer_folds or (3 if args.quick else 5)
    ours_cls = None if args.peer_only else import_ours()

    print(f"# bench_threshold on {platform.node()}: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}{', peer only' if args.peer_only else ''}")
    # sklearn's sweep scores thresholds that predict no positive at all.
    warnings.filterwarnings("ignore", category=UndefinedMetricWarning)
    binary_rows = []
    if "a" in args.parts:
        binary_rows += part_synthetic(n_rows, ours_cls, repeats)
    if "b" in args.parts:
        binary_rows += part_keel(keel, ours_cls, repeats)
    if "c" in args.parts:
        binary_rows += part_vader(vader, ours_cls, repeats)
    if binary_rows:
        print(f"\n## all binary sets\n{summary(binary_rows)}")
    if "d" in args.parts:
        part_multiclass(n_outer, ours_cls)
    if "e" in args.parts:
        part_selection(n_rows, keel, vader, ours_cls)
    if "f" in args.parts:
        default = "100000,1000000" if args.quick else "100000,1000000,10000000"
        part_prefit([int(float(n)) for n in (args.prefit_sizes or default).split(",")],
                    ours_cls)


if __name__ == "__main__":
    main()
