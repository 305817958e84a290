"""TransformerClassifier on a real (tiny, random) BERT with the real tokenizer stack."""

import os
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate

from sklearn_imbal.text._batching import pad, tokenize
from sklearn_imbal.text._classifier import cls_shortcut_logits, supports_cls_shortcut
from sklearn_imbal import FocalLoss, LogitAdjustedLoss, ThresholdTunedClassifier
from sklearn_imbal.sampling import TextAugmentationSampler
from sklearn_imbal.text import TransformerClassifier, TransformerEmbedder
from sklearn_imbal.utils._text import unusable_texts, validate_texts

CALM = ["thanks", "great", "works", "fine", "helpful", "quick", "happy", "good"]
ANGRY = ["refund", "broken", "worst", "never", "cancel", "angry", "late", "awful"]
NEUTRAL = ["order", "delivery", "package", "account", "invoice", "address"]


def make_texts(n=120, minority=0.2, seed=0, three_classes=False):
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(n):
        draw = rng.rand()
        if draw < minority:
            words, label = ANGRY, "angry"
        elif three_classes and draw < minority + 0.25:
            words, label = NEUTRAL, "neutral"
        else:
            words, label = CALM, "calm"
        length = rng.randint(3, 15)
        texts.append(" ".join(rng.choice(words + NEUTRAL, size=length)))
        labels.append(label)
    return texts, np.array(labels)


@pytest.fixture(scope="module")
def data():
    return make_texts()


def tiny(path, **params):
    """A small seeded classifier on the CPU: these tests compare against CPU references
    exactly; the GPU path has the tests marked ``cuda``."""
    defaults = dict(model=path, lr=1e-2, max_epochs=4, batch_size=16, max_length=32,
                    warmup_ratio=0.0, random_state=0, device="cpu")
    return TransformerClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def fitted(tiny_bert_path, data):
    texts, y = data
    return tiny(tiny_bert_path, class_weight="balanced").fit(texts, y)


def test_learns_string_labels_and_probabilities(fitted, data):
    texts, y = data
    assert list(fitted.classes_) == ["angry", "calm"]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    pred = fitted.predict(texts)
    np.testing.assert_array_equal(pred, fitted.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(fitted.decision_function(texts),
                               np.log(proba[:, 1]) - np.log(proba[:, 0]), atol=1e-6)
    assert accuracy_score(y, pred) > 0.9
    assert fitted.loss_curve_[-1] < fitted.loss_curve_[0]
    assert fitted.n_iter_ == 4


def test_multiclass(tiny_bert_path):
    texts, y = make_texts(150, three_classes=True, seed=1)
    clf = tiny(tiny_bert_path, max_epochs=10, class_weight="balanced").fit(texts, y)
    assert list(clf.classes_) == ["angry", "calm", "neutral"]
    assert clf.predict_proba(texts).shape == (150, 3)
    assert clf.decision_function(texts).shape == (150, 3)
    assert accuracy_score(y, clf.predict(texts)) > 0.8


def test_same_seed_same_model_and_global_rng_untouched(tiny_bert_path, data):
    texts, y = data
    state = torch.get_rng_state()
    a = tiny(tiny_bert_path, max_epochs=1).fit(texts, y).predict_proba(texts)
    assert torch.equal(torch.get_rng_state(), state)
    b = tiny(tiny_bert_path, max_epochs=1).fit(texts, y).predict_proba(texts)
    np.testing.assert_array_equal(a, b)
    c = tiny(tiny_bert_path, max_epochs=1, random_state=1).fit(texts, y).predict_proba(texts)
    assert not np.allclose(a, c)


def test_prediction_order_and_batch_composition(fitted, data):
    texts, _ = data
    full = fitted.predict_proba(texts)
    order = np.random.RandomState(0).permutation(len(texts))
    shuffled = fitted.predict_proba([texts[i] for i in order])
    np.testing.assert_allclose(shuffled, full[order], atol=1e-5)
    one = np.vstack([fitted.predict_proba([texts[i]]) for i in range(0, 40, 7)])
    np.testing.assert_allclose(one, full[0:40:7], atol=1e-5)


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_prediction_shortcut_equals_the_full_forward(tiny_bert_path, data, attention):
    """The [CLS]-only last layer gives the model's own logits, padding included."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    texts, _ = data
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_bert_path, num_labels=3, attn_implementation=attention).eval()
    assert supports_cls_shortcut(model)
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert_path)
    batch = pad(tokenize(tokenizer, texts[:20], 32), tokenizer.pad_token_id)
    assert (batch["attention_mask"] == 0).any(), "the batch must contain padding"
    with torch.inference_mode():
        full = model(**batch).logits
        short = cls_shortcut_logits(model, batch["input_ids"], batch["attention_mask"])
    torch.testing.assert_close(short, full, atol=1e-5, rtol=1e-5)


def test_fitted_predictions_use_the_shortcut_exactly(fitted, data):
    texts, _ = data
    model = fitted.net_.module_.model
    assert supports_cls_shortcut(model)
    calls = []
    hook = model.register_forward_pre_hook(lambda module, args: calls.append(1))
    try:
        proba = fitted.predict_proba(texts)
    finally:
        hook.remove()
    assert not calls, "prediction ran the full forward instead of the shortcut"
    batch = pad(tokenize(fitted.tokenizer_, texts, fitted.max_length_),
                fitted.tokenizer_.pad_token_id)
    with torch.inference_mode():
        full = torch.softmax(model(**batch).logits.double(), dim=1).cpu().numpy()
    np.testing.assert_allclose(proba, full, atol=1e-5)


def test_shortcut_only_for_plain_bert_classifiers(fitted):
    model = fitted.net_.module_.model
    subclass = type("MyBertForSequenceClassification", (type(model),), {})
    assert not supports_cls_shortcut(model.bert)
    assert not supports_cls_shortcut(torch.nn.Linear(2, 2))
    model.__class__ = subclass
    try:
        assert not supports_cls_shortcut(model)
    finally:
        model.__class__ = subclass.__bases__[0]


def test_losses_and_class_weights(tiny_bert_path, data):
    texts, y = data
    counts = np.bincount(np.unique(y, return_inverse=True)[1])
    focal = tiny(tiny_bert_path, loss="focal", gamma=1.5, class_weight="balanced",
                 max_epochs=1).fit(texts, y)
    criterion = focal.net_.criterion_
    assert isinstance(criterion, FocalLoss) and criterion.gamma == 1.5
    np.testing.assert_allclose(criterion.alpha.cpu().numpy(), len(y) / (2 * counts), rtol=1e-6)
    adjusted = tiny(tiny_bert_path, loss="logit_adjusted", max_epochs=1).fit(texts, y)
    assert isinstance(adjusted.net_.criterion_, LogitAdjustedLoss)
    np.testing.assert_allclose(adjusted.net_.criterion_.log_priors.exp().cpu().numpy(),
                               counts / counts.sum(), rtol=1e-6)
    ce = tiny(tiny_bert_path, class_weight={"angry": 4.0}, max_epochs=1).fit(texts, y)
    np.testing.assert_allclose(ce.net_.criterion_.weight.cpu().numpy(), [4.0, 1.0])
    with pytest.raises(ValueError, match="logit_adjusted.*class_weight=None"):
        tiny(tiny_bert_path, loss="logit_adjusted", class_weight="balanced").fit(texts, y)


def test_dynamic_padding_length_buckets_and_one_tokenisation(tiny_bert_path, data):
    from transformers import AutoTokenizer

    texts, y = data

    class CountingTokenizer:
        """The real tokenizer, counting the calls that tokenise texts."""

        def __init__(self, tokenizer):
            self.tokenizer = tokenizer
            self.calls = 0

        def __call__(self, *args, **kwargs):
            self.calls += 1
            return self.tokenizer(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.tokenizer, name)

    tokenizer = CountingTokenizer(AutoTokenizer.from_pretrained(tiny_bert_path))
    clf = tiny(tiny_bert_path, tokenizer=tokenizer, max_epochs=3, max_length=64)
    widths = []
    handle = None

    def record(module, args, kwargs):
        widths.append(tuple(kwargs["input_ids"].shape))

    original_build = TransformerClassifier._build_net

    def build_and_hook(self, module, *args, **kwargs):
        nonlocal handle
        handle = module.register_forward_pre_hook(record, with_kwargs=True)
        return original_build(self, module, *args, **kwargs)

    TransformerClassifier._build_net = build_and_hook
    try:
        clf.fit(texts, y)
    finally:
        TransformerClassifier._build_net = original_build
        handle.remove()
    assert tokenizer.calls == 1, "texts are tokenised once per fit"
    lengths = [len(ids) for ids in tokenizer.tokenizer(texts)["input_ids"]]
    assert max(width for _, width in widths) == max(lengths) < 64, "no padding to max_length"
    assert len({width for _, width in widths}) > 3, "each batch padded to its own longest"
    epoch_batches = [widths[i:i + 8] for i in range(0, 24, 8)]
    assert epoch_batches[0] != epoch_batches[1], "buckets are reshuffled every epoch"


def test_gradient_accumulation_counts_optimizer_steps(tiny_bert_path, data):
    texts, y = data  # 120 texts, batch 16 -> 8 batches per epoch
    clf = tiny(tiny_bert_path, gradient_accumulation_steps=3, max_epochs=2).fit(texts, y)
    state = clf.net_.optimizer_.state
    steps = {int(s["step"]) for s in state.values() if "step" in s}
    assert steps == {2 * 3}  # ceil(8 / 3) = 3 optimizer steps per epoch


def test_freeze_encoder_trains_only_the_head(tiny_bert_path, data):
    from transformers import AutoModel

    texts, y = data
    clf = tiny(tiny_bert_path, freeze_encoder=True, max_epochs=1).fit(texts, y)
    reference = AutoModel.from_pretrained(tiny_bert_path).state_dict()
    trained = clf.net_.module_.model.base_model.state_dict()
    for name, value in reference.items():
        torch.testing.assert_close(trained[name], value)


def test_early_stopping_restores_the_best_epoch(tiny_bert_path, data):
    texts, y = data
    clf = tiny(tiny_bert_path, early_stopping=True, validation_fraction=0.3,
               n_iter_no_change=1, max_epochs=8, lr=5e-3).fit(texts, y)
    scores = clf.validation_scores_
    assert scores[clf.best_epoch_ - 1] == scores.max()
    assert clf.n_iter_ == 8 or clf.n_iter_ == clf.best_epoch_ + 1
    # The weights kept are the best epoch's: scoring them again gives its score.
    valid_ds = clf.net_.train_split.keywords["valid_ds"]
    proba = clf.net_.predict_proba(valid_ds)[:, 1]
    from sklearn.metrics import average_precision_score
    assert average_precision_score(valid_ds.y, proba) == pytest.approx(scores.max())
    assert len(valid_ds) == 36
    assert set(valid_ds.y.tolist()) == {0, 1}


def test_validation_curves_and_best_epoch(fitted, tiny_bert_path, data):
    texts, y = data
    assert fitted.validation_loss_curve_ is None and fitted.validation_scores_ is None
    assert fitted.best_epoch_ is None
    clf = tiny(tiny_bert_path, validation_fraction=0.3, max_epochs=3,
               scoring="balanced_accuracy").fit(texts, y)
    assert clf.validation_loss_curve_.shape == clf.validation_scores_.shape == (3,)
    assert "valid_acc" not in clf.net_.history[-1], "accuracy is not scored"
    # Without early stopping, the best epoch is the one with the best validation score.
    assert clf.best_epoch_ == int(np.argmax(clf.validation_scores_)) + 1
    valid_ds = clf.net_.train_split.keywords["valid_ds"]
    pred = clf.net_.predict_proba(valid_ds).argmax(axis=1)
    assert clf.validation_scores_[-1] == pytest.approx(
        balanced_accuracy_score(valid_ds.y, pred))
    with pytest.raises(ValueError, match="not a valid scoring value"):
        tiny(tiny_bert_path, scoring="no_such_score").fit(texts, y)


def test_save_pretrained_round_trip_without_pickle(fitted, data, tmp_path):
    texts, _ = data
    path = fitted.save_pretrained(tmp_path / "model")
    files = set(os.listdir(path))
    assert {"config.json", "model.safetensors", "sklearn_imbal.json"} <= files
    assert not any(name.endswith((".pkl", ".bin", ".pt")) for name in files)
    # On the CPU, as it was trained: the round trip is exact up to float32 rounding (on a
    # GPU, device="auto" would predict under bfloat16 autocast).
    loaded = TransformerClassifier.from_pretrained(path, device="cpu")
    np.testing.assert_allclose(loaded.predict_proba(texts), fitted.predict_proba(texts),
                               atol=1e-6)
    np.testing.assert_array_equal(loaded.classes_, fitted.classes_)
    assert loaded.get_params()["class_weight"] == "balanced"
    assert loaded.n_iter_ == 0 and loaded.loss_curve_.shape == (0,)
    assert loaded.validation_loss_curve_ is None and loaded.validation_scores_ is None
    assert loaded.best_epoch_ is None


def test_pickle_and_joblib(fitted, data, tmp_path):
    texts, _ = data
    expected = fitted.predict_proba(texts)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(texts), expected)
    assert restored.device_ == fitted.device_
    joblib.dump(fitted, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(texts),
                                  expected)
    # The module passed to skorch is pickled once, as the fitted module_, and shared again.
    assert restored.net_.module is restored.net_.module_


def test_clone_unfitted_pickles_small(tiny_bert_path):
    clf = tiny(tiny_bert_path)
    assert len(pickle.dumps(clf)) < 2000
    assert clone(clf).get_params() == clf.get_params()


def test_grid_search_cross_validate_threshold_tuning_and_imblearn(tiny_bert_path, data):
    texts, y = data
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    search = GridSearchCV(tiny(tiny_bert_path, max_epochs=2), {"lr": [1e-3, 3e-3]}, cv=cv,
                          scoring="f1_macro").fit(texts, y)
    assert search.best_params_["lr"] in (1e-3, 3e-3)
    result = cross_validate(tiny(tiny_bert_path, max_epochs=6, class_weight="balanced"),
                            texts, y, cv=cv,
                            scoring="f1_macro")
    assert np.all(result["test_score"] > 0.5)
    tuned = ThresholdTunedClassifier(tiny(tiny_bert_path, max_epochs=2), cv=0.3,
                                     pos_label="angry", random_state=0).fit(texts, y)
    assert 0 < tuned.best_threshold_ < 1
    pipe = make_imb_pipeline(TextAugmentationSampler(random_state=0),
                             tiny(tiny_bert_path, max_epochs=2)).fit(texts, y)
    assert set(pipe.predict(texts[:10])) <= {"angry", "calm"}


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        ("a single string", ["a"], TypeError, "single string.*wrap it in a list"),
        (["ok", None], ["a", "b"], ValueError, "None|missing"),
        (["ok", 5], ["a", "b"], (TypeError, ValueError), "str"),
        (["ok", ""], ["a", "b"], ValueError, "empty"),
        (["ok", "fine", "good"], ["a", "b"], ValueError, "inconsistent numbers of samples"),
        (["ok", "fine"], ["a", "a"], ValueError, "at least two classes"),
        (["ok", "fine"], [0.5, 1.7], ValueError, "Unknown label type"),
    ],
)
def test_bad_inputs(tiny_bert_path, X, y, error, match):
    with pytest.raises(error, match=match):
        tiny(tiny_bert_path).fit(X, y)


@pytest.mark.parametrize("bad", ["abc\ud800", "\udcff", "ok \ud83d then"])
def test_lone_surrogates_are_a_clear_error_naming_x_and_the_index(fitted, tiny_bert_path, bad):
    """A string that is not valid Unicode crashed inside the tokenizer; the shared text
    validation now refuses it in both text estimators, as it refuses empty strings."""
    match = r"X holds a string that is not valid Unicode at index 1: a lone surrogate"
    with pytest.raises(ValueError, match=match):
        fitted.predict(["fine", bad])
    with pytest.raises(ValueError, match=match):
        tiny(tiny_bert_path).fit(["fine", bad] * 4, ["a", "b"] * 4)
    embedder = TransformerEmbedder(tiny_bert_path)
    with pytest.raises(ValueError, match=match):
        embedder.fit(["fine", bad])
    with pytest.raises(ValueError, match=match):
        embedder.fit(["fine", "good"]).transform(["fine", bad])
    assert unusable_texts(["fine", bad, "", "\U0001f600 a real emoji"]) == [1, 2]
    assert validate_texts(["\U0001f600 ok"], estimator_name="E") == ["\U0001f600 ok"]


def test_column_input_accepted(tiny_bert_path, data):
    texts, y = data
    column = np.asarray(texts, dtype=object).reshape(-1, 1)
    clf = tiny(tiny_bert_path, max_epochs=1).fit(column, y)
    assert clf.predict(column[:5]).shape == (5,)


def test_unknown_model_path_is_a_clear_offline_error(tmp_path, data):
    texts, y = data
    with pytest.raises(ValueError, match="never downloads"):
        TransformerClassifier(model=str(tmp_path / "missing")).fit(texts, y)


def test_unfitted_errors(tiny_bert_path):
    from sklearn.exceptions import NotFittedError

    for method in ("predict", "predict_proba", "decision_function", "save_pretrained"):
        with pytest.raises(NotFittedError):
            getattr(tiny(tiny_bert_path), method)(["text"])


@pytest.mark.cuda
def test_cuda_mixed_precision_and_cpu_loading(tiny_bert_path, data, tmp_path):
    texts, y = data
    clf = tiny(tiny_bert_path, device="cuda").fit(texts, y)
    assert clf.device_.type == "cuda" and clf.net_.amp_dtype in (torch.bfloat16, torch.float16)
    expected = clf.predict_proba(texts)
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.save(tmp_path / "proba.npy", expected)
    code = (
        "import joblib, numpy as np, warnings, torch\n"
        "assert not torch.cuda.is_available()\n"
        "warnings.simplefilter('ignore')\n"
        f"clf = joblib.load({str(tmp_path / 'clf.joblib')!r})\n"
        f"texts = {texts!r}\n"
        f"np.testing.assert_allclose(clf.predict_proba(texts), "
        f"np.load({str(tmp_path / 'proba.npy')!r}), atol=2e-2)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "CUDA_VISIBLE_DEVICES": ""}, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


@pytest.mark.slow
def test_packaged_minilm_learns_sentiment():
    texts, y = make_texts(200, seed=3)
    clf = TransformerClassifier(model_kwargs={"num_hidden_layers": 2}, max_epochs=2,
                                class_weight="balanced", lr=5e-5, random_state=0)
    clf.fit(texts, y)
    held_out, y_held = make_texts(100, seed=4)
    assert accuracy_score(y_held, clf.predict(held_out)) > 0.85


def test_training_runs_every_submodule_in_train_mode(tiny_bert_path, data):
    """Dropout must be on while training: the HF model loads in eval mode."""
    texts, y = data
    modes = []
    clf = tiny(tiny_bert_path, max_epochs=1)
    original_build = TransformerClassifier._build_net

    def build_and_hook(self, module, *args, **kwargs):
        def record(submodule, args):
            modes.append(all(m.training for m in submodule.modules()))
        self._hook = module.model.register_forward_pre_hook(record)
        return original_build(self, module, *args, **kwargs)

    TransformerClassifier._build_net = build_and_hook
    try:
        clf.fit(texts, y)
    finally:
        TransformerClassifier._build_net = original_build
    clf._hook.remove()
    del clf._hook
    assert modes and all(modes)
    assert not any(m.training for m in clf.net_.module_.modules()), "eval mode after fit"
    clf.predict(texts[:3])


@pytest.mark.parametrize("pooling", ["mean", "pooler"])
def test_head_lr_and_layer_decay_set_each_parameters_rate(tiny_bert_path, data, pooling):
    texts, y = data
    lr, head_lr, decay = 1e-2, 5e-2, 0.5
    clf = tiny(tiny_bert_path, pooling=pooling, head_lr=head_lr, layer_decay=decay,
               max_epochs=1).fit(texts, y)
    module = clf.net_.module_
    groups = {id(p): group for group in clf.net_.optimizer_.param_groups
              for p in group["params"]}
    base = {id(p) for p in module.model.base_model.parameters()}
    seen = set()
    for name, param in module.named_parameters():
        group = groups[id(param)]
        if id(param) not in base:
            expected = head_lr
        elif ".layer.1." in name:  # the top of the two blocks
            expected = lr
        elif ".layer.0." in name:
            expected = lr * decay
        elif ".embeddings." in name:
            expected = lr * decay ** 2
        else:  # the encoder's pooler
            assert ".pooler." in name
            expected = lr
        seen.add(expected)
        # The schedule starts from each group's own peak rate.
        assert group["initial_lr"] == pytest.approx(expected), name
        no_decay = name.endswith("bias") or "LayerNorm" in name
        assert group["weight_decay"] == (0.0 if no_decay else clf.weight_decay), name
    assert seen == {head_lr, lr, lr * decay, lr * decay ** 2}


def test_layer_decay_trains_the_lower_layers_slower(tiny_bert_path, data):
    from transformers import AutoModel

    texts, y = data
    reference = AutoModel.from_pretrained(tiny_bert_path).state_dict()

    def change(clf, part):
        trained = clf.net_.module_.model.base_model.state_dict()
        return max(float((trained[k] - v).abs().max()) for k, v in reference.items()
                   if k.startswith(part))

    flat = tiny(tiny_bert_path, pooling="mean", max_epochs=1).fit(texts, y)
    decayed = tiny(tiny_bert_path, pooling="mean", max_epochs=1, layer_decay=1e-2).fit(texts, y)
    # AdamW moves a weight by up to about its rate per step whatever its gradient (8
    # steps here, the rate decaying linearly): with one rate every part moves; with the
    # decay the lower block (1e-2 of lr) moves less, the embeddings (1e-4) hardly at all.
    assert change(flat, "embeddings.") > 1e-3 and change(flat, "encoder.layer.1.") > 1e-3
    assert change(decayed, "encoder.layer.1.") > 1e-3
    assert change(decayed, "embeddings.") < 1e-5 < change(decayed, "encoder.layer.0.") < 1e-3
    # The same seed and rates give the same model as before these options: no decay and
    # head_lr=lr are the default.
    same = tiny(tiny_bert_path, pooling="mean", max_epochs=1, head_lr=flat.lr).fit(texts, y)
    np.testing.assert_array_equal(same.predict_proba(texts), flat.predict_proba(texts))


def test_learning_rate_options_checked_and_saved(tiny_bert_path, data, tmp_path):
    from sklearn.utils._param_validation import InvalidParameterError
    from transformers import BertConfig, BertModel

    from sklearn_imbal.text._classifier import _PooledClassifier, learning_rate_scales

    texts, y = data
    for params, name in [({"layer_decay": 0.0}, "layer_decay"),
                         ({"layer_decay": 1.5}, "layer_decay"),
                         ({"head_lr": 0.0}, "head_lr")]:
        with pytest.raises(InvalidParameterError, match=name):
            tiny(tiny_bert_path, **params).fit(texts, y)
    # An encoder without numbered blocks has no layers to decay over.
    flat = BertModel(BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=0,
                                num_attention_heads=2, intermediate_size=8))
    module = _PooledClassifier(flat, 2, "mean")
    with pytest.raises(ValueError, match="layer_decay=0.8 needs an encoder whose blocks"):
        learning_rate_scales(module, 1e-3, None, 0.8)
    assert set(learning_rate_scales(module, 1e-3, 2e-3, 1.0).values()) == {2.0}

    clf = tiny(tiny_bert_path, head_lr=3e-2, layer_decay=0.9, max_epochs=1).fit(texts, y)
    loaded = TransformerClassifier.from_pretrained(clf.save_pretrained(tmp_path / "m"),
                                                   device="cpu")
    assert loaded.get_params()["head_lr"] == 3e-2 and loaded.get_params()["layer_decay"] == 0.9
