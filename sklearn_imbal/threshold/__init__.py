"""Decision rules tuned by cross-validation: thresholds, class weights and costs."""

from ._plot import ThresholdCurveDisplay
from ._sweep import threshold_sweep
from ._tuned import ThresholdTunedClassifier

__all__ = ["ThresholdCurveDisplay", "ThresholdTunedClassifier", "threshold_sweep"]
