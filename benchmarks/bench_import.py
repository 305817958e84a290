"""Import time of sklearn-imbal against scikit-learn's, in fresh interpreters.

Each statement runs as ``python -c STATEMENT`` in a new process; the time is the wall time
of that process (interpreter start included), the best of ``--repeats`` runs (3), the
statements interleaved. The peer is ``import sklearn, sklearn.linear_model``: what any
scikit-learn user already pays. "x peer" is a time over the peer's. ``import sklearn_imbal``
loads nothing until a name is used (PEP 562), so its target is at most 1.3x the peer;
``FocalLossClassifier`` brings torch and skorch with it.

Run ``python benchmarks/bench_import.py`` (about a minute on 2 cores) or ``--quick`` (one
run of each).
"""

import argparse
import os
import platform
import subprocess
import sys
import time

import sklearn

PEER = "import sklearn, sklearn.linear_model"
STATEMENTS = [
    "pass",
    PEER,
    "import sklearn_imbal",
    "from sklearn_imbal import ThresholdTunedClassifier",
    "from sklearn_imbal import FocalLossClassifier",
]
TARGET = 1.3  # import sklearn_imbal, over the peer


def wall_time(statement):
    """Seconds of a fresh ``python -c statement``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each statement")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs of each statement, best kept (default 3, 1 with --quick)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)

    print(f"# bench_import on {platform.node()}: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
          f"best of {repeats}")
    best = dict.fromkeys(STATEMENTS, float("inf"))
    for _ in range(repeats):
        for statement in STATEMENTS:
            best[statement] = min(best[statement], wall_time(statement))
    peer = best[PEER]
    print(f"\n{'statement':52s}{'s':>8s}{'x peer':>8s}")
    for statement in STATEMENTS:
        print(f"{statement:52s}{best[statement]:8.3f}{best[statement] / peer:8.2f}")
    ratio = best["import sklearn_imbal"] / peer
    print(f"\nimport sklearn_imbal: {ratio:.2f}x the peer "
          f"({'within' if ratio <= TARGET else 'OVER'} the {TARGET}x target)")


if __name__ == "__main__":
    main()
