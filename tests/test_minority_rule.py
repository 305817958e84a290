"""One minority rule everywhere: the report, the metrics, compare and the CLI agree on ties.

The report used to break a tie between equally small classes by the first label and the
metrics and compare by the last, so one ``sklearn-imbal compare`` run could name two
different "minority" classes. ``sklearn_imbal.utils._validation.minority_label`` is now the
only rule: among the least frequent classes, the greatest label.
"""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from sklearn_imbal import imbalance_report, imbalanced_scores, minority_f1_score
from sklearn_imbal.cli import main
from sklearn_imbal.compare import compare_techniques
from sklearn_imbal.utils._validation import minority_index, minority_label

# "bird" and "cat" tie for the smallest count; "dog" is the majority.
TIED = np.array(["bird"] * 12 + ["cat"] * 12 + ["dog"] * 36)


def test_the_rule_itself():
    assert minority_index([5, 5, 9]) == 1
    assert minority_index([3, 7, 3]) == 2
    assert minority_label(np.array(["bird", "cat", "dog"]), [12, 12, 36]) == "cat"
    assert minority_label(np.array([0, 1]), [4, 4]) == 1
    assert isinstance(minority_label(np.array([0, 1]), [4, 4]), int)


@pytest.mark.parametrize("y, expected", [
    (TIED, "cat"),
    (np.array([0] * 20 + [1] * 20), 1),
    (np.array([2] * 7 + [5] * 7 + [9] * 7), 9),
])
def test_report_metrics_and_compare_name_the_same_minority(y, expected):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(len(y), 3)) + (np.unique(y, return_inverse=True)[1])[:, None]

    assert imbalance_report(y).minority_class == expected

    # minority_f1_score is the F1 of the class the rule names, and of no other.
    y_pred = y.copy()
    y_pred[: len(y) // 4] = y[-1]
    expected_f1 = f1_score(y, y_pred, labels=[expected], average="macro")
    assert minority_f1_score(y, y_pred) == pytest.approx(expected_f1)
    assert imbalanced_scores(y, y_pred)["minority_f1"] == pytest.approx(expected_f1)
    for other in np.unique(y):
        if other != expected:
            other_f1 = f1_score(y, y_pred, labels=[other], average="macro")
            if not np.isclose(other_f1, expected_f1):
                break
    else:
        pytest.fail("the data cannot tell the classes' F1 apart")

    result = compare_techniques(X, y, cv=2, techniques=["class_weight"], progress=False)
    assert result.minority == expected
    assert type(result.minority) is type(expected)


def test_cli_compare_names_one_minority_on_a_tie(tmp_path, capsys):
    rng = np.random.RandomState(1)
    lines = ["x1,x2,label"] + [
        f"{rng.normal():.4f},{rng.normal() + (label != 'dog'):.4f},{label}" for label in TIED]
    data = tmp_path / "tied.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["compare", str(data), "--label", "label", "--cv", "2", "--quiet",
                 "--techniques", "class_weight", "--output", str(tmp_path / "out")]) == 0
    compared = capsys.readouterr().out
    # The data line comes from the imbalance report, the note under the table from the
    # comparison's result: both name the same class.
    assert "minority 'cat' 12" in compared
    assert "the minority class 'cat'" in compared
