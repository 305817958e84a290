"""The playbook's techniques compose in imbalanced-learn Pipelines, resampling training folds only.

Each pipeline runs inside ``cross_validate`` and ``GridSearchCV``. A row-counting step in
front of the final estimator records how many rows it saw when fitted and when predicting:
the sampler must change the first (training folds) and never the second (test folds).
"""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from sklearn_imbal import FocalLossClassifier, ThresholdTunedClassifier
from sklearn_imbal.sampling import TextAugmentationSampler
from sklearn_imbal.text import TransformerEmbedder


class RowCounter(TransformerMixin, BaseEstimator):
    """Identity step recording the rows it is fitted on and asked to transform."""

    def fit(self, X, y=None):
        self.n_fit_rows_ = len(X)
        self.fit_classes_, self.fit_counts_ = np.unique(y, return_counts=True)
        self.transform_rows_ = []
        return self

    def transform(self, X):
        self.transform_rows_.append(len(X))
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


def texts_and_labels(n=240, minority=0.1, seed=0):
    rng = np.random.RandomState(seed)
    calm = ["thanks", "works", "great", "fine", "quick", "helpful", "order", "delivery"]
    angry = ["refund", "broken", "never", "worst", "angry", "cancel", "order", "delivery"]
    texts, y = [], []
    for _ in range(n):
        is_angry = rng.rand() < minority
        words = rng.choice(angry if is_angry else calm, size=6)
        texts.append(" ".join(words))
        y.append("angry" if is_angry else "calm")
    return texts, np.array(y)


CV = StratifiedKFold(3, shuffle=True, random_state=0)


def _check_training_folds_only(result, n_samples, balanced):
    for estimator, test_idx in zip(result["estimator"], result["indices"]["test"]):
        counter = estimator.named_steps["rowcounter"]
        n_train = n_samples - len(test_idx)
        assert counter.n_fit_rows_ != n_train, "the sampler did not resample the fold"
        if balanced:
            assert counter.fit_counts_[0] == counter.fit_counts_[1]
        assert counter.transform_rows_[-1] == len(test_idx), "test rows were resampled"


def test_embeddings_smote_logistic_regression(tiny_bert_path):
    texts, y = texts_and_labels()
    pipe = make_pipeline(
        TransformerEmbedder(model=tiny_bert_path), SMOTE(k_neighbors=3, random_state=0),
        RowCounter(), LogisticRegression(max_iter=1000),
    )
    result = cross_validate(pipe, texts, y, cv=CV, scoring="f1_macro",
                            return_estimator=True, return_indices=True)
    _check_training_folds_only(result, len(y), balanced=True)
    assert np.all(result["test_score"] > 0.5)
    search = GridSearchCV(pipe, {"logisticregression__C": [0.1, 10.0]}, cv=CV,
                          scoring="f1_macro").fit(texts, y)
    assert set(search.predict(texts[:20])) <= {"angry", "calm"}


def test_undersampling_before_focal_loss_classifier():
    X, y = make_classification(n_samples=900, weights=[0.9], random_state=0)
    pipe = make_pipeline(
        StandardScaler(), RandomUnderSampler(random_state=0), RowCounter(),
        FocalLossClassifier(hidden_layer_sizes=(16,), max_epochs=40, lr=1e-2, random_state=0),
    )
    result = cross_validate(pipe, X, y, cv=CV, scoring="recall",
                            return_estimator=True, return_indices=True)
    _check_training_folds_only(result, len(y), balanced=True)
    for estimator in result["estimator"]:
        batches = estimator[-1].net_.history[-1, "batches"]
        assert sum(b["train_batch_size"] for b in batches) == estimator[-2].n_fit_rows_
    assert result["test_score"].mean() > 0.6
    search = GridSearchCV(pipe, {"focallossclassifier__gamma": [0.0, 2.0]}, cv=CV,
                          scoring="f1").fit(X, y)
    assert search.best_params_["focallossclassifier__gamma"] in (0.0, 2.0)


def test_text_augmentation_before_a_text_model_with_threshold_tuning():
    texts, y = texts_and_labels(seed=1)
    pipe = make_pipeline(
        TextAugmentationSampler(random_state=0), RowCounter(), TfidfVectorizer(),
        ThresholdTunedClassifier(LogisticRegression(), pos_label="angry", cv=3),
    )
    result = cross_validate(pipe, texts, y, cv=CV, scoring="f1_macro",
                            return_estimator=True, return_indices=True)
    _check_training_folds_only(result, len(y), balanced=True)
    for estimator, test_idx in zip(result["estimator"], result["indices"]["test"]):
        sampler = estimator.named_steps["textaugmentationsampler"]
        n_train = len(y) - len(test_idx)
        n_seen = estimator.named_steps["rowcounter"].n_fit_rows_
        assert sampler.is_synthetic_.sum() == n_seen - n_train > 0
    search = GridSearchCV(
        pipe, {"textaugmentationsampler__sampling_strategy": [0.5, 1.0]}, cv=CV,
        scoring="f1_macro",
    ).fit(texts, y)
    assert search.best_estimator_.predict(texts[:10]).shape == (10,)


@pytest.mark.parametrize("strategy", [0.5, 1.0])
def test_sampling_strategy_reaches_the_training_fold(strategy):
    texts, y = texts_and_labels(seed=2)
    pipe = make_pipeline(TextAugmentationSampler(sampling_strategy=strategy, random_state=0),
                         RowCounter(), TfidfVectorizer(), LogisticRegression())
    result = cross_validate(pipe, texts, y, cv=CV, return_estimator=True,
                            return_indices=True)
    for estimator in result["estimator"]:
        counts = dict(zip(estimator[1].fit_classes_, estimator[1].fit_counts_))
        assert counts["angry"] == int(strategy * counts["calm"])
