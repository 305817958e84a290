"""The one missing-label rule (``utils._validation.check_labels``) at every entry point.

numpy turns a NaN in a list of strings into the string ``"nan"``, which became a class of
its own in the report, the metrics, compare and every estimator; a mix of label types was
called "continuous".
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from sklearn_imbal import (
    FocalLossClassifier,
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
    compute_class_weights,
    imbalance_report,
    imbalanced_scores,
)
from sklearn_imbal.compare import compare_techniques
from sklearn_imbal.utils._validation import check_labels

MISSING = {
    "nan among strings": ["a", "b", np.nan, "a", "b", "a"] * 2,
    "None among strings": ["a", "b", None, "a", "b", "a"] * 2,
    "pd.NA in a string Series": pd.Series(["a", "b", pd.NA, "a", "b", "a"] * 2,
                                          dtype="string"),
    "NaN in a float array": np.array([0.0, 1.0, np.nan, 0.0, 1.0, 0.0] * 2),
    "NaN in a Categorical": pd.Categorical(["a", "b", None, "a", "b", "a"] * 2),
}
MIXED = np.array(["a", 1, "b", "a", 1, "b"] * 2, dtype=object)


def _fit(estimator):
    def fit(y):
        X = np.random.RandomState(0).rand(len(y), 2)
        return estimator.fit(X, y)
    return fit


ENTRY_POINTS = {
    "imbalance_report": imbalance_report,
    "imbalanced_scores": lambda y: imbalanced_scores(y, ["a"] * len(y)),
    "compute_class_weights": lambda y: compute_class_weights(y, "balanced"),
    "compare_techniques": lambda y: compare_techniques(
        np.random.RandomState(0).rand(len(y), 2), y, cv=2, progress=False),
    "FocalLossClassifier": _fit(FocalLossClassifier(max_epochs=1)),
    "ThresholdTunedClassifier": _fit(ThresholdTunedClassifier(LogisticRegression(), cv=2)),
    "PriorCorrectedClassifier": _fit(PriorCorrectedClassifier(LogisticRegression())),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("case", MISSING)
def test_a_missing_label_is_an_error_everywhere(entry, case):
    with pytest.raises(ValueError, match=r"missing label \(None or NaN\) at index 2 \(2 in all\)"):
        ENTRY_POINTS[entry](MISSING[case])


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_mixed_label_types_are_named_as_such(entry):
    expected = r"mixes label types \(str 'a' at index 0, int 1 at index 1\)"
    with pytest.raises(ValueError, match=expected):
        ENTRY_POINTS[entry](MIXED)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_mixed_label_types_in_a_plain_list_are_named_too(entry):
    # numpy would turn ["a", 1, ...] into strings, making 1 and "1" one class.
    expected = r"mixes label types \(str 'a' at index 0, int 1 at index 1\)"
    with pytest.raises(ValueError, match=expected):
        ENTRY_POINTS[entry](list(MIXED))


def test_check_labels_accepts_clean_labels_and_returns_an_array():
    y = check_labels(["b", "a", "b"])
    assert isinstance(y, np.ndarray) and y.tolist() == ["b", "a", "b"]
    assert check_labels(pd.Series([1, 0, 1])).tolist() == [1, 0, 1]
    # Numbers of several Python/numpy types are one kind: no false "mixed" error.
    assert check_labels(np.array([1, np.int64(0), 1.0], dtype=object)).shape == (3,)


def test_check_labels_column_vector_is_checked_but_left_to_column_or_1d():
    column = np.array([["a"], ["b"]])
    assert check_labels(column, allow_column=True) is column
    with pytest.raises(ValueError, match="missing label"):
        check_labels([["a"], [None]], allow_column=True)
    with pytest.raises(ValueError, match=r"pass y.ravel\(\) for a column vector"):
        check_labels(column)
