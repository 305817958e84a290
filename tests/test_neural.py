"""FocalLossClassifier: behaviour beyond the generic scikit-learn checks."""

import functools
import io
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_classification
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    recall_score,
)
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.nn import functional as F

from sklearn_imbal import FocalLoss, FocalLossClassifier, LogitAdjustedLoss
from sklearn_imbal.neural import MLP


def fast(**params):
    """A small, seeded classifier: a few hundred gradient steps at most."""
    defaults = dict(hidden_layer_sizes=(16,), max_epochs=20, lr=1e-2, random_state=0)
    return FocalLossClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(
        n_samples=1000, n_features=8, n_informative=4, weights=[0.93], flip_y=0.02,
        class_sep=0.7, random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def test_string_labels_multiclass_and_probabilities():
    X, y_int = make_blobs(n_samples=300, centers=3, cluster_std=1.0, random_state=1)
    labels = np.array(["cat", "dog", "emu"])
    y = labels[y_int]
    clf = fast().fit(X, y)
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    pred = clf.predict(X)
    assert set(pred) <= set(labels)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_array_equal(pred, clf.classes_[clf.decision_function(X).argmax(axis=1)])
    assert (pred == y).mean() > 0.9


def test_binary_decision_function_is_the_log_odds(imbalanced):
    X, y = imbalanced
    clf = fast().fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(
        clf.decision_function(X), np.log(proba[:, 1]) - np.log(proba[:, 0]), atol=1e-9
    )


def test_no_rows_are_held_out_unless_asked(imbalanced):
    X, y = imbalanced
    clf = fast(batch_size=100, max_epochs=2).fit(X, y)
    assert clf.net_.train_split is None
    batches = clf.net_.history[-1, "batches"]
    assert sum(batch["train_batch_size"] for batch in batches) == len(y)
    assert "valid_loss" not in clf.net_.history[-1]
    assert clf.validation_loss_curve_ is None and clf.best_epoch_ is None
    assert clf.validation_scores_ is None


def test_validation_split_is_stratified_and_early_stopping_restores_best(imbalanced):
    X, y = imbalanced
    clf = fast(
        early_stopping=True, validation_fraction=0.2, n_iter_no_change=3, max_epochs=200,
        hidden_layer_sizes=(64,), lr=3e-2,
    ).fit(X, y)
    valid_ds = clf.net_.train_split.keywords["valid_ds"]
    y_valid = valid_ds.tensors[1].cpu().numpy()
    assert len(y_valid) == 200
    assert np.bincount(y_valid)[1] == pytest.approx(0.2 * np.bincount(y)[1], abs=1)
    assert clf.n_iter_ < 200, "early stopping should stop well before max_epochs here"
    assert clf.n_iter_ == clf.best_epoch_ + 3
    # Early stopping monitors the validation score (average precision by default).
    best = clf.best_epoch_ - 1
    assert clf.validation_scores_[best] == clf.validation_scores_.max()
    # The kept weights are those of the best epoch: recompute their loss and score.
    with torch.no_grad():
        logits = clf.net_.module_(valid_ds.tensors[0])
        loss = clf.net_.criterion_(logits, valid_ds.tensors[1]).item()
    assert loss == pytest.approx(clf.validation_loss_curve_[best], rel=1e-4)
    proba = torch.softmax(logits.double(), dim=1)[:, 1].cpu().numpy()
    assert average_precision_score(y_valid, proba) == pytest.approx(
        clf.validation_scores_[best], rel=1e-6)


def test_best_epoch_rule_breaks_score_ties_with_the_loss():
    from sklearn_imbal._skorch import best_epoch, improves

    assert best_epoch([0.5, 0.7, 0.6], [1.0, 0.9, 0.1]) == 2, "a higher score wins"
    assert best_epoch([1.0, 1.0, 1.0, 0.9], [0.5, 0.4, 0.45, 0.1]) == 2, "a tie: lower loss"
    assert best_epoch([0.8, 0.8 * (1 + 1e-5)], [0.5, 0.6]) == 1, "below the threshold"
    assert improves(0.8 * (1 + 1e-3), 9.0, 0.8, 0.5)
    assert not improves(1.0, 0.5 * (1 - 1e-5), 1.0, 0.5)
    assert not improves(0.9, 0.1, 1.0, 0.5), "a lower score never improves"


def test_early_stopping_goes_on_while_a_saturated_score_ties_and_the_loss_falls():
    # Separable classes: average precision is 1 from the first epochs on, and stopping
    # on the score alone would keep an almost untrained network.
    X, y = make_blobs(n_samples=400, centers=[[-2, 0], [2, 0]], cluster_std=0.5,
                      random_state=0)
    keep = (y == 0) | (np.arange(400) % 8 == 0)  # 200 against 27
    clf = fast(early_stopping=True, validation_fraction=0.2, n_iter_no_change=3,
               max_epochs=30).fit(X[keep], y[keep])
    assert np.all(clf.validation_scores_ == 1.0)
    assert np.all(np.diff(clf.validation_loss_curve_) < 0)
    assert clf.n_iter_ == clf.best_epoch_ == 30


def test_validation_fraction_without_early_stopping_trains_all_epochs(imbalanced):
    X, y = imbalanced
    clf = fast(validation_fraction=0.25, max_epochs=5).fit(X, y)
    assert clf.n_iter_ == 5
    assert clf.validation_loss_curve_.shape == (5,)
    assert sum(b.get("train_batch_size", 0) for b in clf.net_.history[-1, "batches"]) == 750


def test_class_weight_weights_the_focal_loss(imbalanced):
    X, y = imbalanced
    clf = fast(class_weight="balanced", gamma=1.5, max_epochs=1).fit(X, y)
    expected = len(y) / (2 * np.bincount(y))
    np.testing.assert_allclose(clf.class_weight_, expected)
    criterion = clf.net_.criterion_
    assert isinstance(criterion, FocalLoss)
    logits = torch.randn(50, 2)
    target = torch.from_numpy(y[:50])
    p_y = torch.softmax(logits, 1).gather(1, target[:, None]).squeeze(1).double()
    by_hand = -(torch.as_tensor(expected)[target] * (1 - p_y) ** 1.5 * p_y.log()).mean()
    assert criterion(logits, target).item() == pytest.approx(by_hand.item(), rel=1e-5)


def test_class_weight_raises_minority_recall(imbalanced):
    X, y = imbalanced
    plain = fast(max_epochs=30).fit(X, y)
    weighted = fast(max_epochs=30, class_weight="balanced").fit(X, y)
    assert recall_score(y, weighted.predict(X)) > recall_score(y, plain.predict(X)) + 0.1


def test_dict_class_weight_with_string_labels(imbalanced):
    X, y = imbalanced
    y_str = np.where(y == 1, "fraud", "ok")
    clf = fast(class_weight={"fraud": 10.0}, max_epochs=1).fit(X, y_str)
    np.testing.assert_allclose(clf.class_weight_, [10.0, 1.0])
    with pytest.raises(ValueError, match="spam"):
        fast(class_weight={"spam": 2.0}, max_epochs=1).fit(X, y_str)


def test_gamma_zero_without_weights_is_cross_entropy(imbalanced):
    X, y = imbalanced
    clf = fast(gamma=0.0, max_epochs=1).fit(X, y)
    logits = torch.randn(64, 2, dtype=torch.float64)
    target = torch.from_numpy(y[:64])
    assert clf.net_.criterion_(logits, target).item() == pytest.approx(
        F.cross_entropy(logits, target).item(), rel=1e-10
    )


@pytest.mark.parametrize("loss", ["focal", "cross_entropy", "logit_adjusted"])
def test_each_loss_builds_its_criterion_and_is_reproducible(imbalanced, loss):
    X, y = imbalanced
    class_weight = None if loss == "logit_adjusted" else "balanced"
    clf = fast(loss=loss, tau=0.5, class_weight=class_weight, max_epochs=3).fit(X, y)
    criterion = clf.net_.criterion_
    counts = np.bincount(y)
    if loss == "focal":
        assert isinstance(criterion, FocalLoss) and criterion.gamma == 2.0
        np.testing.assert_allclose(criterion.alpha.cpu().numpy(), len(y) / (2 * counts), rtol=1e-6)
    elif loss == "cross_entropy":
        assert type(criterion) is nn.CrossEntropyLoss
        np.testing.assert_allclose(criterion.weight.cpu().numpy(), len(y) / (2 * counts), rtol=1e-6)
    else:
        assert isinstance(criterion, LogitAdjustedLoss) and criterion.tau == 0.5
        np.testing.assert_allclose(criterion.log_priors.exp().cpu().numpy(), counts / len(y),
                                   rtol=1e-6)
    again = fast(loss=loss, tau=0.5, class_weight=class_weight, max_epochs=3).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(again.loss_curve_, clf.loss_curve_)


def test_unweighted_cross_entropy_has_no_weight(imbalanced):
    X, y = imbalanced
    clf = fast(loss="cross_entropy", max_epochs=1).fit(X, y)
    assert clf.net_.criterion_.weight is None
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 1.0])


def test_logit_adjusted_with_class_weight_is_an_error(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match="logit_adjusted.*class_weight=None"):
        fast(loss="logit_adjusted", class_weight="balanced").fit(X, y)


def test_validation_loss_and_score_curves_and_best_epoch(imbalanced):
    X, y = imbalanced
    clf = fast(validation_fraction=0.25, max_epochs=6).fit(X, y)
    assert clf.validation_loss_curve_.shape == clf.validation_scores_.shape == (6,)
    assert "valid_acc" not in clf.net_.history[-1], "accuracy is not scored"
    # Without early stopping, the best epoch is the one with the best validation score.
    assert clf.best_epoch_ == int(np.argmax(clf.validation_scores_)) + 1
    valid_ds = clf.net_.train_split.keywords["valid_ds"]
    X_valid, y_valid = valid_ds.tensors[0].cpu().numpy(), valid_ds.tensors[1].cpu().numpy()
    # The last epoch's score is the default scorer (binary: average precision) of the model.
    assert clf.validation_scores_[-1] == pytest.approx(
        average_precision_score(y_valid, clf.predict_proba(X_valid)[:, 1]), rel=1e-6)


def test_scoring_chooses_the_validation_score():
    X, y_int = make_blobs(n_samples=300, centers=3, cluster_std=3.0, random_state=1)
    clf = fast(validation_fraction=0.3, max_epochs=3).fit(X, y_int)
    valid_ds = clf.net_.train_split.keywords["valid_ds"]
    X_valid, y_valid = valid_ds.tensors[0].cpu().numpy(), valid_ds.tensors[1].cpu().numpy()
    # Multiclass default: macro F1.
    assert clf.validation_scores_[-1] == pytest.approx(
        f1_score(y_valid, clf.predict(X_valid), average="macro"))
    balanced = fast(validation_fraction=0.3, max_epochs=3, scoring="balanced_accuracy")
    balanced.fit(X, y_int)
    assert balanced.validation_scores_[-1] == pytest.approx(
        balanced_accuracy_score(y_valid, balanced.predict(X_valid)))
    with pytest.raises(ValueError, match="not a valid scoring value"):
        fast(scoring="no_such_score", early_stopping=True).fit(X, y_int)


def test_same_seed_same_model_and_global_rng_untouched(imbalanced):
    X, y = imbalanced
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()
    first = fast(random_state=7).fit(X, y).predict_proba(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == np_state[1].tolist()
    torch.manual_seed(123)  # a different global state must not matter
    second = fast(random_state=7).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = fast(random_state=8).fit(X, y).predict_proba(X)
    assert not np.allclose(first, other)


def test_random_state_instance_is_consumed_not_copied(imbalanced):
    X, y = imbalanced
    rng = np.random.RandomState(0)
    clf = fast(random_state=rng, max_epochs=2)
    a = clf.fit(X, y).predict_proba(X)
    b = clf.fit(X, y).predict_proba(X)
    assert not np.allclose(a, b)


class _TwoLayer(nn.Module):
    def __init__(self, n_features, n_classes, width=8):
        super().__init__()
        self.width = width
        self.body = nn.Sequential(nn.Linear(n_features, width), nn.Tanh(),
                                  nn.Linear(width, n_classes))

    def forward(self, X):
        return self.body(X)


def test_custom_module_class_and_partial(imbalanced):
    X, y = imbalanced
    clf = fast(module=_TwoLayer).fit(X, y)
    assert isinstance(clf.net_.module_, _TwoLayer) and clf.net_.module_.width == 8
    wide = fast(module=functools.partial(_TwoLayer, width=32)).fit(X, y)
    assert wide.net_.module_.width == 32
    assert wide.predict_proba(X).shape == (len(y), 2)


def test_default_module_is_the_mlp_with_the_hidden_sizes(imbalanced):
    X, y = imbalanced
    clf = fast(hidden_layer_sizes=(12, 6), max_epochs=1).fit(X, y)
    linears = [m for m in clf.net_.module_.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(8, 12), (12, 6), (6, 2)]
    linear = fast(hidden_layer_sizes=(), max_epochs=1).fit(X, y)
    assert isinstance(linear.net_.module_, MLP)
    assert len([m for m in linear.net_.module_.modules() if isinstance(m, nn.Linear)]) == 1


def test_verbose_prints_each_epoch(imbalanced, capsys):
    X, y = imbalanced
    fast(max_epochs=3, verbose=1, validation_fraction=0.2).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out and "valid_score" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 3
    fast(max_epochs=3, verbose=0).fit(X, y)
    assert capsys.readouterr().out == ""


def test_pickle_and_joblib_roundtrip(imbalanced, tmp_path):
    X, y = imbalanced
    clf = fast().fit(X, y)
    expected = clf.predict_proba(X)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    assert restored.device_ == clf.device_
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(X), expected)


def test_pickle_stores_the_weights_once_and_keeps_module_and_criterion_shared(imbalanced):
    """skorch keeps the module and criterion we pass under their parameter names as
    well as the fitted ``module_``/``criterion_``: one object, pickled once (through
    torch, so that a CUDA-trained net loads on a CPU-only machine), shared again after
    loading."""
    X, y = imbalanced
    clf = fast(hidden_layer_sizes=(512, 512), max_epochs=1, class_weight="balanced").fit(X, y)
    weight_bytes = sum(p.numel() * p.element_size() for p in clf.net_.module_.parameters())
    # The weights once plus AdamW's two moment buffers of the same size: 3x (4x when the
    # module was stored twice).
    assert len(pickle.dumps(clf)) < 3.3 * weight_bytes
    restored = pickle.loads(pickle.dumps(clf))
    assert restored.net_.module is restored.net_.module_
    assert restored.net_.criterion is restored.net_.criterion_
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_prediction_does_not_depend_on_other_rows(imbalanced):
    X, y = imbalanced
    clf = fast(batch_size=64).fit(X, y)
    full = clf.predict_proba(X)
    one_by_one = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, 130, 13)])
    np.testing.assert_array_equal(one_by_one, full[0:130:13])


def test_dataframe_input_keeps_feature_names_and_input_is_not_mutated(imbalanced):
    X, y = imbalanced
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    before = frame.copy()
    clf = fast(max_epochs=2).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    pd.testing.assert_frame_equal(frame, before)
    clf.predict(frame)
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


def test_in_grid_search_cross_validate_and_imblearn_pipeline(imbalanced):
    X, y = imbalanced
    search = GridSearchCV(
        fast(max_epochs=5), {"gamma": [0.0, 2.0], "class_weight": [None, "balanced"]},
        cv=StratifiedKFold(3), scoring="f1",
    ).fit(X, y)
    assert search.best_params_["class_weight"] == "balanced"
    assert search.best_estimator_.n_iter_ == 5
    pipe = make_imb_pipeline(RandomUnderSampler(random_state=0), fast(max_epochs=60))
    result = cross_validate(pipe, X, y, cv=StratifiedKFold(3), scoring="recall")
    assert result["test_score"].mean() > 0.5
    assert clone(pipe).get_params()["focallossclassifier__max_epochs"] == 60


def test_pipeline_with_scaler_and_string_labels():
    X, y = make_classification(n_samples=400, weights=[0.9], random_state=3)
    pipe = make_pipeline(StandardScaler(), fast()).fit(X, np.array(["a", "b"])[y])
    assert set(pipe.predict(X)) == {"a", "b"}


@pytest.mark.parametrize(
    "X_bad, y_bad, match",
    [
        (np.array([[np.nan, 1.0], [0.0, 1.0], [1.0, 0.0]]), [0, 1, 0], "NaN"),
        (np.array([[np.inf, 1.0], [0.0, 1.0], [1.0, 0.0]]), [0, 1, 0], "infinity"),
        (np.zeros((3, 2)), [1, 1, 1], "at least two classes.*one class only: 1"),
        (np.zeros((3, 2)), [0, 1], "inconsistent numbers of samples"),
        (np.zeros((3, 2)), [0.5, 1.2, 3.3], "Unknown label type: continuous"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), [0, 1], "could not convert"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(X_bad, y_bad, match):
    with pytest.raises(ValueError, match=match):
        fast().fit(X_bad, y_bad)


def test_wrong_number_of_features_at_predict(imbalanced):
    X, y = imbalanced
    clf = fast(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but FocalLossClassifier is "
                                         "expecting 8 features"):
        clf.predict(X[:, :3])


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(hidden_layer_sizes=(10, 0)), ValueError, "hidden_layer_sizes"),
        (dict(hidden_layer_sizes=(2.5,)), ValueError, "hidden_layer_sizes"),
        (dict(optimizer=dict), TypeError, "torch.optim.Optimizer"),
        (dict(module=lambda n_features, n_classes: "not a module"), TypeError, "nn.Module"),
        (dict(device="tpu-please"), ValueError, "device"),
        (dict(gamma=-1.0), ValueError, "gamma"),
        (dict(class_weight="inverse"), ValueError, "class_weight"),
        (dict(loss="hinge"), ValueError, "loss"),
        (dict(scoring=3), ValueError, "scoring"),
    ],
)
def test_bad_parameters_are_rejected_at_fit(imbalanced, params, error, match):
    X, y = imbalanced
    with pytest.raises(error, match=match):
        fast(**params).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a CPU-only host")
def test_cuda_device_without_a_gpu_is_a_clear_error(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match="no CUDA device"):
        fast(device="cuda").fit(X, y)


def test_validation_split_needs_two_samples_per_class():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 9 + [1])
    with pytest.raises(ValueError, match="validation_fraction"):
        fast(early_stopping=True).fit(X, y)


def test_device_auto_on_cpu_host(imbalanced):
    X, y = imbalanced
    clf = fast(max_epochs=1).fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.device_.type == expected
    assert next(clf.net_.module_.parameters()).device.type == expected


@pytest.mark.cuda
def test_cuda_training_and_loading_on_a_cpu_only_process(imbalanced, tmp_path):
    X, y = imbalanced
    clf = fast(device="cuda").fit(X, y)
    assert clf.device_.type == "cuda"
    assert next(clf.net_.module_.parameters()).is_cuda
    cpu = fast(device="cpu").fit(X, y)
    # Same seed, same data: CUDA and CPU training agree up to float rounding.
    assert (clf.predict(X) == cpu.predict(X)).mean() > 0.97
    path = tmp_path / "clf.joblib"
    joblib.dump(clf, path)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "proba.npy", clf.predict_proba(X))
    script = io.StringIO()
    script.write(
        "import joblib, numpy as np, torch, warnings, sys\n"
        "assert not torch.cuda.is_available()\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')\n"
        f"    clf = joblib.load({str(path)!r})\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        f"expected = np.load({str(tmp_path / 'proba.npy')!r})\n"
        "assert next(clf.net_.module_.parameters()).device.type == 'cpu'\n"
        "assert clf.device_.type == 'cpu'\n"
        "np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-5)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script.getvalue()], capture_output=True, text=True,
        env={**__import__("os").environ, "CUDA_VISIBLE_DEVICES": ""}, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
