"""Which imbalance fix works on *this* data? Every known fix, measured under one CV.

The method (same splits, metrics, techniques, model families): ``doc/compare.md``.
"""

from ._checks import RANK_METRICS, DataError
from ._result import ComparisonResult
from ._run import compare_techniques
from ._techniques import TECHNIQUES

__all__ = ["RANK_METRICS", "TECHNIQUES", "ComparisonResult", "DataError", "compare_techniques"]
