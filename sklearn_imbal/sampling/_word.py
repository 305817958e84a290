"""WordAugmenter: offline word-level edits of real minority texts (EDA-style)."""

from numbers import Real

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
)

from ..utils._text import validate_texts
from ._base import AugmenterParams, check_n

__all__ = ["WordAugmenter"]


# How many times WordAugmenter redraws an edit that reproduces an existing text.
_MAX_TRIES = 10


class WordAugmenter(AugmenterParams):
    """Generate texts by word-level random edits of real texts (offline EDA).

    Each new text starts from a real text of the class, drawn at random, split on
    whitespace into words. The edits, in this order:

    - deletion: each word is deleted with probability ``p_delete``, never all of them;
    - swap: about ``p_swap`` of the adjacent word pairs are swapped;
    - insertion: about ``p_insert`` times the number of words, a word drawn from the
      vocabulary of the class (the words of its texts) is inserted at a random place.

    When no edit is drawn, one edit of a kind with a non-zero probability is made,
    so short texts change too. The words are joined with single spaces
    (punctuation stays attached to its word). An edited text equal to a real text
    or to one generated before, up to whitespace, is redrawn up to 10 times, then
    kept: a class of one-word texts cannot avoid duplicates. This is the easy data
    augmentation (EDA) of Wei and Zou (2019) without its synonym operations, so it
    needs no WordNet or other download.

    Parameters
    ----------
    p_swap : float, default=0.1
        Rate of adjacent-word swaps, in ``[0, 1]``.
    p_delete : float, default=0.1
        Probability that each word is deleted, in ``[0, 1]``.
    p_insert : float, default=0.1
        Rate of insertions of in-vocabulary words, per word, in ``[0, 1]``. With all
        three rates at 0 the texts are copied unchanged (random over-sampling).
    random_state : int, RandomState instance or None, default=None
        Seeds the edits when ``generate`` is called without ``random_state``: an int
        gives the same texts on every call.

    See Also
    --------
    LLMAugmenter : Generate texts with a chat model from a few real examples.
    TextAugmentationSampler : Over-sample text classes with an augmenter.

    References
    ----------
    .. [1] J. Wei and K. Zou, "EDA: Easy Data Augmentation Techniques for Boosting
       Performance on Text Classification Tasks", EMNLP-IJCNLP 2019.

    Examples
    --------
    >>> from sklearn_imbal.sampling import WordAugmenter
    >>> texts = ["the parcel never arrived", "my order arrived broken"]
    >>> augmenter = WordAugmenter(p_swap=0.2, p_delete=0.2, p_insert=0.2, random_state=0)
    >>> for text in augmenter.generate(texts, 3):
    ...     print(text)
    arrived parcel arrived order never
    parcel parcel the never arrived
    my order broken arrived
    >>> augmenter.generate(texts, 3) == augmenter.generate(texts, 3)
    True
    """

    _parameter_constraints = {
        "p_swap": [Interval(Real, 0, 1, closed="both")],
        "p_delete": [Interval(Real, 0, 1, closed="both")],
        "p_insert": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, p_swap=0.1, p_delete=0.1, p_insert=0.1, random_state=None):
        self.p_swap = p_swap
        self.p_delete = p_delete
        self.p_insert = p_insert
        self.random_state = random_state

    def generate(self, texts, n, *, label=None, random_state=None):
        """Return ``n`` texts edited from randomly chosen ``texts``.

        Parameters
        ----------
        texts : list of str
            Real texts of one class; their words form the insertion vocabulary.
        n : int
            Number of texts to generate.
        label : object, default=None
            The class of ``texts``; unused (the edits depend on the texts only).
        random_state : int, RandomState instance or None, default=None
            Seeds the edits; ``None`` uses the augmenter's ``random_state``.

        Returns
        -------
        generated : list of str
            ``n`` new texts.
        """
        self._validate_params()
        texts = validate_texts(texts, estimator_name=type(self).__name__, input_name="texts")
        n = check_n(n)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        sources = [text.split() for text in texts]
        vocabulary = sorted({word for words in sources for word in words})
        seen = {" ".join(words) for words in sources}
        generated = []
        for _ in range(n):
            for _ in range(_MAX_TRIES):
                words = self._edit(sources[rng.randint(len(sources))], vocabulary, rng)
                text = " ".join(words)
                if text not in seen:
                    break
            seen.add(text)
            generated.append(text)
        return generated

    def _edit(self, words, vocabulary, rng):
        words = list(words)
        n_delete = rng.binomial(len(words), self.p_delete)
        n_swap = rng.binomial(len(words) - 1, self.p_swap)
        n_insert = rng.binomial(len(words), self.p_insert)
        if n_delete + n_swap + n_insert == 0:
            kinds = [
                kind
                for kind, p, possible in [
                    ("delete", self.p_delete, len(words) > 1),
                    ("swap", self.p_swap, len(words) > 1),
                    ("insert", self.p_insert, True),
                ]
                if p > 0 and possible
            ]
            if kinds:
                kind = kinds[rng.randint(len(kinds))]
                n_delete, n_swap, n_insert = (
                    int(kind == "delete"), int(kind == "swap"), int(kind == "insert"))
        n_delete = int(min(n_delete, len(words) - 1))
        if n_delete:
            dropped = set(rng.choice(len(words), size=n_delete, replace=False).tolist())
            words = [word for i, word in enumerate(words) if i not in dropped]
        for _ in range(n_swap if len(words) > 1 else 0):
            i = rng.randint(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        for _ in range(n_insert):
            words.insert(rng.randint(len(words) + 1), vocabulary[rng.randint(len(vocabulary))])
        return words
