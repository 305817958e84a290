"""``make demo``: which imbalance fix works on real imbalanced text? Measured, in one command.

Runs ``sklearn-imbal compare`` on the bundled VADER tweets (4,200 human-rated tweets, 7.5%
strongly negative; Hutto & Gilbert, ICWSM 2014; MIT): a baseline and every technique of
the playbook (class weights, random over- and undersampling, SMOTE on embeddings, focal
loss, synthetic augmentation, threshold tuning, the best combination) under one 5-fold
stratified cross-validation, with the packaged all-MiniLM-L6-v2 as a frozen encoder on a
CPU (under 10 minutes on 2 cores) and full fine-tuning of it for every technique when
torch sees a GPU. Prints the ranked table and the recommendation and writes
``results.json``, ``results.csv``, ``report.html``, ``pr_curves.png`` and
``threshold_curve.png`` to ``sklearn-imbal-output/``.

Run ``python -m sklearn_imbal.demo [compare options]``, e.g. ``--model embeddings`` to
stay on the frozen encoder on a GPU machine too.
"""

import sys
import time

from .cli import main as cli_main


def main(argv=None):
    """Run the demo comparison; extra arguments are passed to ``sklearn-imbal compare``.

    Parameters
    ----------
    argv : list of str or None, default=None
        Extra ``compare`` options; None reads ``sys.argv``.

    Returns
    -------
    code : int
        The exit code of ``sklearn-imbal compare``.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    start = time.perf_counter()
    code = cli_main(["compare", *argv])
    print(f"Demo finished in {time.perf_counter() - start:.0f} s.")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
