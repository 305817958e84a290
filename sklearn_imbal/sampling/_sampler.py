"""TextAugmentationSampler: an imbalanced-learn over-sampler of texts.

Design and the augmenter protocol: ``doc/sampling.md``.
"""


import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
)
from sklearn.utils.validation import check_consistent_length, column_or_1d, validate_data

from ..utils._text import validate_texts
from ..utils._validation import draw_seed, python_scalar
from ._word import WordAugmenter

__all__ = ["TextAugmentationSampler"]


class TextAugmentationSampler(BaseOverSampler):
    """Over-sample text classes with new texts made by an augmenter.

    For each class to over-sample, as ``sampling_strategy`` sets, the augmenter
    writes the missing number of new texts from the class's real texts; they are
    appended after the original rows, which come first, unchanged and in order.
    ``augmenter`` is None for the offline :class:`WordAugmenter`, an
    :class:`LLMAugmenter`, or any object with a method
    ``generate(texts, n, *, label, random_state) -> list of str`` returning ``n`` new
    texts of the class ``label`` from its real ``texts`` (see ``doc/sampling.md``).
    Either every class gets all its texts or an error is raised and nothing is
    returned. In an imbalanced-learn pipeline the sampler acts during ``fit`` only:
    ``predict`` and scoring see the original rows.

    Parameters
    ----------
    augmenter : object or None, default=None
        Object with a ``generate(texts, n, *, label, random_state)`` method; None
        uses ``WordAugmenter()``. It is cloned at each ``fit_resample`` when it has
        ``get_params``.
    sampling_strategy : float, str, dict or callable, default="auto"
        How many texts each class should have after resampling, as in
        imbalanced-learn: ``"auto"`` (every class but the majority up to the
        majority's count), ``"minority"``, ``"not minority"``, ``"not majority"``,
        ``"all"``, a float (binary only: minority / majority ratio after
        resampling), a dict ``{label: n_samples}`` or a callable ``y -> dict``.
    random_state : int, RandomState instance or None, default=None
        Seeds the augmenter: one seed per class is drawn from it and passed to
        ``generate``. None passes ``random_state=None``, so that the augmenter's own
        ``random_state`` applies.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of texts generated for each over-sampled class, ``{label: n}``.
    augmenter_ : object
        The augmenter used (a clone of ``augmenter``, or a ``WordAugmenter``).
    is_synthetic_ : ndarray of shape (n_samples_resampled,), dtype=bool
        Whether each row of the last ``fit_resample`` output was generated; the
        original rows come first.
    n_synthetic_ : dict
        Number of generated texts for each over-sampled class, ``{label: n}``.
    augmenter_stats_ : dict
        ``{label: stats}``, a copy of the augmenter's ``stats_`` after generating
        each class, when the augmenter records one (as :class:`LLMAugmenter` does);
        else empty.
    n_features_in_ : int
        1, when ``X`` was 2-D (a single column); absent for 1-D ``X``.
    feature_names_in_ : ndarray of shape (1,)
        Column name of ``X``, when ``X`` is a DataFrame.

    See Also
    --------
    imblearn.over_sampling.RandomOverSampler : Over-sample by repeating rows.
    WordAugmenter : The default augmenter.
    LLMAugmenter : Generate texts with a chat model.

    Notes
    -----
    ``X`` is a list, 1-D array or Series of texts, or a single column of shape
    ``(n_samples, 1)`` (2-D array, DataFrame); the output has the same form, as
    imbalanced-learn's samplers return it: a list for a list, an array for an
    array (object dtype, or ``str`` dtype for a ``str`` array), a Series or a
    DataFrame with a new ``RangeIndex`` for pandas input.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn_imbal.sampling import TextAugmentationSampler
    >>> X = ["great plot and a fine cast", "i loved every minute of it",
    ...      "what a wonderful film", "the best movie this year",
    ...      "dull and far too long", "terrible acting"]
    >>> y = ["pos", "pos", "pos", "pos", "neg", "neg"]
    >>> sampler = TextAugmentationSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [('neg', 4), ('pos', 4)]
    >>> X_res[6:]
    ['dull and far long too', 'acting']
    >>> sampler.is_synthetic_
    array([False, False, False, False, False, False,  True,  True])
    >>> sampler.n_synthetic_
    {'neg': 2}

    In an imbalanced-learn pipeline the sampler acts on the training folds only:

    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> pipe = make_pipeline(TextAugmentationSampler(random_state=0), TfidfVectorizer(),
    ...                      LogisticRegression())
    >>> scores = cross_validate(pipe, X * 3, y * 3, cv=3, scoring="f1_macro")
    >>> scores["test_score"].shape
    (3,)
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "augmenter": [HasMethods(["generate"]), None],
    }

    def __init__(self, augmenter=None, *, sampling_strategy="auto", random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.augmenter = augmenter
        self.random_state = random_state

    def _check_X_y(self, X, y):
        texts = validate_texts(X, estimator_name=type(self).__name__)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = column_or_1d(y)
        check_consistent_length(texts, y)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        if isinstance(X, np.ndarray) and X.dtype.kind == "U":
            array = X
        elif hasattr(X, "iloc"):  # pandas: imbalanced-learn restores the type and dtypes
            array = X.to_numpy(dtype=object)
        else:
            array = np.asarray(X, dtype=object)
        return array, y, binarize_y  # 1-D or (n_samples, 1), as validate_texts checked

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state) if self.random_state is not None else None
        if self.augmenter is None:
            augmenter = WordAugmenter()
        elif hasattr(self.augmenter, "get_params"):
            augmenter = clone(self.augmenter)
        else:
            augmenter = self.augmenter
        texts = X.ravel().tolist()
        new_texts, new_labels, n_synthetic, stats = [], [], {}, {}
        for label, n_samples in self.sampling_strategy_.items():
            key = python_scalar(label)
            n_synthetic[key] = int(n_samples)
            if n_samples == 0:
                continue
            class_texts = [text for text, target in zip(texts, y) if target == label]
            seed = None if rng is None else draw_seed(rng)
            generated = augmenter.generate(class_texts, n_samples, label=key, random_state=seed)
            new_texts += self._check_generated(generated, n_samples, key, augmenter)
            new_labels += [label] * n_samples
            if isinstance(getattr(augmenter, "stats_", None), dict):
                stats[key] = dict(augmenter.stats_)

        # A str array stays a str array (widened as needed); anything else is object.
        new = np.asarray(new_texts, dtype=str if X.dtype.kind == "U" else object)
        X_resampled = np.concatenate([X.ravel(), new])
        if X.ndim == 2:
            X_resampled = X_resampled.reshape(-1, 1)
        y_resampled = np.concatenate([y, np.asarray(new_labels, dtype=y.dtype)])

        self.augmenter_ = augmenter
        self.n_synthetic_ = n_synthetic
        self.augmenter_stats_ = stats
        self.is_synthetic_ = np.arange(X_resampled.shape[0]) >= X.shape[0]
        return X_resampled, y_resampled

    def _check_generated(self, generated, n, label, augmenter):
        name = type(augmenter).__name__
        if isinstance(generated, (str, bytes)) or not hasattr(generated, "__len__"):
            raise TypeError(
                f"{name}.generate must return a list of str, got {type(generated).__name__} "
                f"for the class {label!r}."
            )
        if len(generated) < n:
            raise ValueError(
                f"{name}.generate returned {len(generated)} texts for the class {label!r}, "
                f"but {n} are needed to meet sampling_strategy; no text was added."
            )
        return validate_texts(
            list(generated)[:n],
            estimator_name=type(self).__name__,
            input_name=f"the output of {name}.generate for the class {label!r}",
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        return tags
