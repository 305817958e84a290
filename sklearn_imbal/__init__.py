"""sklearn-imbal: scikit-learn estimators for classification on imbalanced data.

Importing the package is cheap: it imports torch and skorch (through
:mod:`sklearn_imbal.neural`) but never transformers; text estimators import it
lazily when they are fitted.
"""

from .calibration import PriorCorrectedClassifier
from .diagnostics import ImbalanceReport, imbalance_report
from .losses import FocalLoss, LogitAdjustedLoss, focal_loss
from .metrics import (
    expected_calibration_error,
    get_imbalanced_scorers,
    imbalanced_scores,
    minority_f1_score,
    minority_precision_score,
    minority_recall_score,
)
from .neural import FocalLossClassifier
from .sampling import (
    LLMAugmentationError,
    LLMAugmenter,
    TextAugmentationSampler,
    WordAugmenter,
)
from .text import TransformerClassifier, TransformerEmbedder
from .threshold import ThresholdCurveDisplay, ThresholdTunedClassifier
from .weights import compute_class_weights

__version__ = "0.1.0.dev0"

__all__ = [
    "FocalLoss",
    "FocalLossClassifier",
    "ImbalanceReport",
    "LLMAugmentationError",
    "LLMAugmenter",
    "LogitAdjustedLoss",
    "PriorCorrectedClassifier",
    "TextAugmentationSampler",
    "ThresholdCurveDisplay",
    "ThresholdTunedClassifier",
    "TransformerClassifier",
    "TransformerEmbedder",
    "WordAugmenter",
    "compute_class_weights",
    "expected_calibration_error",
    "focal_loss",
    "get_imbalanced_scorers",
    "imbalance_report",
    "imbalanced_scores",
    "minority_f1_score",
    "minority_precision_score",
    "minority_recall_score",
    "__version__",
]
