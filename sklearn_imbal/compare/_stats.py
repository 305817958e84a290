"""The paired test of two techniques scored on the same folds (corrected resampled t-test)."""

import math

import numpy as np
from scipy import stats

__all__ = ["corrected_resampled_ttest"]


def corrected_resampled_ttest(differences, test_train_ratio, *, confidence=0.95):
    """Nadeau and Bengio's corrected resampled t-test of paired fold differences.

    The ``J`` differences come from the same ``k`` x ``R`` test folds of a repeated
    k-fold cross-validation (``J = kR``). Their training sets overlap, so the folds are
    not independent and the plain paired t-test is far too confident. The corrected
    variance of the mean difference is ``(1 / J + n_test / n_train) * s**2``, ``s**2``
    the sample variance (``ddof=1``) of the differences, and the statistic follows a
    t distribution with ``J - 1`` degrees of freedom [1]_; [2]_ checks this form on
    repeated k-fold cross-validation.

    Parameters
    ----------
    differences : array-like of shape (n_folds,)
        Score of one technique minus the score of the other, fold by fold. Folds where
        either score is undefined (nan) are left out, and ``J`` counts the others.
    test_train_ratio : float
        ``n_test / n_train`` of a fold: ``1 / (k - 1)`` for k-fold cross-validation.
    confidence : float, default=0.95
        Level of the interval.

    Returns
    -------
    test : dict
        ``difference`` (the mean difference), ``low`` and ``high`` (its interval),
        ``p_value`` (two-sided, of "no difference"), ``df`` (``J - 1``) and ``n_folds``
        (``J``). With fewer than 2 usable folds every number but ``n_folds`` is nan.
        Differences that are all equal (zero variance) give the interval
        ``[difference, difference]`` and a p-value of 1 when that difference is 0,
        else 0.

    References
    ----------
    .. [1] C. Nadeau and Y. Bengio, "Inference for the Generalization Error", Machine
       Learning 52(3), 239-281, 2003.
    .. [2] R. R. Bouckaert and E. Frank, "Evaluating the Replicability of Significance
       Tests for Comparing Learning Algorithms", PAKDD 2004, LNCS 3056, 3-12.

    Examples
    --------
    >>> from sklearn_imbal.compare._stats import corrected_resampled_ttest
    >>> test = corrected_resampled_ttest([0.05, 0.02, 0.04, 0.06, 0.03], 1 / 4)
    >>> print(f"{test['difference']:.3f} [{test['low']:.4f}, {test['high']:.4f}], "
    ...       f"p = {test['p_value']:.4f}, df = {test['df']}")
    0.040 [0.0106, 0.0694], p = 0.0196, df = 4
    """
    values = np.asarray(differences, dtype=float).ravel()
    values = values[np.isfinite(values)]
    n_folds = len(values)
    nan = float("nan")
    if n_folds < 2:
        return {"difference": nan, "low": nan, "high": nan, "p_value": nan, "df": nan,
                "n_folds": n_folds}
    mean = float(values.mean())
    df = n_folds - 1
    se = math.sqrt((1 / n_folds + test_train_ratio) * values.var(ddof=1))
    if se == 0:
        low = high = mean
        p_value = 1.0 if mean == 0 else 0.0
    else:
        half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
        low, high = mean - half, mean + half
        p_value = float(2 * stats.t.sf(abs(mean) / se, df))
    return {"difference": mean, "low": low, "high": high, "p_value": p_value, "df": df,
            "n_folds": n_folds}
