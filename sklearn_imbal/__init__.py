"""sklearn-imbal: scikit-learn estimators for classification on imbalanced data.

Importing the package is cheap: it imports torch and skorch (through
:mod:`sklearn_imbal.neural`) but never transformers; text estimators import it
lazily when they are fitted.
"""

from .losses import FocalLoss, LogitAdjustedLoss, focal_loss
from .neural import FocalLossClassifier
from .weights import compute_class_weights

__version__ = "0.1.0.dev0"

__all__ = [
    "FocalLoss",
    "FocalLossClassifier",
    "LogitAdjustedLoss",
    "compute_class_weights",
    "focal_loss",
    "__version__",
]
