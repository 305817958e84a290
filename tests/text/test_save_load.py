"""TransformerClassifier.save_pretrained / from_pretrained on hostile folders and files.

Nothing of the user's is overwritten or deleted, nothing is unpickled, and every damaged,
edited or foreign folder gives one clear error naming the file, instead of a traceback
from deep inside json, safetensors, torch or transformers, or silently flipped predictions.
"""

import json
import os
import shutil

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_imbal.text import TransformerClassifier, TransformerEmbedder

TEXTS = ["refund now, this is broken", "thanks, works great", "love it, good",
         "worst service ever, cancel", "great support, happy", "all good, thanks",
         "late and awful package", "quick and helpful"] * 3
LABELS = ["angry", "calm", "calm", "angry", "calm", "calm", "angry", "calm"] * 3


def tiny(path, **params):
    defaults = dict(model=path, max_epochs=1, batch_size=8, max_length=16, random_state=0)
    return TransformerClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def fitted(tiny_bert_path):
    return tiny(tiny_bert_path).fit(TEXTS, LABELS)  # pooling "auto" -> the model's head


@pytest.fixture(scope="module")
def pooled(tiny_bert_path):
    return tiny(tiny_bert_path, pooling="mean").fit(TEXTS, LABELS)


@pytest.fixture
def saved(fitted, tmp_path):
    return fitted.save_pretrained(tmp_path / "saved")


def edit_json(folder, change):
    file = os.path.join(folder, "sklearn_imbal.json")
    with open(file, encoding="utf-8") as handle:
        state = json.load(handle)
    change(state)
    with open(file, "w", encoding="utf-8") as handle:
        json.dump(state, handle)


def snapshot(folder):
    return {name: open(os.path.join(folder, name), "rb").read()
            for name in sorted(os.listdir(folder))}


# ----------------------------------------------------------------- save_pretrained
def test_save_refuses_a_file_and_a_path_inside_a_file(fitted, tmp_path):
    file = tmp_path / "model.txt"
    file.write_text("mine")
    with pytest.raises(NotADirectoryError, match="path=.*is a file"):
        fitted.save_pretrained(file)
    with pytest.raises(NotADirectoryError, match="is inside the file"):
        fitted.save_pretrained(file / "sub")
    assert file.read_text() == "mine"


def test_save_refuses_an_unwritable_folder(fitted):
    # /proc refuses new files even to root, unlike a chmod'ed folder.
    with pytest.raises(PermissionError, match="cannot be written"):
        fitted.save_pretrained("/proc/sklearn_imbal_model")


def test_save_refuses_another_models_folder_unless_overwrite(fitted, tiny_bert_path, tmp_path):
    folder = tmp_path / "other"
    shutil.copytree(tiny_bert_path, folder)
    (folder / "notes.txt").write_text("my notes")
    before = snapshot(folder)
    with pytest.raises(FileExistsError, match="not written by sklearn-imbal.*overwrite=True"):
        fitted.save_pretrained(folder)
    assert snapshot(folder) == before

    fitted.save_pretrained(folder, overwrite=True)
    assert (folder / "notes.txt").read_text() == "my notes"
    loaded = TransformerClassifier.from_pretrained(folder)
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS),
                               atol=1e-6)


def test_overwrite_never_deletes_files_we_did_not_write(fitted, tmp_path):
    # transformers' own save_pretrained deletes weight shards it finds in its folder.
    folder = tmp_path / "sharded"
    folder.mkdir()
    shard = folder / "model-00001-of-00002.safetensors"
    save_file({"w": torch.zeros(2)}, shard)
    content = shard.read_bytes()
    fitted.save_pretrained(folder, overwrite=True)
    assert shard.read_bytes() == content
    assert not [name for name in os.listdir(folder) if name.startswith(".sklearn_imbal")]


def test_saving_again_replaces_only_our_earlier_files(fitted, pooled, tmp_path):
    folder = tmp_path / "again"
    pooled.save_pretrained(folder)
    assert (folder / "sklearn_imbal_head.safetensors").is_file()
    (folder / "notes.txt").write_text("added by the user")
    fitted.save_pretrained(folder)  # written by us before: no overwrite needed
    # The mean head and pooling declaration of the earlier save are gone, the user's file is not.
    assert not (folder / "sklearn_imbal_head.safetensors").exists()
    assert not (folder / "modules.json").exists() and not (folder / "1_Pooling").exists()
    assert (folder / "notes.txt").read_text() == "added by the user"
    loaded = TransformerClassifier.from_pretrained(folder)
    assert loaded.pooling_ == "pooler"
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS),
                               atol=1e-6)


def test_a_tampered_file_list_removes_nothing_outside_the_folder(fitted, tmp_path):
    folder = tmp_path / "listed"
    fitted.save_pretrained(folder)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    edit_json(folder, lambda s: s["files"].extend(["../precious.txt", str(outside)]))
    fitted.save_pretrained(folder)
    assert outside.read_text() == "keep"


def test_a_foreign_marker_file_neither_counts_as_ours_nor_removes_anything(fitted, tmp_path):
    folder = tmp_path / "foreign"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "sklearn_imbal.json").write_text(json.dumps({"files": ["notes.txt"]}))
    with pytest.raises(FileExistsError, match="not written by sklearn-imbal"):
        fitted.save_pretrained(folder)
    fitted.save_pretrained(folder, overwrite=True)
    fitted.save_pretrained(folder)  # now ours
    assert (folder / "notes.txt").read_text() == "mine"


def test_numpy_parameters_int_label_weights_and_dtype_kwargs_round_trip(tiny_bert_path,
                                                                        tmp_path):
    labels = [1 if label == "angry" else 0 for label in LABELS]
    clf = tiny(tiny_bert_path, max_length=np.int64(16), class_weight={0: 1.0, 1: 3.0},
               model_kwargs={"dtype": torch.float32}).fit(TEXTS, labels)
    folder = clf.save_pretrained(tmp_path / "numpy")
    loaded = TransformerClassifier.from_pretrained(folder)
    # Integer labels stay integers in the class weights (JSON keys are strings only).
    assert loaded.get_params()["class_weight"] == {0: 1.0, 1: 3.0}
    assert loaded.max_length == 16 and list(loaded.classes_) == [0, 1]
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS),
                               atol=1e-6)


def test_save_refuses_parameters_from_pretrained_would_refuse(tiny_bert_path, tmp_path):
    clf = tiny(tiny_bert_path).fit(TEXTS, LABELS).set_params(max_length=-1)
    with pytest.raises(InvalidParameterError, match="max_length"):
        clf.save_pretrained(tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


# ----------------------------------------------------------------- from_pretrained
def test_load_a_missing_folder_or_a_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; pass the folder written"):
        TransformerClassifier.from_pretrained(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        TransformerClassifier.from_pretrained(tmp_path / "file")


def test_load_a_plain_hugging_face_folder_says_how_to_use_it(tiny_bert_path):
    with pytest.raises(ValueError, match=r"not written by TransformerClassifier.save_pretrained"
                                         r".*TransformerClassifier\(model=.*\)\.fit"):
        TransformerClassifier.from_pretrained(tiny_bert_path)


def test_load_a_folder_with_only_the_json_names_the_missing_files(saved):
    for name in os.listdir(saved):
        if name != "sklearn_imbal.json":
            os.remove(os.path.join(saved, name))
    with pytest.raises(ValueError, match="config.json, tokenizer_config.json missing") as info:
        TransformerClassifier.from_pretrained(saved)
    assert "sentencepiece" not in str(info.value)


@pytest.mark.parametrize("damage, match", [
    (lambda text: text[: len(text) // 2], "is not valid JSON"),
    (lambda text: "", "is not valid JSON"),
    (lambda text: "[1, 2]", "holds a list, not the JSON object"),
])
def test_load_a_damaged_json_names_the_file(saved, damage, match):
    file = os.path.join(saved, "sklearn_imbal.json")
    with open(file, encoding="utf-8") as handle:
        text = handle.read()
    with open(file, "w", encoding="utf-8") as handle:
        handle.write(damage(text))
    with pytest.raises(ValueError, match=f"sklearn_imbal.json' {match}"):
        TransformerClassifier.from_pretrained(saved)


@pytest.mark.parametrize("change, match", [
    (lambda s: s.pop("classes"), "missing 'classes'"),
    (lambda s: s.update(extra=1), "unknown 'extra'"),
    (lambda s: s["params"].pop("lr"), "'params'.*missing 'lr'"),
    (lambda s: s["params"].update(learning_rate=1.0), "'params'.*unknown 'learning_rate'"),
    (lambda s: s.update(estimator="FocalLossClassifier"), "written by 'FocalLossClassifier'"),
    (lambda s: s.update(params=[1]), "'params' is not a JSON object"),
    (lambda s: s.update(class_weight=[1.0]), "one finite, non-negative weight per class"),
    (lambda s: s.update(class_weight=[1.0, float("nan")]), "one finite, non-negative"),
    (lambda s: s.update(pooling="sum"), "'pooling' must be one of"),
    (lambda s: s["params"].update(pooling="max"), "trained with pooling 'pooler'"),
    (lambda s: s.update(classes=["angry"]), "at least two labels"),
    (lambda s: s.update(classes=["angry", None]), "at least two labels"),
    (lambda s: s.update(classes=["angry", 1]), "mixes strings and numbers"),
    (lambda s: s.update(classes=[1.0, float("nan")]), "missing|NaN|nan"),
])
def test_load_a_json_with_wrong_keys_or_values_names_them(saved, change, match):
    edit_json(saved, change)
    with pytest.raises(ValueError, match=match):
        TransformerClassifier.from_pretrained(saved)


@pytest.mark.parametrize("name, value", [
    ("max_length", -5), ("max_length", 1.5), ("lr", -1.0), ("batch_size", 0),
    ("loss", "hinge"), ("pooling", "sum"), ("freeze_encoder", "yes"), ("tau", float("nan")),
])
def test_load_validates_every_saved_parameter(saved, name, value):
    edit_json(saved, lambda s: s["params"].update({name: value}))
    with pytest.raises(InvalidParameterError, match=f"sklearn_imbal.json.*'{name}' parameter"):
        TransformerClassifier.from_pretrained(saved)


@pytest.mark.parametrize("classes", [["calm", "angry"], ["angry", "angry"],
                                     ["angry", "zebra"], ["a", "b", "c"]])
def test_load_cross_checks_the_classes_against_the_model(saved, classes):
    edit_json(saved, lambda s: s.update(classes=classes, class_weight=[1.0] * len(classes)))
    with pytest.raises(ValueError, match="distinct and sorted|do not match the labels"):
        TransformerClassifier.from_pretrained(saved)


def test_load_refuses_a_head_that_does_not_fit(saved):
    # config.json and sklearn_imbal.json agree on three classes, the weights hold two.
    edit_json(saved, lambda s: s.update(classes=["a", "b", "c"], class_weight=[1.0] * 3))
    with open(os.path.join(saved, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    config["id2label"] = {"0": "a", "1": "b", "2": "c"}
    config["label2id"] = {"a": 0, "b": 1, "c": 2}
    with open(os.path.join(saved, "config.json"), "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    with pytest.raises(ValueError, match=r"classifier.weight has shape \(2, 32\) where the "
                                         r"model needs \(3, 32\)"):
        TransformerClassifier.from_pretrained(saved)


def test_load_refuses_weights_missing_from_the_file(saved):
    file = os.path.join(saved, "model.safetensors")
    weights = load_file(file)
    del weights["classifier.weight"]
    save_file(weights, file, metadata={"format": "pt"})
    with pytest.raises(ValueError, match="classifier.weight is missing"):
        TransformerClassifier.from_pretrained(saved)


def test_load_a_pooled_head_of_the_wrong_shape_or_damaged(pooled, tmp_path):
    folder = pooled.save_pretrained(tmp_path / "pooled")
    head = os.path.join(folder, "sklearn_imbal_head.safetensors")
    content = open(head, "rb").read()
    save_file({"weight": torch.zeros(3, 32), "bias": torch.zeros(3)}, head)
    with pytest.raises(ValueError, match="sklearn_imbal_head.safetensors.*holds the tensors"):
        TransformerClassifier.from_pretrained(folder)
    with open(head, "wb") as handle:
        handle.write(content[: len(content) // 2])
    with pytest.raises(ValueError, match="sklearn_imbal_head.safetensors.*not a readable"):
        TransformerClassifier.from_pretrained(folder)
    os.remove(head)
    with pytest.raises(ValueError, match="sklearn_imbal_head.safetensors.*is missing"):
        TransformerClassifier.from_pretrained(folder)


def pickle_only(folder):
    """Replace the folder's safetensors weights by a pickled pytorch_model.bin."""
    file = os.path.join(folder, "model.safetensors")
    torch.save(load_file(file), os.path.join(folder, "pytorch_model.bin"))
    os.remove(file)


def test_pickled_weights_are_never_loaded(saved):
    texts = TEXTS
    pickle_only(saved)
    match = r"only as pickled PyTorch files \(pytorch_model.bin\).*safetensors.*arbitrary code"
    with pytest.raises(ValueError, match=match + ".*safe_serialization=True"):
        TransformerClassifier.from_pretrained(saved)
    with pytest.raises(ValueError, match=match):
        TransformerEmbedder(saved).fit(texts)
    with pytest.raises(ValueError, match=match):
        TransformerClassifier(saved, max_epochs=1).fit(texts, LABELS)


def test_a_truncated_safetensors_file_is_named(saved):
    file = os.path.join(saved, "model.safetensors")
    content = open(file, "rb").read()
    with open(file, "wb") as handle:
        handle.write(content[: len(content) // 2])
    match = "model.safetensors' is not a readable safetensors file.*truncated"
    with pytest.raises(ValueError, match=match):
        TransformerClassifier.from_pretrained(saved)
    with pytest.raises(ValueError, match=match):
        TransformerEmbedder(saved).fit(TEXTS)


def test_a_saved_classifier_fine_tunes_on_another_number_of_classes(saved):
    labels = ["a", "b", "c"] * 8
    clf = TransformerClassifier(saved, max_epochs=1, batch_size=8).fit(TEXTS, labels)
    assert clf.predict_proba(TEXTS).shape == (24, 3)
