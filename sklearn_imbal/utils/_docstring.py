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
    "device": (
        'device : str or torch.device, default="auto"\n'
        '    ``"auto"`` runs on CUDA when torch sees a GPU, else on the CPU; or any torch\n'
        '    device string (``"cpu"``, ``"cuda"``, ``"cuda:1"``).'
    ),
    # ---------------------------------------------------------------- skorch classifiers
    "loss_description": (
        'Training loss. ``"focal"`` uses ``gamma`` and the class weights as its\n'
        '``alpha``; ``"cross_entropy"`` is cross-entropy weighted by the class weights;\n'
        '``"logit_adjusted"`` adds ``tau * log(prior)`` to the logits during training\n'
        '(Menon et al.; it corrects the prior itself, so ``class_weight`` must be None).'
    ),
    "gamma_tau": (
        'gamma : float, default=2.0\n'
        '    Focusing parameter of the focal loss, ``>= 0``; ``gamma=0`` is (weighted)\n'
        '    cross-entropy.\n'
        'tau : float, default=1.0\n'
        '    Strength of the logit adjustment (``loss="logit_adjusted"``).'
    ),
    "validation_split": (
        'validation_fraction : float or None, default=None\n'
        '    Fraction of the training samples held out, stratified by class, and scored\n'
        '    each epoch (validation loss and ``scoring``). ``None`` trains on every sample\n'
        '    unless ``early_stopping=True``, which then holds out 10%.\n'
        'early_stopping : bool, default=False\n'
        '    Stop when the validation score (``scoring``) has not improved for\n'
        '    ``n_iter_no_change`` epochs, and restore the weights of the best epoch. An\n'
        '    epoch improves when its score rises by more than a relative 1e-4, or ties the\n'
        '    best and its validation loss falls by more than a relative 1e-4 (the scores\n'
        '    of a small split are coarse and often tie).'
    ),
    "scoring_validation": (
        'scoring : str or None, default=None\n'
        '    Validation score, a scikit-learn scorer name (greater is better); ``None`` is\n'
        '    ``"average_precision"`` for binary and ``"f1_macro"`` for multiclass problems\n'
        '    (accuracy misleads under imbalance).'
    ),
    "data_parallel": (
        'data_parallel : bool, default=False\n'
        '    Train one model across the processes of a ``torchrun`` or ``accelerate\n'
        '    launch`` run (torch DDP: gloo on the CPU, nccl on CUDA, one GPU per process),\n'
        '    every process calling ``fit`` on the same data. ``batch_size`` stays the\n'
        '    global batch, each process trains on its share of it, and every process ends\n'
        '    with the same fitted model, as one process would have trained it (up to\n'
        '    float rounding; dropout masks differ). Without a launcher it trains in this\n'
        '    process alone, as ``False`` does. Save on one process only\n'
        '    (:func:`sklearn_imbal.utils.is_main_process`); see the README\'s\n'
        '    "Data-parallel training".'
    ),
    "training_attributes": (
        'n_iter_ : int\n'
        '    Number of epochs run.\n'
        'loss_curve_ : ndarray of shape (n_iter_,)\n'
        '    Mean training loss of each epoch.\n'
        'validation_loss_curve_ : ndarray of shape (n_iter_,) or None\n'
        '    Validation loss of each epoch; None when no split was held out.\n'
        'validation_scores_ : ndarray of shape (n_iter_,) or None\n'
        '    Validation score (``scoring``, greater is better) of each epoch; None when no\n'
        '    split was held out.\n'
        'best_epoch_ : int or None\n'
        '    Epoch (1-based) with the best validation score, a tie going to the lower\n'
        '    validation loss (the last epoch that improved, as ``early_stopping`` counts\n'
        '    it); with ``early_stopping``, the epoch whose weights were restored. None when\n'
        '    no split was held out.'
    ),
    # ---------------------------------------------------------------- displays
    "display_draw": (
        "ax : matplotlib Axes, default=None\n"
        "    Axes object to plot on. If None, a new figure and axes is created.\n"
        "\n"
        "name : str, default=None\n"
        "    Name of the classifier, prepended to the score curve's legend entry.\n"
        "\n"
        "**kwargs : dict\n"
        "    Keyword arguments passed to :meth:`plot` (``show_folds``, ``show_interval``,\n"
        "    ``show_precision_recall``, and matplotlib's ``plot`` arguments for the score\n"
        "    curve).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "display : ThresholdCurveDisplay\n"
        "    Object that stores the curves and the drawn artists."
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
            first, *rest = text.split("\n")
            return "\n".join([first] + [indent + line if line else line for line in rest])

        lines.append(_PLACEHOLDER.sub(replace, line))
    obj.__doc__ = "\n".join(lines)
    return obj
