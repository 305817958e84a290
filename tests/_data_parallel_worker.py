"""The script that ``tests/test_data_parallel.py`` and ``benchmarks/bench_scaleout.py``
run under ``torchrun``: every process fits the same cases with ``data_parallel=True``.

``python -m torch.distributed.run --nproc_per_node=2 tests/_data_parallel_worker.py OUT
TINY_BERT [--save]`` writes ``OUT/rank<r>.npz`` (each case's test probabilities) and,
with ``--save``, rank 0's models (``OUT/focal`` through ``sklearn_imbal.save``,
``OUT/transformer`` through ``save_pretrained``). :func:`cases` builds the same cases in
the test, which fits them in one process for the comparison.
"""

import os
import sys

import numpy as np
from sklearn.datasets import make_classification

# Dropout would draw different masks on each process (and in one process); the tiny
# BERT is compared without it.
NO_DROPOUT = {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}


def tabular(n_samples):
    X, y = make_classification(n_samples=n_samples + 40, n_features=6, n_informative=4,
                               weights=[0.85], flip_y=0, random_state=0)
    return X[:n_samples].astype(np.float32), y[:n_samples], X[n_samples:].astype(np.float32)


def texts():
    from sklearn_imbal.utils._test_common.tiny_bert import support_ticket_corpus

    sentences = support_ticket_corpus(80)
    labels = np.array(["angry" if any(word in s for word in ("angry", "money", "worst",
                                                             "cancel", "awful")) else "calm"
                       for s in sentences])
    return sentences[:60], labels[:60], sentences[60:]


def cases(tiny_bert_path, names=None):
    """``{name: (estimator, X, y, X_test)}``: the fits compared with one process."""
    from sklearn_imbal import FocalLossClassifier
    from sklearn_imbal.text import TransformerClassifier

    X, y, X_test = tabular(193)  # 6 batches of 32 and one of 1 row: one process gets none
    Xe, ye, Xe_test = tabular(160)
    T, yt, T_test = texts()
    tiny = dict(model=tiny_bert_path, model_kwargs=NO_DROPOUT, lr=5e-3, max_epochs=2,
                max_length=32, warmup_ratio=0.2, random_state=0, data_parallel=True)
    all_cases = {
        # focal loss with class weights (its alpha), shards of unequal size
        "focal": (FocalLossClassifier(hidden_layer_sizes=(16,), batch_size=32, lr=1e-2,
                                      max_epochs=4, class_weight="balanced",
                                      random_state=0, data_parallel=True), X, y, X_test),
        # weighted cross-entropy (normalised by the batch's weights), early stopping
        "focal_weighted_ce_early_stopping": (FocalLossClassifier(
            hidden_layer_sizes=(16,), loss="cross_entropy", class_weight="balanced",
            batch_size=25, lr=1e-2, max_epochs=6, early_stopping=True, n_iter_no_change=2,
            random_state=0, data_parallel=True), Xe, ye, Xe_test),
        # no seed: rank 0's is broadcast, so the processes draw the same batches and split
        # (one process draws another seed: this case is only compared across processes)
        "focal_unseeded": (FocalLossClassifier(
            hidden_layer_sizes=(16,), batch_size=25, max_epochs=3, early_stopping=True,
            data_parallel=True), Xe, ye, Xe_test),
        # the model's own head, gradient accumulation, weighted cross-entropy
        "transformer_accumulation": (TransformerClassifier(
            pooling="pooler", batch_size=8, gradient_accumulation_steps=2,
            class_weight="balanced", **tiny), T, yt, T_test),
        # a pooled head (the encoder's pooler unused), focal loss, a validation split
        "transformer_pooled": (TransformerClassifier(
            pooling="mean", batch_size=10, loss="focal", class_weight="balanced",
            validation_fraction=0.2, **tiny), T, yt, T_test),
    }
    return {name: case for name, case in all_cases.items() if names is None or name in names}


def main(out, tiny_bert_path, save=False, names=None):
    import torch.distributed as dist

    from sklearn_imbal import FocalLossClassifier
    from sklearn_imbal import save as save_estimator
    from sklearn_imbal.utils import is_main_process

    rank = int(os.environ["RANK"])
    results = {}
    for name, (estimator, X, y, X_test) in cases(tiny_bert_path, names).items():
        estimator.fit(X, y)
        results[name] = estimator.predict_proba(X_test)
        results[name + "_loss_curve"] = estimator.loss_curve_
        if save and is_main_process():
            if name == "focal":
                save_estimator(estimator, os.path.join(out, "focal"))
            elif name == "transformer_accumulation":
                estimator.save_pretrained(os.path.join(out, "transformer"))
    # Each process given other data: every process must raise, none wait forever.
    try:
        X, y, _ = tabular(50 + rank)
        FocalLossClassifier(max_epochs=1, data_parallel=True).fit(X, y)
    except ValueError as exc:
        results["different_data_error"] = np.array(str(exc))
    np.savez(os.path.join(out, f"rank{rank}.npz"), **results)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    main(args[0], args[1], save="--save" in sys.argv,
         names=args[2].split(",") if len(args) > 2 else None)
