"""Text estimators on Hugging Face transformers, offline: embedder and fine-tuned classifier."""

from ._classifier import TransformerClassifier
from ._embedder import TransformerEmbedder

__all__ = ["TransformerClassifier", "TransformerEmbedder"]
