"""Tests of save / load: round trips of every technique's estimator, the card, tampering."""

import json
import os
import warnings

import numpy as np
import pytest
import skops.io as sio
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_imbal import load, save
from sklearn_imbal.compare import TECHNIQUES, compare_techniques
from sklearn_imbal.datasets import load_vader_tweets
from sklearn_imbal.persistence import read_card


@pytest.fixture(scope="module")
def tabular():
    """Every tabular technique compared on 160 rows, 2 folds (focal loss included)."""
    X, y = make_classification(n_samples=160, n_features=6, weights=[0.85], random_state=0)
    return X, y, compare_techniques(X, y, cv=2, progress=False)


@pytest.fixture(scope="module")
def lr_model():
    X, y = make_classification(n_samples=120, weights=[0.8], random_state=1)
    return X, y, make_pipeline(LogisticRegression()).fit(X, y)


@pytest.mark.parametrize("technique", [t for t in TECHNIQUES if t != "augmentation"])
def test_round_trip_of_every_tabular_technique(tabular, technique, tmp_path):
    X, y, result = tabular
    assert technique in result.fold_scores, result.skipped
    model = result.make_estimator(technique).fit(X, y)
    save(model, tmp_path / "m", y=y, comparison=result, technique=technique)
    again = load(tmp_path / "m")
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    card = read_card(tmp_path / "m")
    assert card["technique"] == technique
    assert card["classes"] == [0, 1]
    assert card["training"] == {"n_samples": 160, "class_counts": {
        "0": int((y == 0).sum()), "1": int((y == 1).sum())}}
    mean, sd = result.summary(technique)["mcc"]
    assert card["comparison"]["scores"][technique]["mcc"] == {"mean": mean, "sd": sd}
    assert card["comparison"]["rank_by"] == "mcc" and card["comparison"]["cv"] == 2
    uses_torch = technique == "focal_loss" or (
        technique == "best_combination" and result.info["combination_base"] == "focal_loss")
    assert ("torch" in card["versions"]) == uses_torch
    assert set(card["versions"]) >= {"sklearn_imbal", "scikit-learn", "imbalanced-learn"}
    if technique in ("threshold", "best_combination"):
        assert card["thresholds"][0]["threshold"] == model[-1].best_threshold_
    if technique == "class_weight":
        assert card["class_weights"] == [{"step": "LogisticRegression",
                                          "class_weight": "balanced"}]
    if technique == "focal_loss":
        assert list(card["parts"].values()) == ["FocalLossClassifier"]
        assert (tmp_path / "m" / "parts" / "0" / "weights.safetensors").is_file()
        focal = again[-1][-1]
        np.testing.assert_array_equal(focal.loss_curve_, model[-1][-1].loss_curve_)
        weights = card["class_weights"][0]["class_weight"]
        assert weights == dict(zip(["0", "1"], model[-1][-1].class_weight_.tolist()))


def test_no_pickle_in_the_folder(tabular, tmp_path):
    X, y, result = tabular
    model = result.make_estimator("focal_loss").fit(X, y)
    save(model, tmp_path)
    for root, _, names in os.walk(tmp_path):
        for name in names:
            assert not (tmp_path / root / name).read_bytes().startswith(b"\x80"), name
    assert sorted(read_card(tmp_path)["files"]) == [
        "estimator.skops", "parts/0/params.json", "parts/0/weights.safetensors"]


def _tweets(n):
    X, y = load_vader_tweets(return_X_y=True)
    keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=0)
    return [X[i] for i in keep], y[keep]


@pytest.fixture(scope="module")
def text_embeddings(tiny_bert_path):
    """Every technique of the embeddings family compared on 120 tweets, 2 folds."""
    X, y = _tweets(120)
    return X, y, compare_techniques(X, y, model="embeddings", model_path=tiny_bert_path,
                                    cv=2, progress=False)


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_round_trip_of_every_text_embeddings_technique(text_embeddings, technique, tmp_path):
    X, y, result = text_embeddings
    assert result.skipped == {}
    model = result.make_estimator(technique).fit(X, y)
    save(model, tmp_path, technique=technique)
    again = load(tmp_path)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_round_trip_text_embeddings_pipeline(tiny_bert_path, tmp_path):
    """The embeddings family's threshold tuning: a fitted and an unfitted (template)
    TransformerEmbedder, stored as parameters and loaded again from the model folder."""
    from sklearn_imbal.text import TransformerEmbedder

    X, y = _tweets(120)
    result = compare_techniques(X, y, model="embeddings", model_path=tiny_bert_path, cv=2,
                                progress=False, techniques=["threshold"])
    model = result.make_estimator("threshold").fit(X, y)
    save(model, tmp_path, y=y, comparison=result)
    again = load(tmp_path)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    card = read_card(tmp_path)
    assert card["technique"] == result.ranking[0]
    assert sorted(card["parts"].values()) == ["TransformerEmbedder"] * 2
    assert "transformers" in card["versions"]
    embedders = [s for s in again[-1].estimator_.named_steps.values()
                 if isinstance(s, TransformerEmbedder)]
    assert embedders[0].model == tiny_bert_path and hasattr(embedders[0], "model_")


def test_round_trip_transformer_classifier(tiny_bert_path, tmp_path):
    X, y = _tweets(80)
    result = compare_techniques(X, y, model="finetune", model_path=tiny_bert_path, cv=2,
                                max_epochs=1, progress=False, techniques=["class_weight"])
    model = result.make_estimator("class_weight").fit(X, y)
    save(model, tmp_path, technique="class_weight")
    again = load(tmp_path, device="cpu")
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    assert again[-1].random_state == model[-1].random_state
    files = read_card(tmp_path)["files"]
    assert "parts/0/model.safetensors" in files and "parts/0/sklearn_imbal.json" in files


def test_secrets_are_not_written(tmp_path):
    from sklearn_imbal.sampling import LLMAugmenter, TextAugmentationSampler

    sampler = TextAugmentationSampler(LLMAugmenter("m", api_key="sk-very-secret"))
    save(sampler, tmp_path)
    for root, _, names in os.walk(tmp_path):
        for name in names:
            assert b"sk-very-secret" not in (tmp_path / root / name).read_bytes()
    assert load(tmp_path).augmenter.api_key is None


def test_unknown_types_are_refused_unless_trusted(tmp_path, lr_model):
    X, y, _ = lr_model
    model = make_pipeline(FunctionTransformer(os.path.abspath, validate=False),
                          LogisticRegression())
    with pytest.warns(UserWarning, match="posixpath.abspath|ntpath.abspath"):
        save(model, tmp_path)
    with pytest.raises(ValueError, match=r"estimator.skops' holds types that are not "
                                         r"trusted: (posix|nt)path.abspath"):
        load(tmp_path)
    assert isinstance(load(tmp_path, trusted=[os.path.abspath.__module__ + ".abspath"])[-1],
                      LogisticRegression)


def test_allow_list_imports_no_command():
    """Checking a name imports our own packages' modules, never a ``__main__``."""
    import sys

    from sklearn_imbal.persistence import _allowed

    assert _allowed("sklearn.linear_model._logistic.LogisticRegression")
    assert _allowed("sklearn_imbal.threshold._tuned.ThresholdTunedClassifier")
    assert not _allowed("sklearn_imbal.__main__.main")
    assert "sklearn_imbal.__main__" not in sys.modules
    assert not _allowed("sklearn_imbal.cli.main")  # a function, not an estimator class
    assert not _allowed("builtins.eval") and not _allowed("sklearn.utils.no_such.Thing")


def test_tampered_skops_file_is_refused_by_type(tmp_path, lr_model):
    """A skops file replaced (and its checksum updated in the card): its types are still
    checked before anything is built."""
    X, y, model = lr_model
    save(model, tmp_path)
    evil = make_pipeline(FunctionTransformer(os.system), LogisticRegression())
    data = sio.dumps(evil)
    (tmp_path / "estimator.skops").write_bytes(data)
    card = json.loads((tmp_path / "card.json").read_text())
    import hashlib

    card["files"]["estimator.skops"] = hashlib.sha256(data).hexdigest()
    (tmp_path / "card.json").write_text(json.dumps(card))
    with pytest.raises(ValueError, match="not trusted: (posix|nt).system"):
        load(tmp_path)


@pytest.mark.parametrize("damage, match", [
    ("card invalid", r"card.json' is not valid JSON"),
    ("card key", r"card.json' misses files"),
    ("card format", r"is format 'other'"),
    ("skops edited", r"estimator.skops' was changed after it was saved"),
    ("skops missing", r"estimator.skops' is missing"),
    ("weights edited", r"weights.safetensors' was changed after it was saved"),
    ("part json edited", r"params.json' was changed after it was saved"),
])
def test_damaged_folder_is_a_clear_error(damage, match, tmp_path, tabular):
    X, y, result = tabular
    model = result.make_estimator("focal_loss").fit(X, y)
    save(model, tmp_path)
    card_file = tmp_path / "card.json"
    card = json.loads(card_file.read_text())
    part = tmp_path / "parts" / "0"
    if damage == "card invalid":
        card_file.write_text(card_file.read_text()[:-20])
    elif damage == "card key":
        del card["files"]
        card_file.write_text(json.dumps(card))
    elif damage == "card format":
        card["format"] = "other"
        card_file.write_text(json.dumps(card))
    elif damage == "skops edited":
        (tmp_path / "estimator.skops").write_bytes(b"PK" + b"\0" * 50)
    elif damage == "skops missing":
        (tmp_path / "estimator.skops").unlink()
    elif damage == "weights edited":
        data = bytearray((part / "weights.safetensors").read_bytes())
        data[-1] ^= 1
        (part / "weights.safetensors").write_bytes(bytes(data))
    else:
        content = json.loads((part / "params.json").read_text())
        content["classes"] = [1, 0]
        (part / "params.json").write_text(json.dumps(content))
    with pytest.raises(ValueError, match=match):
        load(tmp_path)


def test_edited_part_with_checksum_updated_is_checked(tmp_path, tabular):
    """Even with the card's checksum updated, a part's JSON is validated."""
    import hashlib

    X, y, result = tabular
    save(result.make_estimator("focal_loss").fit(X, y), tmp_path)
    params = tmp_path / "parts" / "0" / "params.json"
    content = json.loads(params.read_text())
    content["params"]["max_epochs"] = -3
    params.write_text(json.dumps(content))
    card = json.loads((tmp_path / "card.json").read_text())
    card["files"]["parts/0/params.json"] = hashlib.sha256(params.read_bytes()).hexdigest()
    (tmp_path / "card.json").write_text(json.dumps(card))
    with pytest.raises(ValueError, match=r"params.json: the saved parameters are not valid "
                                         r"for FocalLossClassifier.*max_epochs"):
        load(tmp_path)


def test_folder_rules(tmp_path, lr_model, tabular):
    X, y, model = lr_model
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load(tmp_path / "nothing")
    with pytest.raises(ValueError, match="holds no card.json"):
        load(tmp_path)
    (tmp_path / "theirs.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty and was not written"):
        save(model, tmp_path)
    save(model, tmp_path, overwrite=True)
    assert (tmp_path / "theirs.txt").read_text() == "keep me"
    # A folder we wrote is rewritten; files of the earlier save not written again go.
    Xt, yt, result = tabular
    save(result.make_estimator("focal_loss").fit(Xt, yt), tmp_path / "m")
    assert (tmp_path / "m" / "parts" / "0" / "weights.safetensors").is_file()
    save(model, tmp_path / "m")
    assert sorted(os.listdir(tmp_path / "m")) == ["card.json", "estimator.skops"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(load(tmp_path / "m").predict(X), model.predict(X))


def test_custom_module_cannot_be_saved(tmp_path):
    from functools import partial

    from sklearn_imbal.neural import MLP, FocalLossClassifier

    X, y = make_classification(n_samples=60, random_state=0)
    model = FocalLossClassifier(module=partial(MLP, hidden_layer_sizes=(4,)), max_epochs=1,
                                random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="custom network"):
        save(model, tmp_path / "m")
    assert not (tmp_path / "m").exists()
