"""Validation of raw-text input for the text estimators (embedders and classifiers)."""

import math

import numpy as np


def validate_texts(X, *, estimator_name, input_name="X"):
    """Check that ``X`` holds one non-empty string per sample and return them as a list.

    Accepted: a list or tuple of ``str``, a 1-D NumPy array or pandas Series of
    strings, and, since imbalanced-learn's samplers return 2-D arrays, a NumPy array
    of shape ``(n_samples, 1)`` or a one-column DataFrame. Nothing is dropped,
    stripped or converted: NumPy string scalars become plain ``str`` with the same
    characters, and any other problem raises an error naming the estimator, the
    parameter, the first offending index and the fix.

    Parameters
    ----------
    X : list, tuple, ndarray, Series or DataFrame
        The texts, one per sample.
    estimator_name : str
        Name of the calling estimator, for the error messages.
    input_name : str, default="X"
        Name of the parameter, for the error messages.

    Returns
    -------
    texts : list of str
        The texts, in the order given.

    Raises
    ------
    TypeError
        ``X`` is a bare string, ``None``, a container of an unsupported type, or holds
        an entry that is not a string.
    ValueError
        ``X`` is empty, has more than one column, or holds a missing value
        (``None``, NaN, ``pd.NA``), an empty / whitespace-only string, or a string
        that is not valid Unicode (a lone surrogate such as ``"\\ud800"``, which no
        tokenizer can encode).
    """
    where = f"{estimator_name}: {input_name}"
    expected = (
        "a list, tuple, 1-D array or pandas Series of str, one text per sample (or an "
        "(n_samples, 1) array / one-column DataFrame)"
    )
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{where} is a single string, but {estimator_name} takes {expected}. "
            f"To process one text, wrap it in a list: {input_name}=[text]."
        )
    if X is None:
        raise TypeError(f"{where} is None; pass {expected}.")

    if isinstance(X, (list, tuple)):
        items = X
    elif _is_dataframe(X):
        if X.shape[1] != 1:
            raise ValueError(
                f"{where} is a DataFrame with {X.shape[1]} columns, but {estimator_name} "
                "takes one text per sample; select the text column, e.g. "
                f"{input_name}=df['text'] (or df[['text']]), or combine the columns into "
                "one string per row first."
            )
        items = X.iloc[:, 0].to_numpy(dtype=object)
    elif hasattr(X, "__array__") and not isinstance(X, (dict, set, frozenset)):
        items = np.asarray(X, dtype=object)
        if items.ndim == 0:
            return validate_texts(items.item(), estimator_name=estimator_name,
                                  input_name=input_name)
        if items.ndim == 2 and items.shape[1] == 1:
            items = items[:, 0]
        elif items.ndim != 1:
            raise ValueError(
                f"{where} has shape {items.shape}, but {estimator_name} takes one text per "
                "sample, as a 1-D array or a one-column 2-D array; select the text column, "
                f"e.g. {input_name}[:, 0], or join the columns into one string per row."
            )
    else:
        raise TypeError(f"{where} is a {type(X).__name__}; pass {expected}.")

    n_samples = len(items)
    if n_samples == 0:
        raise ValueError(
            f"{where} is empty (0 samples); {estimator_name} needs at least one text."
        )
    texts = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            if not item.strip():
                raise ValueError(
                    f"{where} holds an empty or whitespace-only string at index {index} "
                    f"({item!r}); there is no text to encode. Drop those samples, or "
                    "replace them with a placeholder text if their emptiness is "
                    "informative."
                )
            surrogate = lone_surrogate(item)
            if surrogate is not None:
                raise ValueError(
                    f"{where} holds a string that is not valid Unicode at index {index}: "
                    f"a lone surrogate ({item[surrogate]!r}) at character {surrogate}, "
                    "which cannot be encoded as UTF-8 or tokenised. It usually comes from "
                    "bytes decoded with errors='surrogateescape' or from a broken \\u "
                    "escape in JSON; decode the source correctly, or drop or replace the "
                    "character, e.g. text.encode('utf-8', 'replace').decode('utf-8')."
                )
            texts.append(str(item))
        elif _is_missing(item):
            raise ValueError(
                f"{where} holds a missing value ({item!r}) at index {index}. "
                f"{estimator_name} does not impute text: drop the samples with missing "
                "texts, or fill them with a placeholder text, e.g. "
                "df['text'].fillna('(no text)')."
            )
        else:
            hint = " Decode bytes first, e.g. b.decode('utf-8')." if isinstance(
                item, (bytes, np.bytes_)) else ""
            raise TypeError(
                f"{where} holds a non-string entry at index {index}: {item!r:.50} of type "
                f"{type(item).__name__}; every sample must be a str.{hint} If the values "
                f"are meant as text, convert them explicitly, e.g. "
                f"[str(x) for x in {input_name}]."
            )
    return texts


def unusable_texts(values):
    """Positions of the entries that are not a non-blank, valid string.

    The entries :func:`validate_texts` refuses: empty or whitespace-only, missing,
    not a string, or holding a lone surrogate (not valid Unicode).
    """
    return [i for i, v in enumerate(values)
            if not isinstance(v, str) or not v.strip() or lone_surrogate(v) is not None]


def lone_surrogate(text):
    """Position of the first lone surrogate in ``text`` (not valid Unicode), or None.

    Such a string (``"abc\\ud800"``) cannot be encoded as UTF-8, so tokenizers fail on
    it deep inside their native code.
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _is_dataframe(X):
    """A pandas-like DataFrame, recognised without importing pandas."""
    return hasattr(X, "iloc") and hasattr(X, "columns") and getattr(X, "ndim", None) == 2


def _is_missing(item):
    """``None``, a float NaN (NumPy's included), or pandas' ``NA`` / ``NaT``."""
    if item is None:
        return True
    if isinstance(item, float):  # np.float64 is a float subclass
        return math.isnan(item)
    if isinstance(item, np.floating):
        return bool(np.isnan(item))
    return type(item).__name__ in {"NAType", "NaTType"}
