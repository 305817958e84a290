"""Importing sklearn-imbal stays cheap: the heavy libraries load only when they are used.

Each check runs in a fresh interpreter, since this test session has long imported them all.
"""

import json
import subprocess
import sys

import pytest

import sklearn_imbal

HEAVY = ("torch", "skorch", "transformers")

# What an import loaded, printed as JSON by the child interpreter. scikit-learn >= 1.8
# imports pandas itself, so pandas is compared against `import sklearn, sklearn.linear_model`.
_PROBE = """
import json, runpy, sys
{statement}
print(json.dumps(sorted(name.partition(".")[0] for name in sys.modules)))
"""


def _loaded(statement):
    result = subprocess.run([sys.executable, "-c", _PROBE.format(statement=statement)],
                            capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def peer_modules():
    return _loaded("import sklearn, sklearn.linear_model")


@pytest.mark.parametrize("statement", [
    "import sklearn_imbal",
    "from sklearn_imbal import ThresholdTunedClassifier",
    "from sklearn_imbal import (imbalance_report, imbalanced_scores, compute_class_weights, "
    "PriorCorrectedClassifier)",
    # the command line, as `python -m sklearn_imbal --help` runs it
    "sys.argv = ['sklearn-imbal', '--help']\n"
    "try:\n    runpy.run_module('sklearn_imbal', run_name='__main__')\n"
    "except SystemExit:\n    pass",
])
def test_import_loads_no_heavy_library(statement, peer_modules):
    loaded = _loaded(statement)
    assert not loaded & set(HEAVY), f"{statement!r} imported {sorted(loaded & set(HEAVY))}"
    if "pandas" not in peer_modules:
        assert "pandas" not in loaded, f"{statement!r} imported pandas"


def test_every_public_name_resolves_and_is_listed():
    listed = dir(sklearn_imbal)
    for name in sklearn_imbal.__all__:
        assert getattr(sklearn_imbal, name) is not None
        assert name in listed


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchEstimator'"):
        sklearn_imbal.NoSuchEstimator
    assert not hasattr(sklearn_imbal, "no_such_module")
