"""Names and display labels of the imbalance techniques, in the order compare runs them.

The one vocabulary of the imbalance report's recommendations (``diagnostics``) and of
compare's technique registry (``compare/_techniques``, one record per name here). It lives
in ``utils`` because diagnostics is the lower layer (compare imports it), so it cannot
import compare, and neither may import the other's private names.
"""

__all__ = ["LABELS"]

LABELS = {
    "baseline": "baseline",
    "class_weight": "class weights (balanced)",
    "random_oversampling": "random oversampling",
    "smote": "SMOTE",
    "random_undersampling": "random undersampling",
    "focal_loss": "focal loss (balanced alpha)",
    "augmentation": "synthetic augmentation",
    "threshold": "threshold tuning",
    "best_combination": "best combination",
}
