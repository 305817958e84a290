"""The technique registry of a comparison (one record per technique) and its builders.

Adding a technique is one ``Technique`` record in ``REGISTRY`` (its name and label also in
``utils/_technique_names.LABELS``, the vocabulary the imbalance report shares).
"""

import copy
import math
import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.utils._param_validation import HasMethods

from ..utils._technique_names import LABELS
from ..utils._validation import python_scalar
from ._checks import RANK_METRICS, DataError, as_frame, as_text_column

__all__ = ["REGISTRY", "TECHNIQUES", "Technique"]


@dataclass(frozen=True)
class Technique:
    """One technique of a comparison: how it is built and where it cannot apply.

    Parameters
    ----------
    name : str
        Its name in ``TECHNIQUES``, ``compare_techniques(techniques=...)``,
        ``--techniques`` and the imbalance report's recommendations.
    build : callable or None, default=None
        ``build(builder, y_train)``: a fresh, unfitted estimator for a training fold.
        None for ``best_combination``, built around another technique
        (:meth:`Builder.combination`).
    expensive : bool, default=False
        Its threshold tuning uses one inner split instead of 3 inner folds.
    combines : bool, default=True
        It can be the base technique of ``best_combination``.
    not_applicable : dict of str to str, default={}
        Model family -> why the technique cannot apply to it.
    family_labels : dict of str to str, default={}
        Model family -> a more precise display label than ``LABELS[name]``.
    """

    name: str
    build: object = None
    expensive: bool = False
    combines: bool = True
    not_applicable: dict = field(default_factory=dict)
    family_labels: dict = field(default_factory=dict)

    @property
    def label(self):
        return LABELS[self.name]

    def label_for(self, family):
        return self.family_labels.get(family, self.label)


# -- how each technique is built: (builder, training labels) -> unfitted estimator
def _baseline(builder, y_train):
    return builder.pipeline(builder.front(), builder.head())


def _class_weight(builder, y_train):
    return builder.pipeline(builder.front(), builder.head(class_weight="balanced"))


def _random_oversampling(builder, y_train):
    from imblearn.over_sampling import RandomOverSampler

    return builder.resampled(RandomOverSampler(random_state=builder.random_state))


def _smote(builder, y_train):
    from imblearn.over_sampling import SMOTE

    smallest = int(np.unique(y_train, return_counts=True)[1].min())
    if smallest < 2:
        raise DataError("SMOTE needs 2 examples of each class per training fold")
    return builder.resampled(SMOTE(k_neighbors=min(5, smallest - 1),
                                   random_state=builder.random_state))


def _random_undersampling(builder, y_train):
    from imblearn.under_sampling import RandomUnderSampler

    return builder.resampled(RandomUnderSampler(random_state=builder.random_state))


def _focal_loss(builder, y_train):
    return builder.pipeline(builder.front(), builder.focal())


def _augmentation(builder, y_train):
    from ..sampling import TextAugmentationSampler, WordAugmenter

    rs = builder.random_state
    augmenter = builder.augmenter if builder.augmenter is not None else WordAugmenter(
        random_state=rs)
    sampler = TextAugmentationSampler(
        augmenter, random_state=rs,
        sampling_strategy=partial(augmentation_strategy, ratio=builder.augmentation_ratio),
    )
    return builder.pipeline(sampler, builder.front(), builder.head())


def _threshold(builder, y_train):
    return builder.tuned(_baseline(builder, y_train), y_train)


REGISTRY = {technique.name: technique for technique in (
    Technique("baseline", _baseline, combines=False),
    Technique("class_weight", _class_weight),
    Technique("random_oversampling", _random_oversampling),
    Technique("smote", _smote, family_labels={"embeddings": "SMOTE on embeddings"},
              not_applicable={"finetune": (
                  "SMOTE interpolates feature vectors; fine-tuning reads raw text, where "
                  "there is nothing to interpolate (use the embeddings model for SMOTE)")}),
    Technique("random_undersampling", _random_undersampling),
    Technique("focal_loss", _focal_loss, expensive=True),
    Technique("augmentation", _augmentation, expensive=True,
              not_applicable={"tabular": (
                  "text only: it writes new minority texts; tabular rows get random "
                  "oversampling and SMOTE instead")}),
    Technique("threshold", _threshold, combines=False),
    Technique("best_combination", combines=False),
)}

TECHNIQUES = tuple(REGISTRY)


_NOT_TUNED_BY_THRESHOLD = "threshold tuning does not change {name}: tuned for MCC instead"


class EmbeddingStore:
    """Embeddings of texts by a fitted frozen embedder, each distinct text embedded once.

    Shared by every pipeline of a comparison (``copy.deepcopy``, hence ``clone``, returns
    the store itself, so the clones that a threshold tuner fits share it too): the real
    texts are embedded once, up front, and each new text that augmentation writes is
    embedded once, when a pipeline first meets it.
    """

    def __init__(self, embedder, batch_size=256):
        self.embedder = embedder
        self.batch_size = batch_size
        self.vectors = {}
        self.seconds = 0.0

    def add(self, texts, progress=None):
        new = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        start = time.perf_counter()
        if new and not hasattr(self.embedder, "model_"):  # unpickled: load the model
            self.embedder.fit(new[:1])
        for begin in range(0, len(new), self.batch_size):
            chunk = new[begin:begin + self.batch_size]
            for text, vector in zip(chunk, self.embedder.transform(chunk)):
                self.vectors[text] = vector
            if progress is not None:
                progress.update(len(chunk))
        self.seconds += time.perf_counter() - start
        return len(new)

    def embed(self, texts):
        self.add(texts)
        return np.stack([self.vectors[t] for t in texts])

    def fork(self):
        """A store that starts with these vectors and keeps the texts it adds to itself.

        Each (technique, fold) job of a comparison embeds the new texts it writes in a
        fork, so what it computes never depends on which jobs ran before it, or where.
        """
        twin = copy.copy(self)
        twin.vectors = dict(self.vectors)
        twin.seconds = 0.0
        return twin

    def __deepcopy__(self, memo):
        return self

    def __getstate__(self):
        # What a joblib worker receives (compare_techniques(n_jobs=...)): the vectors as
        # one array, which joblib's process backend memory-maps rather than copying into
        # every task, and the embedder's settings without its loaded model: a worker
        # loads the model (from its local files, once per process) only when a pipeline
        # meets a text that is not embedded yet.
        texts = list(self.vectors)
        embedder = self.embedder
        if embedder is not None:
            embedder = clone(embedder)
        return {"embedder": embedder, "batch_size": self.batch_size, "texts": texts,
                "matrix": np.stack([self.vectors[t] for t in texts]) if texts else None,
                "seconds": self.seconds}

    def __setstate__(self, state):
        self.embedder = state["embedder"]
        self.batch_size = state["batch_size"]
        self.seconds = state["seconds"]
        matrix = state["matrix"]
        self.vectors = {} if matrix is None else dict(zip(state["texts"], matrix))


class EmbeddingLookup(TransformerMixin, BaseEstimator):
    """Texts (a list or an ``(n, 1)`` array) to their embeddings from an ``EmbeddingStore``."""

    _parameter_constraints = {"store": [HasMethods(["embed"])]}

    def __init__(self, store):
        self.store = store

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return self.store.embed([str(t) for t in np.asarray(X, dtype=object).ravel()])


def augmentation_strategy(y, ratio):
    """Target counts: every class below ``ratio`` x the majority is filled up to it."""
    classes, counts = np.unique(y, return_counts=True)
    target = int(math.ceil(ratio * counts.max()))
    return {python_scalar(c): max(int(n), target) for c, n in zip(classes, counts)
            if n < target}


def tuning_scorer(rank_by, minority, binary):
    """The scorer threshold tuning maximises: the ranking metric when labels decide it."""
    if rank_by == "macro_f1":
        return "f1_macro", None
    if rank_by == "balanced_accuracy":
        return "balanced_accuracy", None
    if rank_by == "minority_f1":
        if binary:
            return make_scorer(f1_score, pos_label=minority), None
        return make_scorer(f1_score, labels=[minority], average="macro"), None
    note = None
    if rank_by != "mcc":
        note = _NOT_TUNED_BY_THRESHOLD.format(name=RANK_METRICS[rank_by][0])
    return "matthews_corrcoef", note


class Builder:
    """Builds a fresh estimator for a (technique, training fold) pair of one family."""

    def __init__(self, family, *, random_state, augmenter, augmentation_ratio, tuning,
                 minority, binary, store=None, columns=None, text_model=None):
        self.family = family
        self.random_state = random_state
        self.augmenter = augmenter
        self.augmentation_ratio = augmentation_ratio
        self.scoring, _ = tuning
        self.minority = minority
        self.binary = binary
        self.store = store
        self.columns = columns
        self.text_model = text_model or {}

    def isolated(self):
        """This builder with a fork of its embedding store (:meth:`EmbeddingStore.fork`)."""
        if self.store is None:
            return self
        twin = copy.copy(self)
        twin.store = self.store.fork()
        return twin

    # -- what cannot apply
    def not_applicable(self):
        return {name: technique.not_applicable[self.family]
                for name, technique in REGISTRY.items()
                if self.family in technique.not_applicable}

    def describe(self):
        if self.family == "embeddings":
            return "frozen transformer embeddings + LogisticRegression / FocalLossClassifier"
        if self.family == "finetune":
            return "fine-tuned TransformerClassifier"
        return "ColumnTransformer + LogisticRegression / FocalLossClassifier"

    # -- pieces, shared by the techniques' build functions
    def head(self, class_weight=None):
        if self.family == "finetune":
            return self._transformer(class_weight=class_weight)
        return LogisticRegression(max_iter=2000, class_weight=class_weight)

    def _transformer(self, **params):
        from ..text import TransformerClassifier

        return TransformerClassifier(random_state=self.random_state,
                                     **{**self.text_model, **params})

    def focal(self):
        if self.family == "finetune":
            return self._transformer(loss="focal", class_weight="balanced")
        from sklearn.preprocessing import StandardScaler

        from ..neural import FocalLossClassifier

        return [StandardScaler(), FocalLossClassifier(
            class_weight="balanced", max_epochs=30, random_state=self.random_state)]

    def front(self):
        """Steps that turn the raw input into features (without a store: a real
        ``TransformerEmbedder``, for an estimator that embeds new texts itself)."""
        if self.family == "embeddings":
            if self.store is None:
                from ..text import TransformerEmbedder

                return [TransformerEmbedder(
                    self.text_model.get("model"), model_kwargs=self.text_model.get(
                        "model_kwargs"), device=self.text_model.get("device", "auto"))]
            return [EmbeddingLookup(self.store)]
        if self.family == "tabular":
            return [tabular_encoder(*self.columns)]
        return []

    def pipeline(self, *steps):
        from imblearn.pipeline import make_pipeline

        flat = []
        for step in steps:
            flat += step if isinstance(step, list) else [step]
        return flat[0] if len(flat) == 1 else make_pipeline(*flat)

    def resampled(self, sampler):
        """The features, ``sampler`` (resampling the training fold only), the head."""
        return self.pipeline(self.front(), sampler, self.head())

    def tuned(self, estimator, y_train, *, expensive=False):
        """``estimator`` in a threshold tuner: 3 inner folds, or one inner split (25%) for
        expensive fits (fine-tuning, focal loss, augmentation): two fits per fold."""
        from ..threshold import ThresholdTunedClassifier

        counts = np.unique(y_train, return_counts=True)[1]
        if self.family == "finetune" or expensive:
            cv = 0.25
        else:
            cv = int(min(3, counts.min()))
            if cv < 2:
                raise DataError("threshold tuning needs 2 examples of each class per fold")
        return ThresholdTunedClassifier(
            estimator, scoring=self.scoring, cv=cv,
            pos_label=self.minority if self.binary else None,
            random_state=self.random_state,
        )

    def build(self, name, y_train):
        """A fresh, unfitted estimator for ``name`` on the training fold ``y_train``."""
        technique = REGISTRY.get(name)
        if technique is None or technique.build is None:
            raise ValueError(f"unknown technique {name!r}" if technique is None else
                             f"{name!r} is built around a base technique: use combination")
        return technique.build(self, y_train)

    def combination(self, base, y_train):
        """``best_combination`` on ``base``: that technique wrapped in threshold tuning."""
        return self.tuned(self.build(base, y_train), y_train,
                          expensive=REGISTRY[base].expensive)


def tabular_encoder(numeric, categorical):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)), categorical),
    ])


def text_model_settings(spec):
    """The transformer settings (``model``, ``model_kwargs``, ``device``, ``max_epochs``
    when set) of a comparison's ``info["build"]``."""
    settings = {"model": spec["model_path"], "model_kwargs": spec["model_kwargs"],
                "device": spec["device"]}
    if spec["max_epochs"] is not None:
        settings["max_epochs"] = spec["max_epochs"]
    return settings


def build_deployable(technique, info, rank_by, classes, minority, augmenter):
    """An unfitted estimator for ``technique`` that reads raw input (see
    :meth:`ComparisonResult.make_estimator`)."""
    from imblearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    spec = info.get("build")
    if spec is None:
        raise ValueError("This result has no build information (it was saved by an older "
                         "version); run compare_techniques again.")
    family = info["family"]
    if family == "tabular":
        columns = (info["columns"]["numeric"], info["columns"]["categorical"])
        adapter = FunctionTransformer(as_frame)
    else:
        columns = None
        adapter = FunctionTransformer(as_text_column)
    binary = len(classes) == 2
    builder = Builder(
        family, random_state=spec["seed"], augmenter=augmenter,
        augmentation_ratio=spec["augmentation_ratio"],
        tuning=tuning_scorer(rank_by, minority, binary), minority=minority, binary=binary,
        columns=columns, text_model=text_model_settings(spec))
    # The builders read only the class counts of the training labels.
    counts = [info["class_counts"][str(c)] for c in classes]
    y_counts = np.repeat(np.arange(len(counts)), counts)
    if technique == "best_combination":
        estimator = builder.combination(info["combination_base"], y_counts)
    else:
        estimator = builder.build(technique, y_counts)
    return make_pipeline(adapter, estimator)
