"""scikit-learn conformance of every public estimator (discovered, not listed by hand)."""

import pytest
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks

from sklearn_imbal.utils._test_common.instance_generator import (
    expected_failed_checks,
    _tested_estimators,
)
from sklearn_imbal.utils.discovery import all_estimators

ESTIMATORS = list(_tested_estimators())


def test_discovery_finds_the_public_estimators():
    names = [name for name, _ in all_estimators()]
    assert "FocalLossClassifier" in names
    assert all(not name.startswith("_") for name in names)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
