"""sklearn-imbal: scikit-learn estimators for classification on imbalanced data.

Importing the package is cheap: public names are loaded on first use (PEP 562
``__getattr__``, as scikit-learn and SciPy do), so ``import sklearn_imbal`` or
``from sklearn_imbal import ThresholdTunedClassifier`` imports neither torch, skorch,
pandas nor transformers.
"""

import importlib

__version__ = "0.1.0.dev0"

# public name -> the module that defines it
_LAZY = {
    "FocalLoss": "losses",
    "FocalLossClassifier": "neural",
    "ImbalanceReport": "diagnostics",
    "LLMAugmentationError": "sampling",
    "LLMAugmenter": "sampling",
    "LogitAdjustedLoss": "losses",
    "PriorCorrectedClassifier": "calibration",
    "TextAugmentationSampler": "sampling",
    "ThresholdCurveDisplay": "threshold",
    "ThresholdTunedClassifier": "threshold",
    "TransformerClassifier": "text",
    "TransformerEmbedder": "text",
    "WordAugmenter": "sampling",
    "compute_class_weights": "weights",
    "expected_calibration_error": "metrics",
    "focal_loss": "losses",
    "get_imbalanced_scorers": "metrics",
    "imbalance_report": "diagnostics",
    "imbalanced_scores": "metrics",
    "load": "persistence",
    "minority_f1_score": "metrics",
    "minority_precision_score": "metrics",
    "minority_recall_score": "metrics",
    "save": "persistence",
}

_SUBMODULES = {
    "calibration", "cli", "compare", "datasets", "diagnostics", "hf", "losses", "metrics", "neural",
    "persistence", "sampling", "text", "threshold", "utils", "weights",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
