"""Input validation shared by the classifiers."""

import numpy as np
from sklearn.utils.multiclass import check_classification_targets


def encode_classification_target(y, estimator_name):
    """Check a classification target and encode it as integers.

    Returns ``classes_`` (sorted unique labels, any label type) and ``y`` as int64
    indices into it. Raises a ``ValueError`` naming the problem for a continuous or
    multi-output target and for a target with a single class.
    """
    check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if classes.shape[0] < 2:
        label = classes[0].item() if isinstance(classes[0], np.generic) else classes[0]
        raise ValueError(
            f"{estimator_name} needs samples of at least two classes in y, but y holds only "
            f"the class {label!r}. A classifier cannot learn a decision from one class: "
            "check that the label column and the train/test split are the intended ones."
        )
    return classes, y_encoded.astype(np.int64, copy=False)
