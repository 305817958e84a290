"""Shared docstring text, written once (imbalanced-learn's ``utils/_docstring.py`` pattern).

A docstring holds a placeholder such as ``{X_passthrough}``; the :func:`fill_doc`
decorator replaces it with the shared text, its continuation lines indented like the
placeholder's line, so the same parameter reads the same in every estimator and a fix
is made in one place. Other braces are left alone (no ``str.format``).
"""

import re

__all__ = ["DOCSTRINGS", "fill_doc"]

# name -> numpydoc text, written at indent 0 (continuation lines indented by 4).
DOCSTRINGS = {
    # ---------------------------------------------------------------- parameters
    "X_passthrough": (
        "X : array-like of shape (n_samples, n_features) or list of str\n"
        "    Samples, as accepted by the wrapped estimator (texts for a text pipeline)."
    ),
    "class_weight": (
        'class_weight : {"balanced", "effective_number"}, dict or None, default=None\n'
        "    Per-class weights of the loss, computed by\n"
        "    :func:`~sklearn_imbal.weights.compute_class_weights`: ``\"balanced\"`` is\n"
        "    ``n_samples / (n_classes * n_c)`` as in scikit-learn, ``\"effective_number\"``\n"
        "    the class-balanced weighting of Cui et al. (2019), a dict maps labels to\n"
        "    weights (missing labels get 1)."
    ),
    "device": (
        'device : str or torch.device, default="auto"\n'
        '    ``"auto"`` runs on CUDA when torch sees a GPU, else on the CPU; or any torch\n'
        '    device string (``"cpu"``, ``"cuda"``, ``"cuda:1"``).'
    ),
    # ---------------------------------------------------------------- metrics
    "minority_rule": (
        "The minority class is the least frequent class of ``y_true``, counted in samples\n"
        "(``sample_weight`` does not change it); on a tie, the larger label in sorted\n"
        "order, e.g. ``1`` for ``[0, 0, 1, 1]`` and ``'spam'`` for ``['ham', 'spam']``."
    ),
    "y_true": (
        "y_true : array-like of shape (n_samples,)\n"
        "    True class labels, of any type (integers, strings, ...); at least two classes."
    ),
    "y_pred": (
        "y_pred : array-like of shape (n_samples,)\n"
        "    Predicted class labels, as returned by ``predict``."
    ),
    "sample_weight": (
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Sample weights, passed on to the scikit-learn functions."
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_doc(obj):
    """Replace each ``{name}`` of ``obj.__doc__`` that names a shared text by that text.

    The continuation lines of the text take the indentation of the line that holds the
    placeholder; braces around any other word (``{"balanced", ...}``) are left alone.

    Parameters
    ----------
    obj : function or class
        The object whose docstring is filled in place.

    Returns
    -------
    obj : function or class
        The same object.
    """
    if not obj.__doc__:
        return obj
    lines = []
    for line in obj.__doc__.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]

        def replace(match, indent=indent):
            text = DOCSTRINGS.get(match.group(1))
            if text is None:
                return match.group(0)
            return text.replace("\n", "\n" + indent)

        lines.append(_PLACEHOLDER.sub(replace, line))
    obj.__doc__ = "\n".join(lines)
    return obj
