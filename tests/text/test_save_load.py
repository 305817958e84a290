"""TransformerClassifier.save_pretrained / from_pretrained on hostile folders and files.

Nothing of the user's is overwritten or deleted, nothing is unpickled, and every damaged,
edited or foreign folder gives one clear error naming the file, instead of a traceback
from deep inside json, safetensors, torch or transformers, or silently flipped predictions.
"""

import json
import os

import pytest
import torch
from safetensors.torch import load_file

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
