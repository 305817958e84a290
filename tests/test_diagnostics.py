"""imbalance_report: counts, severity cut-offs and the playbook's recommendations."""

import json

import numpy as np
import pandas as pd
import pytest

from sklearn_imbal import imbalance_report
from sklearn_imbal.diagnostics import LARGE, SCARCE, VERY_FEW


def techniques(report):
    return [rec.technique for rec in report.recommendations]


def test_counts_proportions_and_ratios_multiclass_strings():
    y = np.array(["billing"] * 600 + ["angry"] * 40 + ["tech"] * 360)
    report = imbalance_report(y)
    assert list(report.classes) == ["angry", "billing", "tech"]
    np.testing.assert_array_equal(report.counts, [40, 600, 360])
    np.testing.assert_allclose(report.proportions, [0.04, 0.6, 0.36])
    np.testing.assert_allclose(report.ratio_to_majority, [40 / 600, 1.0, 0.6])
    assert report.imbalance_ratio == pytest.approx(15.0)
    assert report.majority_class == "billing" and report.minority_class == "angry"
    assert report.n_samples == 1000


@pytest.mark.parametrize(
    "n_minority, n_majority, severity",
    [(45, 55, "balanced"), (40, 60, "mild"), (10, 99, "mild"), (10, 100, "moderate"),
     (1, 99, "moderate"), (1, 100, "severe"), (1, 999, "severe"), (1, 1000, "extreme")],
)
def test_severity_cut_offs(n_minority, n_majority, severity):
    report = imbalance_report([0] * n_majority + [1] * n_minority)
    assert report.severity == severity


def test_balanced_data_needs_nothing():
    report = imbalance_report([0, 1] * 50)
    assert techniques(report) == ["baseline"]
    assert "Compare them" not in str(report)


def test_class_weights_then_threshold_tuning_always_lead():
    for n_minority in (5, 200, 5_000):
        report = imbalance_report(np.r_[np.zeros(20_000), np.ones(n_minority)])
        assert techniques(report)[:2] == ["class_weight", "threshold"]


def test_scarce_minority_recommends_oversampling_and_very_few_synthetic():
    report = imbalance_report([0] * 5000 + [1] * (VERY_FEW - 1), text=True)
    assert techniques(report) == [
        "class_weight", "threshold", "random_oversampling", "smote", "augmentation"]
    # Augmentation writes texts: not applicable to other data, as in compare, where
    # SMOTE is the synthetic generation.
    report = imbalance_report([0] * 5000 + [1] * (VERY_FEW - 1))
    assert techniques(report) == ["class_weight", "threshold", "random_oversampling", "smote"]
    report = imbalance_report([0] * 5000 + [1] * VERY_FEW, text=True)
    assert "augmentation" not in techniques(report)
    assert {"random_oversampling", "smote"} <= set(techniques(report))
    report = imbalance_report([0] * 9000 + [1] * SCARCE)
    assert not {"random_oversampling", "smote"} & set(techniques(report))


def test_large_data_recommends_undersampling_only_with_enough_minority():
    y = np.r_[np.zeros(LARGE), np.ones(SCARCE)]
    assert "random_undersampling" in techniques(imbalance_report(y))
    y = np.r_[np.zeros(LARGE), np.ones(SCARCE - 1)]
    assert "random_undersampling" not in techniques(imbalance_report(y))
    y = np.r_[np.zeros(LARGE // 2), np.ones(SCARCE)]
    assert "random_undersampling" not in techniques(imbalance_report(y))


def test_extreme_imbalance_recommends_focal_loss_last():
    y = np.r_[np.zeros(2_000_000, dtype=np.int8), np.ones(1500, dtype=np.int8)]
    report = imbalance_report(y)
    assert report.severity == "extreme"
    assert techniques(report) == [
        "class_weight", "threshold", "random_undersampling", "focal_loss"]
    assert "FocalLossClassifier" in report.recommendations[-1].how


def test_text_flag_names_text_tools():
    y = ["ok"] * 500 + ["angry"] * 10
    how = {rec.technique: rec.how for rec in imbalance_report(y, text=True).recommendations}
    assert "TransformerEmbedder" in how["smote"]
    assert "TextAugmentationSampler" in how["augmentation"]
    how = {rec.technique: rec.how for rec in imbalance_report(y).recommendations}
    assert "TransformerEmbedder" not in how["smote"]


# Targets that between them trigger every recommendation rule.
EVERY_RULE = {
    "balanced": [0, 1] * 50,
    "scarce, very few": [0] * 5000 + [1] * 3,
    "large": np.r_[np.zeros(LARGE), np.ones(SCARCE)],
    "extreme": np.r_[np.zeros(2_000_000, dtype=np.int8), np.ones(1500, dtype=np.int8)],
}


@pytest.mark.parametrize("text", [False, True])
def test_recommendations_name_compare_techniques(text):
    """Every technique the report recommends is one a user can pass to compare
    (``TECHNIQUES``, ``--techniques``), under compare's label, and one that compare can
    apply to such data."""
    from sklearn_imbal.compare import TECHNIQUES
    from sklearn_imbal.compare._techniques import REGISTRY

    recommended = set()
    for y in EVERY_RULE.values():
        report = imbalance_report(y, text=text)
        assert set(report.techniques) <= set(TECHNIQUES)
        for rec in report.recommendations:
            assert rec.label == REGISTRY[rec.technique].label
            if not text:
                assert "tabular" not in REGISTRY[rec.technique].not_applicable
        if report.severity != "balanced":  # the printed --techniques value
            listed = str(report).splitlines()[-1].split("--techniques ")[1]
            assert tuple(listed.split(",")) == report.techniques
        recommended |= set(report.techniques)
    expected = {"baseline", "class_weight", "threshold", "random_oversampling", "smote",
                "random_undersampling", "focal_loss"} | ({"augmentation"} if text else set())
    assert recommended == expected


def test_every_recommendation_has_a_reason_and_a_how():
    report = imbalance_report([0] * 10_000 + [1] * 3)
    for rec in report.recommendations:
        assert rec.reason and rec.how and "\n" not in rec.reason


def test_str_table_to_dict_and_to_frame():
    y = pd.Series(["ok"] * 97 + ["fraud"] * 3)
    report = imbalance_report(y)
    text = str(report)
    assert "100 samples, 2 classes, imbalance ratio 32.3:1 (moderate)" in text
    assert "fraud" in text and "3.0%" in text
    assert text.index("1. class weights") < text.index("2. threshold tuning")
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["classes"][0] == {"label": "fraud", "count": 3, "proportion": 0.03,
                                  "ratio_to_majority": pytest.approx(3 / 97)}
    assert data["recommendations"][0]["technique"] == "class_weight"
    assert data["recommendations"][0]["label"] == "class weights (balanced)"
    frame = report.to_frame()
    assert list(frame.index) == ["fraud", "ok"]
    assert frame.loc["ok", "count"] == 97
    assert frame["proportion"].sum() == pytest.approx(1.0)
    assert repr(report) == ("ImbalanceReport(n_samples=100, n_classes=2, "
                            "imbalance_ratio=32.3, severity='moderate')")


def test_int_labels_become_plain_python_in_dicts():
    data = imbalance_report(np.array([3, 3, 3, 7], dtype=np.int64)).to_dict()
    assert type(data["classes"][0]["label"]) is int
    assert type(data["minority_class"]) is int


@pytest.mark.parametrize(
    "y, match",
    [
        ([], "y is empty"),
        (np.zeros((4, 2)), r"1-D.*shape \(4, 2\)"),
        (np.zeros((4, 1)), r"pass y.ravel\(\) for a column vector"),
        ("abc", "single string"),
        ([0.5, 1.5, 2.25], "continuous"),
        (["a", None, "b"], "missing label.*index 1"),
        (np.array([1.0, np.nan, 0.0]), "missing label.*index 1"),
        ([1, 1, 1], "single class"),
    ],
)
def test_bad_targets(y, match):
    with pytest.raises(ValueError, match=match):
        imbalance_report(y)
