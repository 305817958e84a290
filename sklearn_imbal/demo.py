"""``make demo``: which imbalance fix works on real imbalanced text? Measured, then shipped.

Runs ``sklearn-imbal compare`` on the bundled VADER tweets (4,200 human-rated tweets, 7.5%
strongly negative; Hutto & Gilbert, ICWSM 2014; MIT), all but six held out: a baseline
and every technique of the playbook (class weights, random over- and undersampling,
SMOTE on embeddings, focal loss, synthetic augmentation, threshold tuning, the best
combination) under one 5-fold stratified cross-validation, with the packaged
all-MiniLM-L6-v2 as a frozen encoder on a CPU (under 10 minutes on 2 cores in all) and
full fine-tuning of it for every technique when torch sees a GPU. Prints the ranked
table and the recommendation and writes ``results.json``, ``results.csv``,
``report.html``, ``pr_curves.png`` and ``threshold_curve.png`` to
``sklearn-imbal-output/``.

Then ``sklearn-imbal fit --from-results`` trains the recommendation on every compared
tweet into ``sklearn-imbal-model/`` (no pickle: see :mod:`sklearn_imbal.persistence`),
and ``sklearn-imbal predict`` scores the six held-out tweets.

Run ``python -m sklearn_imbal.demo [compare options]``, e.g. ``--model embeddings`` to
stay on the frozen encoder on a GPU machine too.
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .cli import DEFAULT_MODEL, DEFAULT_OUTPUT
from .cli import main as cli_main

N_HELD_OUT = 6


def _split_tweets(folder):
    """The bundled tweets as ``compare.csv`` and ``held_out.csv`` (three of each class,
    text only) in ``folder``; returns the paths and the held-out rows."""
    from .datasets import load_vader_tweets

    tweets = load_vader_tweets(as_frame=True)
    frame = tweets.frame[["text"]].assign(label=tweets.target_names[tweets.target])
    rng = np.random.RandomState(0)
    held = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(tweets.target == k), N_HELD_OUT // 2, replace=False)
        for k in (0, 1)]))
    paths = Path(folder) / "compare.csv", Path(folder) / "held_out.csv"
    frame.drop(index=frame.index[held]).to_csv(paths[0], index=False)
    frame.iloc[held][["text"]].to_csv(paths[1], index=False)
    return paths, frame.iloc[held]


def main(argv=None):
    """Run the demo: compare, fit the recommendation, predict held-out tweets.

    Parameters
    ----------
    argv : list of str or None, default=None
        Extra ``compare`` options; None reads ``sys.argv``.

    Returns
    -------
    code : int
        0, or the exit code of the first ``sklearn-imbal`` command that failed.
    """
    import pandas as pd

    argv = sys.argv[1:] if argv is None else list(argv)
    output = argv[argv.index("--output") + 1] if "--output" in argv[:-1] else DEFAULT_OUTPUT
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        (data, held_out), truth = _split_tweets(folder)
        columns = ["--text", "text", "--label", "label"]
        code = cli_main(["compare", str(data), *columns, *argv])
        if code == 0:
            print(f"\n$ sklearn-imbal fit --from-results {output} --output {DEFAULT_MODEL}")
            code = cli_main(["fit", str(data), *columns, "--from-results", output,
                             "--output", DEFAULT_MODEL])
        if code == 0:
            print(f"\n$ sklearn-imbal predict {DEFAULT_MODEL} held_out.csv "
                  f"({N_HELD_OUT} tweets left out of the comparison)")
            predictions = Path(folder) / "predictions.csv"
            code = cli_main(["predict", DEFAULT_MODEL, str(held_out), "--output",
                             str(predictions)])
        if code == 0:
            table = pd.read_csv(predictions)
            for text, label, (_, row) in zip(truth["text"], truth["label"], table.iterrows()):
                shown = text if len(text) <= 60 else text[:57] + "..."
                print(f"  {row['prediction']:>17s} (p={row['proba_strongly negative']:.2f})"
                      f"  true: {label:>17s}  {shown!r}")
    print(f"Demo finished in {time.perf_counter() - start:.0f} s.")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
