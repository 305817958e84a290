"""The corrected resampled t-test, against a hand computation and scipy's plain t-test."""

import numpy as np
import pytest
from scipy import stats

from sklearn_imbal.compare._stats import corrected_resampled_ttest


def test_hand_computation():
    """5 folds of 5-fold CV (n_test / n_train = 1/4), differences d:
    mean 0.04; deviations .01 -.02 0 .02 -.01, squares summing to 0.001, s^2 = 0.001 / 4
    = 0.00025; corrected variance (1/5 + 1/4) * 0.00025 = 0.0001125, se = 0.0106066;
    t = 0.04 / se = 3.7712 with 4 df; t_0.975(4) = 2.776445, half width 0.0294486."""
    test = corrected_resampled_ttest([0.05, 0.02, 0.04, 0.06, 0.03], 1 / 4)
    assert test["difference"] == pytest.approx(0.04)
    assert test["low"] == pytest.approx(0.04 - 0.0294486, abs=1e-6)
    assert test["high"] == pytest.approx(0.04 + 0.0294486, abs=1e-6)
    assert test["df"] == 4 and test["n_folds"] == 5
    # P(|T_4| > 3.7712): the t(4) survival function, 2 * (1 - F(t)) = 0.019584.
    assert test["p_value"] == pytest.approx(0.019584, abs=1e-6)


def test_without_the_correction_it_is_the_paired_t_test():
    """test_train_ratio=0 leaves the plain variance s^2 / J: scipy's one-sample t-test of
    the differences; the correction only widens the interval, by sqrt(1 + J * ratio)."""
    rng = np.random.RandomState(0)
    differences = rng.normal(0.02, 0.05, size=15)
    plain = corrected_resampled_ttest(differences, 0.0, confidence=0.9)
    reference = stats.ttest_1samp(differences, 0.0)
    low, high = reference.confidence_interval(0.9)
    assert plain["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    assert (plain["low"], plain["high"]) == pytest.approx((low, high), rel=1e-10)
    corrected = corrected_resampled_ttest(differences, 1 / 4, confidence=0.9)
    widening = (corrected["high"] - corrected["low"]) / (high - low)
    assert widening == pytest.approx(np.sqrt(1 + 15 / 4))
    assert corrected["p_value"] > plain["p_value"]


def test_undefined_folds_degenerate_cases():
    # nan folds (a metric undefined on a fold) are left out of J.
    with_nan = corrected_resampled_ttest([0.05, np.nan, 0.02, 0.04, 0.06, 0.03], 1 / 4)
    assert with_nan == corrected_resampled_ttest([0.05, 0.02, 0.04, 0.06, 0.03], 1 / 4)
    # Identical scores on every fold: nothing to tell apart.
    same = corrected_resampled_ttest([0.0] * 6, 1 / 2)
    assert (same["difference"], same["low"], same["high"], same["p_value"]) == (0, 0, 0, 1)
    constant = corrected_resampled_ttest([0.25] * 6, 1 / 2)
    assert (constant["low"], constant["high"], constant["p_value"]) == (0.25, 0.25, 0)
    too_few = corrected_resampled_ttest([0.1, np.nan], 1 / 2)
    assert too_few["n_folds"] == 1 and np.isnan(too_few["low"]) and np.isnan(too_few["p_value"])
