"""compare_techniques with its (technique, fold) fits in 1 and in N joblib processes.

Two comparisons, every technique that applies, 5-fold stratified cross-validation:

- the bundled VADER tweets (4,200 tweets, 7.5% strongly negative), the embeddings family
  (the packaged all-MiniLM-L6-v2 as a frozen encoder, on the CPU): the texts are embedded
  once, in the main process, before the fits, whatever ``n_jobs`` is;
- ``make_classification(200_000, n_features=20, weights=[0.95])``, the tabular family
  (imputation, scaling, logistic regression / ``FocalLossClassifier`` heads).

Each is run with ``n_jobs=1`` and with each other ``--jobs`` value, in that order, in
this process (the workers are started by the first parallel run, so their start-up is in
its time), every fit on one thread (``threads_per_job=1``, the default); then once more
with ``n_jobs=1`` and ``threads_per_job=None`` (each fit on all of this process's
threads, what the results' independence of ``n_jobs`` costs a single job). The table
shows the wall time, the part of it spent embedding (the same sequential step in every
run) and the speed-up, the first run's time over this one; "same" says whether the
ranking and the scores (fit times aside) match the first run's exactly.

Run ``python benchmarks/bench_compare.py`` (tens of minutes on 2 cores) or ``--quick``
(1,000 of the tweets, 20,000 tabular rows, 3 folds: a few minutes).
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from sklearn_imbal.compare import compare_techniques
from sklearn_imbal.datasets import load_vader_tweets


def tweets(n):
    """The bundled tweets, or a stratified sample of ``n`` of them."""
    X, y = load_vader_tweets(return_X_y=True)
    if n is None or n >= len(y):
        return list(X), y
    keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=0)
    keep = np.sort(keep)
    return [X[i] for i in keep], y[keep]


def tabular(n):
    return make_classification(n_samples=n, n_features=20, n_informative=8, weights=[0.95],
                               random_state=0)


def scores(result):
    return {t: [{k: round(v, 6) for k, v in fold.items() if k != "fit_time"}
                for fold in folds] for t, folds in result.fold_scores.items()}


def run(name, X, y, jobs, cv, **kwargs):
    rows = []
    reference = None
    for n_jobs, threads in [(n_jobs, 1) for n_jobs in jobs] + [(1, None)]:
        start = time.perf_counter()
        result = compare_techniques(X, y, cv=cv, n_jobs=n_jobs, threads_per_job=threads,
                                    progress=False, **kwargs)
        wall = time.perf_counter() - start
        if reference is None:
            reference = result, wall
        same = (result.ranking == reference[0].ranking
                and str(scores(result)) == str(scores(reference[0])))
        rows.append((name, len(y), n_jobs, threads or "all", wall,
                     result.info.get("embedding_seconds", 0.0), reference[1] / wall, same,
                     len(result.fold_scores)))
        print(f"  {name}, n_jobs={n_jobs}, threads_per_job={threads}: {wall:.1f} s",
              flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes on 2 cores")
    parser.add_argument("--jobs", default="1,2",
                        help="comma-separated n_jobs values, 1 first (default 1,2)")
    parser.add_argument("--tweets", type=int, help="tweets to use (all 4,200; --quick 1,000)")
    parser.add_argument("--rows", type=int, help="tabular rows (200,000; --quick 20,000)")
    parser.add_argument("--cv", type=int, help="folds (5; --quick 3)")
    parser.add_argument("--skip-text", action="store_true")
    parser.add_argument("--skip-tabular", action="store_true")
    args = parser.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",")]
    if jobs[0] != 1:
        parser.error("--jobs must start with 1, the reference of the speed-up")
    n_tweets = args.tweets or (1_000 if args.quick else None)
    n_rows = args.rows or (20_000 if args.quick else 200_000)
    cv = args.cv or (3 if args.quick else 5)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    warnings.filterwarnings("ignore", category=UserWarning, module="joblib")
    print(f"# bench_compare on {platform.node()}: {platform.processor() or platform.machine()},"
          f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start; "
          f"{cv}-fold CV")
    rows = []
    if not args.skip_text:
        X, y = tweets(n_tweets)
        rows += run("VADER tweets, embeddings", X, y, jobs, cv, model="embeddings",
                    device="cpu")
    if not args.skip_tabular:
        X, y = tabular(n_rows)
        rows += run("make_classification", X, y, jobs, cv)
    print(f"\n{'data':26s} {'rows':>8s} {'techn.':>6s} {'n_jobs':>6s} {'threads':>7s} "
          f"{'wall s':>8s} {'embed s':>8s} {'speed-up':>9s} {'same':>5s}")
    for name, n, n_jobs, threads, wall, embed, ratio, same, n_techniques in rows:
        print(f"{name:26s} {n:8d} {n_techniques:6d} {n_jobs:6d} {threads:>7} {wall:8.1f} "
              f"{embed:8.1f} {ratio:8.2f}x {'yes' if same else 'no':>5s}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
