"""The techniques of a comparison and how each is built for a training fold."""

import math
import time
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.utils._param_validation import HasMethods

from ..utils._validation import python_scalar
from ._checks import RANK_METRICS, DataError, as_frame, as_text_column

__all__ = ["LABELS", "TECHNIQUES"]

TECHNIQUES = (
    "baseline", "class_weight", "random_oversampling", "smote", "random_undersampling",
    "focal_loss", "augmentation", "threshold", "best_combination",
)


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


# Techniques whose threshold tuning uses one inner split rather than 3 inner folds.
EXPENSIVE = ("focal_loss", "augmentation")


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

    def __deepcopy__(self, memo):
        return self


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

    # -- what cannot apply
    def not_applicable(self):
        reasons = {}
        if self.family == "tabular":
            reasons["augmentation"] = (
                "text only: it writes new minority texts; tabular rows get random "
                "oversampling and SMOTE instead"
            )
        if self.family == "finetune":
            reasons["smote"] = (
                "SMOTE interpolates feature vectors; fine-tuning reads raw text, where "
                "there is nothing to interpolate (use the embeddings model for SMOTE)"
            )
        return reasons

    def describe(self):
        if self.family == "embeddings":
            return "frozen transformer embeddings + LogisticRegression / FocalLossClassifier"
        if self.family == "finetune":
            return "fine-tuned TransformerClassifier"
        return "ColumnTransformer + LogisticRegression / FocalLossClassifier"

    # -- pieces
    def _head(self, class_weight=None):
        if self.family == "finetune":
            return self._transformer(class_weight=class_weight)
        return LogisticRegression(max_iter=2000, class_weight=class_weight)

    def _transformer(self, **params):
        from ..text import TransformerClassifier

        return TransformerClassifier(random_state=self.random_state,
                                     **{**self.text_model, **params})

    def _focal(self):
        if self.family == "finetune":
            return self._transformer(loss="focal", class_weight="balanced")
        from sklearn.preprocessing import StandardScaler

        from ..neural import FocalLossClassifier

        return [StandardScaler(), FocalLossClassifier(
            class_weight="balanced", max_epochs=30, random_state=self.random_state)]

    def _front(self):
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

    def _pipeline(self, *steps):
        from imblearn.pipeline import make_pipeline

        flat = []
        for step in steps:
            flat += step if isinstance(step, list) else [step]
        return flat[0] if len(flat) == 1 else make_pipeline(*flat)

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
        from imblearn.over_sampling import SMOTE, RandomOverSampler
        from imblearn.under_sampling import RandomUnderSampler

        from ..sampling import TextAugmentationSampler, WordAugmenter

        rs = self.random_state
        front = self._front()
        if name == "baseline":
            return self._pipeline(front, self._head())
        if name == "class_weight":
            return self._pipeline(front, self._head(class_weight="balanced"))
        if name == "random_oversampling":
            return self._pipeline(front, RandomOverSampler(random_state=rs), self._head())
        if name == "random_undersampling":
            return self._pipeline(front, RandomUnderSampler(random_state=rs), self._head())
        if name == "smote":
            smallest = int(np.unique(y_train, return_counts=True)[1].min())
            if smallest < 2:
                raise DataError("SMOTE needs 2 examples of each class per training fold")
            smote = SMOTE(k_neighbors=min(5, smallest - 1), random_state=rs)
            return self._pipeline(front, smote, self._head())
        if name == "focal_loss":
            return self._pipeline(front, self._focal())
        if name == "augmentation":
            augmenter = self.augmenter if self.augmenter is not None else WordAugmenter(
                random_state=rs)
            sampler = TextAugmentationSampler(
                augmenter, random_state=rs,
                sampling_strategy=partial(augmentation_strategy, ratio=self.augmentation_ratio),
            )
            return self._pipeline(sampler, front, self._head())
        if name == "threshold":
            return self.tuned(self.build("baseline", y_train), y_train)
        raise ValueError(f"unknown technique {name!r}")


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
        base = info["combination_base"]
        estimator = builder.tuned(builder.build(base, y_counts), y_counts,
                                  expensive=base in EXPENSIVE)
    else:
        estimator = builder.build(technique, y_counts)
    return make_pipeline(adapter, estimator)
