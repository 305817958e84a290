"""Tests for sklearn_imbal.weights.compute_class_weights."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from sklearn_imbal.weights import compute_class_weights


def labels_from_counts(counts, labels=None):
    labels = range(len(counts)) if labels is None else labels
    return np.repeat(np.asarray(list(labels)), counts)


def effective_number_by_hand(counts, beta):
    weights = [(1 - beta) / (1 - beta**n) for n in counts]
    total = sum(weights)
    return [w * len(counts) / total for w in weights]


def test_none_gives_ones():
    weights = compute_class_weights([3, 1, 1, 2, 3, 3])
    assert isinstance(weights, np.ndarray)
    assert weights.dtype == np.float64
    np.testing.assert_array_equal(weights, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(compute_class_weights([1, 1], classes=[0, 1, 2]), np.ones(3))


@pytest.mark.parametrize(
    "y",
    [
        labels_from_counts([50, 7, 3]),
        labels_from_counts([5, 1], labels=["spam", "ham"]),
        labels_from_counts([10, 10, 1, 4], labels=[-1.5, 0.25, 2.0, 7.0]),
    ],
)
def test_balanced_matches_sklearn_and_formula(y):
    classes, counts = np.unique(y, return_counts=True)
    weights = compute_class_weights(y, "balanced")
    expected = compute_class_weight("balanced", classes=classes, y=y)
    assert weights.dtype == np.float64
    np.testing.assert_allclose(weights, expected, rtol=1e-15)
    np.testing.assert_allclose(weights, len(y) / (len(classes) * counts), rtol=1e-15)


def test_balanced_example_values():
    np.testing.assert_allclose(compute_class_weights([0, 0, 0, 1], "balanced"), [2 / 3, 2.0])


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99, 0.999, 0.9999])
@pytest.mark.parametrize("counts", [[1000, 100, 10, 1], [3, 3], [5000, 20, 7]])
def test_effective_number_matches_formula(counts, beta):
    weights = compute_class_weights(labels_from_counts(counts), "effective_number", beta=beta)
    assert weights.dtype == np.float64
    np.testing.assert_allclose(weights, effective_number_by_hand(counts, beta), rtol=1e-9)
    assert weights.mean() == pytest.approx(1.0, rel=1e-12)


def test_effective_number_default_beta_is_0999():
    y = labels_from_counts([900, 90, 10])
    np.testing.assert_allclose(
        compute_class_weights(y, "effective_number"),
        effective_number_by_hand([900, 90, 10], 0.999),
        rtol=1e-9,
    )


@pytest.mark.parametrize("beta", [0.9, 0.999])
def test_effective_number_favours_rare_classes_monotonically(beta):
    counts = [400, 1, 60, 9, 2000]
    weights = compute_class_weights(labels_from_counts(counts), "effective_number", beta=beta)
    by_count = weights[np.argsort(counts)]
    assert (np.diff(by_count) <= 0).all()
    # Strictly decreasing while beta**n_c is not negligible ...
    assert (np.diff(by_count[:3]) < 0).all()
    if beta == 0.999:
        assert (np.diff(by_count) < 0).all()
    else:
        # ... and saturated beyond: 0.9**400 ~ 0, so 400 and 2000 samples weigh the same.
        assert by_count[3] == pytest.approx(by_count[4], rel=1e-12)


def test_effective_number_limits():
    counts = [300, 30, 3]
    y = labels_from_counts(counts)
    beta_zero = compute_class_weights(y, "effective_number", beta=0.0)
    np.testing.assert_array_equal(beta_zero, np.ones(3))
    # beta -> 1 approaches the inverse frequencies ('balanced' rescaled to mean 1).
    balanced = compute_class_weights(y, "balanced")
    near_one = compute_class_weights(y, "effective_number", beta=1 - 1e-9)
    np.testing.assert_allclose(near_one, balanced / balanced.mean(), rtol=1e-6)
    # Equal counts give equal weights.
    np.testing.assert_allclose(
        compute_class_weights([0, 1, 2] * 4, "effective_number", beta=0.99), np.ones(3)
    )


def test_dict_with_partial_keys():
    y = [0, 0, 1, 2, 2, 2]
    np.testing.assert_array_equal(compute_class_weights(y, {1: 5.0}), [1.0, 5.0, 1.0])
    np.testing.assert_array_equal(compute_class_weights(y, {2: 0.5, 0: 3}), [3.0, 1.0, 0.5])
    np.testing.assert_array_equal(compute_class_weights(y, {}), [1.0, 1.0, 1.0])
    # numpy scalar keys match Python labels.
    np.testing.assert_array_equal(
        compute_class_weights(y, {np.int64(2): np.float32(4.0)}), [1.0, 1.0, 4.0]
    )


@pytest.mark.parametrize(
    "y, strategy, expected",
    [
        (["b", "a", "c", "a"], {"c": 4.0}, [1.0, 1.0, 4.0]),
        # Strings of digits are not confused with integers.
        (["10", "2", "2"], {"2": 3.0}, [1.0, 3.0]),
        ([0.5, 1.5, 1.5], {0.5: 2.0}, [2.0, 1.0]),
        (np.array(["x", "y", "y"], dtype=object), {"x": 7.0}, [7.0, 1.0]),
    ],
)
def test_dict_with_labels_of_any_type(y, strategy, expected):
    np.testing.assert_array_equal(compute_class_weights(y, strategy), expected)


@pytest.mark.parametrize("strategy", [None, "balanced", "effective_number", {"cat": 2.0}])
def test_string_labels_follow_sorted_class_order(strategy):
    y = ["dog"] * 6 + ["cat"] * 3 + ["emu"]
    numeric = [1] * 6 + [0] * 3 + [2]
    numeric_strategy = {0: 2.0} if isinstance(strategy, dict) else strategy
    np.testing.assert_allclose(
        compute_class_weights(y, strategy), compute_class_weights(numeric, numeric_strategy)
    )


@pytest.mark.parametrize("strategy", [None, "balanced", "effective_number", {2: 9.0}])
def test_classes_order_is_respected(strategy):
    y = labels_from_counts([40, 10, 2])
    default = compute_class_weights(y, strategy)
    permutation = [2, 0, 1]
    reordered = compute_class_weights(y, strategy, classes=np.array(permutation))
    np.testing.assert_allclose(reordered, default[permutation])
    if strategy is not None:
        assert not np.allclose(reordered, default)


def test_classes_may_include_unseen_classes_for_none_and_dict():
    y = ["a", "a", "b"]
    np.testing.assert_array_equal(
        compute_class_weights(y, {"z": 3.0}, classes=["z", "a", "b"]), [3.0, 1.0, 1.0]
    )
    np.testing.assert_array_equal(compute_class_weights(y, classes=["a", "b", "z"]), np.ones(3))


@pytest.mark.parametrize("strategy", ["balanced", "effective_number"])
def test_classes_without_samples_are_rejected(strategy):
    with pytest.raises(ValueError, match=r"classes \[2\] have no samples in y"):
        compute_class_weights([0, 0, 1], strategy, classes=[0, 1, 2])


@pytest.mark.parametrize("strategy", ["balance", "Balanced", "inverse", ""])
def test_unknown_strategy(strategy):
    match = r"Unknown strategy .*valid strategies are None, 'balanced', 'effective_number'"
    with pytest.raises(ValueError, match=match):
        compute_class_weights([0, 1], strategy)


@pytest.mark.parametrize("strategy", [[1.0, 2.0], 3, ("balanced",)])
def test_strategy_of_wrong_type(strategy):
    with pytest.raises(TypeError, match="strategy must be None, one of"):
        compute_class_weights([0, 1], strategy)


@pytest.mark.parametrize("y", [[], np.array([], dtype=int)])
def test_empty_y(y):
    with pytest.raises(ValueError, match="y is empty"):
        compute_class_weights(y, "balanced")


def test_y_not_1d():
    with pytest.raises(ValueError, match=r"y must be a 1-D array.*pass y\.ravel\(\)"):
        compute_class_weights(np.array([[0], [1], [1]]))
    with pytest.raises(ValueError, match=r"y must be a 1-D array .* shape \(2, 2\)"):
        compute_class_weights([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="y must be a 1-D array"):
        compute_class_weights(1)


@pytest.mark.parametrize(
    "y", [[0.0, np.nan, 1.0], np.array(["a", None, "b"], dtype=object), ["a", np.nan, "b"]]
)
def test_missing_labels(y):
    with pytest.raises(ValueError, match=r"y has a missing label \(None or NaN\)"):
        compute_class_weights(y, "balanced")


def test_mixed_label_types():
    with pytest.raises(ValueError, match="y mixes label types"):
        compute_class_weights(np.array([1, "a", 1], dtype=object))


def test_classes_missing_labels_of_y():
    with pytest.raises(ValueError, match=r"label\(s\) \[2\] that are not in classes \[0, 1\]"):
        compute_class_weights([0, 1, 2], classes=[0, 1])
    with pytest.raises(ValueError, match=r"label\(s\) \['a', 'b'\] that are not in classes"):
        compute_class_weights(["a", "b"], "balanced", classes=[0, 1])


def test_bad_classes():
    with pytest.raises(ValueError, match="classes must not contain duplicates"):
        compute_class_weights([0, 1], classes=[0, 1, 0])
    with pytest.raises(ValueError, match="classes must be a non-empty 1-D array"):
        compute_class_weights([0, 1], classes=[])


def test_dict_with_unknown_label():
    match = r"unknown label\(s\) \['3', 5\]; the known classes are \[0, 1, 2\]"
    with pytest.raises(ValueError, match=match):
        compute_class_weights([0, 1, 2], {0: 1.0, "3": 2.0, 5: 1.0})


@pytest.mark.parametrize("weight", [0, -1.0, np.nan, np.inf, "2", None, True])
def test_dict_with_bad_weight(weight):
    with pytest.raises(ValueError, match=r"class weights must be finite numbers > 0, .*label 1"):
        compute_class_weights([0, 1], {1: weight})


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, np.nan, "0.9", None])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match=r"beta must be a real number in \[0, 1\)"):
        compute_class_weights([0, 1, 1], "effective_number", beta=beta)
