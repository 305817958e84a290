"""Over-sampling of text classes with generated examples, as imbalanced-learn samplers."""

from ._llm import LLMAugmentationError, LLMAugmenter
from ._sampler import TextAugmentationSampler
from ._word import WordAugmenter

__all__ = ["LLMAugmentationError", "LLMAugmenter", "TextAugmentationSampler", "WordAugmenter"]
