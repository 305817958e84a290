"""Pooling: what the model declares, how it pools, and one rule for embedder and classifier."""

import json
import os
import shutil

import numpy as np
import pytest
import torch

from sklearn_imbal.text import TransformerClassifier, TransformerEmbedder
from sklearn_imbal.text._batching import pad, tokenize
from sklearn_imbal.text._hub import packaged_model_path
from sklearn_imbal.text._pooling import declared_pooling, pool, write_pooling_config
from sklearn_imbal.utils._test_common.tiny_bert import support_ticket_corpus


def _corpus(n=60):
    texts = support_ticket_corpus(n)
    return texts, np.array(["angry" if i % 4 == 0 else "calm" for i in range(n)])


@pytest.fixture(scope="module")
def declaring(tiny_bert_path, tmp_path_factory):
    """Copies of the tiny BERT whose folders declare each pooling."""
    folders = {}
    for mode in ("mean", "cls", "max"):
        folder = tmp_path_factory.mktemp(f"tiny_{mode}")
        shutil.copytree(tiny_bert_path, folder, dirs_exist_ok=True)
        write_pooling_config(folder, mode, hidden_size=32)
        folders[mode] = str(folder)
    return folders


def test_declared_pooling_of_the_packaged_model_and_of_plain_folders(tiny_bert_path, declaring):
    assert declared_pooling(packaged_model_path()) == "mean"
    assert declared_pooling(tiny_bert_path) is None
    assert declared_pooling(None) is None
    for mode, folder in declaring.items():
        assert declared_pooling(folder) == mode


def test_unclear_declarations_are_none(declaring, tmp_path):
    folder = tmp_path / "several"
    shutil.copytree(declaring["mean"], folder)
    config_file = folder / "1_Pooling" / "config.json"
    config = json.loads(config_file.read_text())
    config["pooling_mode_cls_token"] = True
    config_file.write_text(json.dumps(config))
    assert declared_pooling(folder) is None
    config_file.write_text("{not json")
    assert declared_pooling(folder) is None
    (folder / "modules.json").write_text("[]")
    assert declared_pooling(folder) is None


def test_pool_ignores_padding(tiny_bert_path):
    hidden = torch.arange(2 * 3 * 2, dtype=torch.float32).reshape(2, 3, 2)
    hidden[1, 2] = 1000.0  # a padded position
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    torch.testing.assert_close(pool(hidden, mask, "mean")[1], hidden[1, :2].mean(dim=0))
    torch.testing.assert_close(pool(hidden, mask, "max")[1], hidden[1, :2].amax(dim=0))
    torch.testing.assert_close(pool(hidden, mask, "cls"), hidden[:, 0])
    assert pool(hidden.half(), mask, "mean").dtype == torch.float32


@pytest.mark.parametrize("mode", ["mean", "cls", "max"])
def test_embedder_and_classifier_follow_the_same_declaration(declaring, mode):
    texts, labels = _corpus()
    embedder = TransformerEmbedder(declaring[mode]).fit(texts)
    clf = TransformerClassifier(declaring[mode], max_epochs=1, device="cpu",
                                random_state=0).fit(texts, labels)
    assert embedder.pooling_ == clf.pooling_ == mode
    assert clf.net_.module_.pooling == mode
    explicit = TransformerEmbedder(declaring[mode], pooling=mode).fit(texts)
    np.testing.assert_array_equal(embedder.transform(texts), explicit.transform(texts))


def test_without_a_declaration_the_classifier_uses_the_models_own_head(tiny_bert_path):
    texts, labels = _corpus()
    clf = TransformerClassifier(tiny_bert_path, max_epochs=1, device="cpu",
                                random_state=0).fit(texts, labels)
    assert clf.pooling_ == "pooler"
    assert type(clf.net_.module_.model).__name__ == "BertForSequenceClassification"
    assert TransformerEmbedder(tiny_bert_path).fit(texts).pooling_ == "mean"


def test_pooled_logits_are_a_float32_linear_head_on_the_pooled_states(tiny_bert_path):
    texts, labels = _corpus()
    clf = TransformerClassifier(tiny_bert_path, pooling="mean", max_epochs=1, device="cpu",
                                random_state=0).fit(texts, labels)
    module = clf.net_.module_
    assert module.classifier.weight.dtype == torch.float32
    assert module.classifier.out_features == 2
    batch = pad(tokenize(clf.tokenizer_, texts[:10], clf.max_length_),
                clf.tokenizer_.pad_token_id)
    with torch.inference_mode():
        hidden = module.model(**batch)[0]
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        expected = pooled @ module.classifier.weight.T + module.classifier.bias
    logits = np.log(clf.predict_proba(texts[:10]))
    np.testing.assert_allclose(logits - logits[:, :1],
                               (expected - expected[:, :1]).numpy(), atol=1e-5)


@pytest.mark.parametrize("mode", ["mean", "max", "pooler"])
def test_save_pretrained_round_trip_keeps_the_pooling(tiny_bert_path, tmp_path, mode):
    texts, labels = _corpus()
    clf = TransformerClassifier(tiny_bert_path, pooling=mode, max_epochs=1, device="cpu",
                                random_state=0).fit(texts, labels)
    folder = clf.save_pretrained(tmp_path / mode)
    again = TransformerClassifier.from_pretrained(folder, device="cpu")
    assert again.pooling_ == mode
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)
    with open(os.path.join(folder, "sklearn_imbal.json"), encoding="utf-8") as handle:
        assert json.load(handle)["pooling"] == mode
    # The saved folder declares the pooling, so a frozen embedder of it agrees.
    expected_embedder = "mean" if mode == "pooler" else mode
    assert TransformerEmbedder(folder).fit(texts).pooling_ == expected_embedder
    assert declared_pooling(folder) == (None if mode == "pooler" else mode)


def test_folders_saved_before_the_pooling_choice_load_with_the_models_head(
    tiny_bert_path, tmp_path
):
    texts, labels = _corpus()
    clf = TransformerClassifier(tiny_bert_path, max_epochs=1, device="cpu",
                                random_state=0).fit(texts, labels)
    folder = clf.save_pretrained(tmp_path / "old")
    params_file = os.path.join(folder, "sklearn_imbal.json")
    with open(params_file, encoding="utf-8") as handle:
        saved = json.load(handle)
    del saved["pooling"], saved["params"]["pooling"]
    with open(params_file, "w", encoding="utf-8") as handle:
        json.dump(saved, handle)
    again = TransformerClassifier.from_pretrained(folder, device="cpu")
    assert again.pooling_ == "pooler"
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)


def test_freeze_encoder_with_pooling_trains_only_the_head(tiny_bert_path):
    texts, labels = _corpus()
    clf = TransformerClassifier(tiny_bert_path, pooling="mean", freeze_encoder=True,
                                max_epochs=3, lr=1e-2, random_state=0).fit(texts, labels)
    fresh = TransformerEmbedder(tiny_bert_path).fit(texts).model_.state_dict()
    trained = clf.net_.module_.model.state_dict()
    assert all(torch.equal(trained[k].cpu(), fresh[k].cpu()) for k in fresh)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]  # the head did learn
