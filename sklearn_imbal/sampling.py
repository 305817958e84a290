"""Over-sampling of text classes with generated examples, as imbalanced-learn samplers.

Design
------
:class:`TextAugmentationSampler` is an imbalanced-learn over-sampler
(``BaseOverSampler``, ``_sampling_type = "over-sampling"``): imbalanced-learn's
``fit_resample`` validates ``sampling_strategy``, computes ``sampling_strategy_``
(how many rows each class needs) and converts the output back to the container it
received (list, array, Series, DataFrame); the sampler only checks that ``X`` holds
texts and fills ``_fit_resample``. For every class to over-sample it asks an
*augmenter* for exactly the missing number of new texts, checks what comes back,
and appends it after the untouched original rows. Nothing is appended until every
class has all its texts: an augmenter that fails or returns too few texts raises
and the sampler returns nothing. In an imbalanced-learn ``Pipeline`` samplers act
during ``fit`` only, so validation and test rows are never augmented.

The augmenter protocol
~~~~~~~~~~~~~~~~~~~~~~
An augmenter is any object with a method::

    generate(texts, n, *, label, random_state) -> list of str

that returns ``n`` new texts of the class ``label`` (a Python scalar such as
``"spam"`` or ``1``) from ``texts``, the real texts of that class (a non-empty list
of non-empty ``str``). ``random_state`` is ``None`` or an int seed: the sampler
passes a seed drawn from its own ``random_state`` when it has one, and ``None``
otherwise so that the augmenter's own seed applies. The sampler raises when fewer
than ``n`` texts come back or when one of them is not a non-empty string, and
ignores texts beyond the ``n``-th. Giving the augmenter ``get_params`` and
``set_params`` (as the two augmenters here do) lets ``clone`` and ``GridSearchCV``
reach its parameters, e.g. ``textaugmentationsampler__augmenter__p_delete``.

Two augmenters are provided. They are configuration objects, not estimators (they
have no ``fit``), so they do not subclass ``BaseEstimator``; a small mixin gives them
``get_params``, ``set_params`` and a scikit-learn style repr.

* :class:`WordAugmenter`, the default, works offline with no resources: it edits
  randomly chosen real texts of the class at the word level (adjacent swaps,
  deletions, insertions of words from the class's own vocabulary), in the spirit
  of EDA (Wei and Zou, 2019) without its WordNet synonyms. It retries edits that
  reproduce an existing text.
* :class:`LLMAugmenter` asks a chat model behind any OpenAI-compatible endpoint
  (OpenAI, vLLM, llama.cpp, Ollama) for new texts from a few real ones, through the
  official ``openai`` client, imported lazily (the ``llm`` extra). The reply must
  be a JSON list of strings: it is read with ``json.loads`` only, never evaluated,
  so a reply that looks like code is at most kept as text. Retries (429, 5xx,
  timeouts, connection errors, malformed replies) use an explicit, bounded loop
  with exponential backoff and the client's own retries switched off; the API key
  is masked in the repr and removed from every message this module raises or logs.
"""

import inspect
import json
import logging
import os
import re
import time
from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_consistent_length, column_or_1d, validate_data

from .utils._text import validate_texts
from .utils._torch import draw_seed
from .utils._validation import python_scalar

__all__ = ["LLMAugmentationError", "LLMAugmenter", "TextAugmentationSampler", "WordAugmenter"]

_LOGGER = logging.getLogger(__name__)

# How many times WordAugmenter redraws an edit that reproduces an existing text.
_MAX_TRIES = 10


class _AugmenterParams:
    """``get_params``, ``set_params`` and repr for augmenters (not estimators: no fit).

    ``clone`` rebuilds an object from ``get_params`` and a ``GridSearchCV`` reaches
    nested parameters through them; the repr shows the parameters that differ from
    their defaults, as scikit-learn's does, with ``_secret_params`` masked.
    """

    _secret_params = ()

    @classmethod
    def _get_param_names(cls):
        parameters = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in parameters if p.name != "self")

    def get_params(self, deep=True):
        """Get the parameters of this augmenter.

        Parameters
        ----------
        deep : bool, default=True
            Ignored; augmenters hold no nested estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set the parameters of this augmenter.

        Parameters
        ----------
        **params : dict
            Parameter names mapped to their new values.

        Returns
        -------
        self : object
            The augmenter.
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        parts = []
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if name == "self":
                continue
            value = getattr(self, name)
            default = param.default
            if default is not param.empty and (
                value is default or repr(value) == repr(default)
            ):
                continue
            if name in self._secret_params and value is not None:
                parts.append(f"{name}='***'")
            else:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _validate_params(self):
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}.")
    return int(n)


class WordAugmenter(_AugmenterParams):
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
        n = _check_n(n)
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


class LLMAugmentationError(RuntimeError):
    """A language model did not supply the texts asked of it.

    Raised by :meth:`LLMAugmenter.generate` after its retries or its request cap
    are spent, or on an error that retrying cannot fix (a wrong model name or key).
    The message says how many texts were obtained out of how many needed and why.

    Attributes
    ----------
    n_obtained : int
        Number of usable texts obtained before giving up.
    n_needed : int
        Number of texts asked for.
    """

    def __init__(self, message, *, n_obtained=0, n_needed=0):
        super().__init__(message)
        self.n_obtained = n_obtained
        self.n_needed = n_needed


_SYSTEM_PROMPT = (
    "You write new training examples for a text classifier. Reply with a JSON array of "
    "strings and nothing else: no explanations, no numbering, no code."
)
_FENCED = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
# Statuses worth retrying, as the openai client itself retries them.
_RETRY_STATUSES = {408, 409, 429}


class LLMAugmenter(_AugmenterParams):
    """Generate texts of a class with a chat model, from a few real examples.

    Each request shows the model ``n_shots`` real texts of the class, drawn at
    random, and asks for ``n_per_request`` new ones as a JSON list of strings, through
    the chat-completions endpoint of any OpenAI-compatible server (OpenAI, vLLM,
    llama.cpp, Ollama) with the official ``openai`` client (``pip install openai`` or
    the ``llm`` extra, ``pip install 'sklearn-imbal[llm]'``).

    The reply is parsed with ``json.loads`` only, never evaluated (text that looks
    like code stays text); when the whole reply is not JSON, the content of its first
    Markdown code fence (three backticks, optionally followed by ``json``) is. A
    reply that is not a JSON list of strings is malformed. Each text is stripped of
    surrounding whitespace and dropped when it is empty, longer than ``max_length``
    characters, or an exact duplicate of a real text or of a text generated before;
    ``stats_`` counts the drops.

    A failed attempt (HTTP 408, 409, 429 or 5xx, a timeout, a connection error, a
    malformed reply) is retried after ``backoff * 2 ** k`` seconds, ``k`` being the
    number of consecutive failures before it; after ``max_retries`` consecutive
    failures, or ``max_requests`` requests in one ``generate`` call, or on any other
    HTTP error (400, 401, 404...), :class:`LLMAugmentationError` is raised and no
    text is returned. Each request waits at most ``timeout`` seconds; the client's
    own retries are switched off.

    The key is ``api_key`` or, when it is None, the ``OPENAI_API_KEY`` environment
    variable (servers without authentication accept any non-empty string). It is
    sent as a Bearer header, shown as ``'***'`` in the repr and removed from the
    messages of the errors raised here. Prefer the environment variable: a key
    passed as ``api_key`` is stored on the object, hence in its pickles.

    Parameters
    ----------
    model : str
        Model name as the server knows it, e.g. ``"gpt-4o-mini"`` or
        ``"Qwen/Qwen2.5-7B-Instruct"``.
    base_url : str or None, default=None
        Base URL of the API, ending in ``/v1`` for most servers, e.g.
        ``"http://localhost:8000/v1"`` (vLLM), ``"http://localhost:11434/v1"``
        (Ollama). None uses the client's default (``OPENAI_BASE_URL`` or OpenAI).
    api_key : str or None, default=None
        API key; None reads ``OPENAI_API_KEY``.
    n_shots : int, default=5
        Real texts shown in each request (fewer when the class has fewer).
    n_per_request : int, default=10
        Texts asked for in each request (fewer when fewer are still missing).
    temperature : float, default=0.8
        Sampling temperature, in ``[0, 2]``.
    max_length : int, default=1000
        Longest text kept, in characters.
    max_requests : int, default=20
        Most requests sent by one ``generate`` call, retries included.
    max_retries : int, default=3
        Most consecutive failed attempts retried before giving up.
    timeout : float, default=30.0
        Seconds a request may take.
    backoff : float, default=1.0
        Wait before the first retry, in seconds; doubled after each further failure.
    instructions : str or None, default=None
        Extra guidance added to the system prompt, e.g. what the classes mean or
        the domain of the texts.
    random_state : int, RandomState instance or None, default=None
        Seeds which real texts are shown, when ``generate`` is called without
        ``random_state``. The model's replies are not made reproducible by it.

    Attributes
    ----------
    stats_ : dict
        Counts of the last ``generate`` call: ``requests`` (sent), ``retries``,
        ``parsed`` (strings read from valid replies), ``dropped_empty``,
        ``dropped_too_long``, ``dropped_duplicate`` and ``malformed_replies``.

    See Also
    --------
    WordAugmenter : Offline word-level edits of real texts.
    TextAugmentationSampler : Over-sample text classes with an augmenter.

    Examples
    --------
    >>> from sklearn_imbal.sampling import LLMAugmenter
    >>> augmenter = LLMAugmenter("llama3.1", base_url="http://localhost:11434/v1",
    ...                          api_key="sk-not-shown", n_shots=3)
    >>> augmenter
    LLMAugmenter(model='llama3.1', base_url='http://localhost:11434/v1', api_key='***',
                 n_shots=3)

    ``augmenter.generate(texts, 20, label="refund")`` then returns 20 new texts, and
    ``TextAugmentationSampler(augmenter)`` uses it to over-sample.
    """

    _secret_params = ("api_key",)

    _parameter_constraints = {
        "model": [str],
        "base_url": [str, None],
        "api_key": [str, None],
        "n_shots": [Interval(Integral, 1, None, closed="left")],
        "n_per_request": [Interval(Integral, 1, None, closed="left")],
        "temperature": [Interval(Real, 0, 2, closed="both")],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "max_requests": [Interval(Integral, 1, None, closed="left")],
        "max_retries": [Interval(Integral, 0, None, closed="left")],
        "timeout": [Interval(Real, 0, None, closed="neither")],
        "backoff": [Interval(Real, 0, None, closed="left")],
        "instructions": [str, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        model,
        base_url=None,
        api_key=None,
        *,
        n_shots=5,
        n_per_request=10,
        temperature=0.8,
        max_length=1000,
        max_requests=20,
        max_retries=3,
        timeout=30.0,
        backoff=1.0,
        instructions=None,
        random_state=None,
    ):
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.n_shots = n_shots
        self.n_per_request = n_per_request
        self.temperature = temperature
        self.max_length = max_length
        self.max_requests = max_requests
        self.max_retries = max_retries
        self.timeout = timeout
        self.backoff = backoff
        self.instructions = instructions
        self.random_state = random_state

    def _validate_params(self):
        if self.api_key is not None and not isinstance(self.api_key, str):
            # sklearn's message would print the value, which may hold the key.
            raise InvalidParameterError(
                f"The 'api_key' parameter of {type(self).__name__} must be an instance of "
                f"'str' or None. Got a {type(self.api_key).__name__} instead."
            )
        super()._validate_params()

    def generate(self, texts, n, *, label, random_state=None):
        """Return ``n`` new texts of the class ``label``, written by the model.

        Parameters
        ----------
        texts : list of str
            Real texts of the class, from which the few-shot examples are drawn.
        n : int
            Number of texts to generate.
        label : object
            The class of ``texts``, named in the prompt.
        random_state : int, RandomState instance or None, default=None
            Seeds the choice of examples; ``None`` uses the augmenter's ``random_state``.

        Returns
        -------
        generated : list of str
            ``n`` new texts, each distinct from ``texts`` and from the others.

        Raises
        ------
        LLMAugmentationError
            When the server keeps failing, the request cap is reached before ``n``
            usable texts arrive, or the server rejects the request.
        """
        self._validate_params()
        texts = validate_texts(texts, estimator_name=type(self).__name__, input_name="texts")
        n = _check_n(n)
        label = python_scalar(label)
        self.stats_ = dict.fromkeys(
            [
                "requests",
                "retries",
                "parsed",
                "dropped_empty",
                "dropped_too_long",
                "dropped_duplicate",
                "malformed_replies",
            ],
            0,
        )
        if n == 0:
            return []
        rng = check_random_state(self.random_state if random_state is None else random_state)
        key = self.api_key if self.api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not key:
            raise ValueError(
                f"{type(self).__name__} has no API key: pass api_key or set the "
                "OPENAI_API_KEY environment variable (servers without authentication, "
                "such as a local vLLM or Ollama, accept any non-empty string)."
            )
        redact = _Redactor(key)
        openai = _import_openai()
        try:
            client = openai.OpenAI(
                api_key=key, base_url=self.base_url, max_retries=0, timeout=self.timeout
            )
        except openai.OpenAIError as exc:
            raise LLMAugmentationError(
                f"{type(self).__name__} could not create the OpenAI client: {redact(exc)}",
                n_needed=n,
            ) from None
        try:
            return self._generate(client, openai, texts, n, label, rng, redact)
        finally:
            client.close()

    def _generate(self, client, openai, texts, n, label, rng, redact):
        stats = self.stats_
        seen = {text.strip() for text in texts}
        generated = []
        failures = 0
        last_failure = None
        while len(generated) < n:
            if stats["requests"] >= self.max_requests:
                reason = f"the cap of max_requests={self.max_requests} requests was reached"
                if last_failure:
                    reason += f" (last failure: {last_failure})"
                raise self._error(label, generated, n, reason)
            if failures:
                wait = self.backoff * 2 ** (failures - 1)
                _LOGGER.info(
                    "%s: attempt failed (%s); retry %d of %d in %.3g s",
                    type(self).__name__, last_failure, failures, self.max_retries, wait,
                )
                time.sleep(wait)
                stats["retries"] += 1
            n_ask = min(self.n_per_request, n - len(generated))
            messages = self._messages(texts, n_ask, label, rng)
            stats["requests"] += 1
            try:
                completion = client.chat.completions.create(
                    model=self.model, messages=messages, temperature=self.temperature
                )
                replies = _parse_reply(_content(completion))
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                failure = redact(f"{type(exc).__name__}: {exc}")
            except openai.APIStatusError as exc:
                failure = redact(f"HTTP {exc.status_code}: {exc}")
                if exc.status_code not in _RETRY_STATUSES and exc.status_code < 500:
                    raise self._error(
                        label, generated, n, f"the server refused the request ({failure})"
                    ) from None
            except openai.APIResponseValidationError as exc:
                stats["malformed_replies"] += 1
                failure = redact(f"malformed reply: {exc}")
            except _MalformedReply as exc:
                stats["malformed_replies"] += 1
                failure = redact(f"malformed reply: {exc}")
            except openai.OpenAIError as exc:
                raise self._error(
                    label, generated, n, redact(f"{type(exc).__name__}: {exc}")
                ) from None
            else:
                failures = 0
                last_failure = None
                stats["parsed"] += len(replies)
                generated += self._clean(replies, seen)[: n - len(generated)]
                continue
            failures += 1
            last_failure = failure
            if failures > self.max_retries:
                raise self._error(
                    label,
                    generated,
                    n,
                    f"{failures} consecutive attempts failed (max_retries={self.max_retries}); "
                    f"last failure: {failure}",
                )
        return generated

    def _messages(self, texts, n_ask, label, rng):
        n_shots = min(self.n_shots, len(texts))
        shots = [texts[i] for i in rng.choice(len(texts), size=n_shots, replace=False)]
        system = _SYSTEM_PROMPT
        if self.instructions:
            system += "\n\n" + self.instructions
        user = (
            f"Here are {n_shots} examples of texts of the class {label!r}:\n"
            f"{json.dumps(shots, ensure_ascii=False, indent=1)}\n\n"
            f"Write {n_ask} new texts of the class {label!r}, similar to the examples in "
            "topic, style, language and length, but different from them and from each "
            f"other. Reply with only a JSON array of {n_ask} strings."
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _clean(self, replies, seen):
        stats = self.stats_
        kept = []
        for text in replies:
            text = text.strip()
            if not text:
                stats["dropped_empty"] += 1
            elif len(text) > self.max_length:
                stats["dropped_too_long"] += 1
            elif text in seen:
                stats["dropped_duplicate"] += 1
            else:
                seen.add(text)
                kept.append(text)
        return kept

    def _error(self, label, generated, n, reason):
        return LLMAugmentationError(
            f"{type(self).__name__} obtained {len(generated)} of the {n} texts needed for "
            f"the class {label!r} after {self.stats_['requests']} request(s): {reason}. "
            "No text was returned.",
            n_obtained=len(generated),
            n_needed=n,
        )


class _MalformedReply(ValueError):
    """A reply that is not a JSON list of strings."""


class _Redactor:
    """Replace a secret by ``'***'`` in a message."""

    def __init__(self, secret):
        self.secret = secret

    def __call__(self, message):
        return str(message).replace(self.secret, "***")


def _import_openai():
    try:
        import openai
    except ImportError as exc:
        raise ImportError(
            "LLMAugmenter needs the official openai client: pip install openai, or "
            "pip install 'sklearn-imbal[llm]'."
        ) from exc
    return openai


def _content(completion):
    try:
        content = completion.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as exc:
        raise _MalformedReply("the response holds no choices[0].message.content") from exc
    if not isinstance(content, str):
        raise _MalformedReply("the message has no text content")
    return content


def _parse_reply(content):
    """The strings of a reply that is a JSON list of strings, maybe in a code fence.

    Only ``json.loads`` reads the reply: nothing in it is ever evaluated.
    """
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        fenced = _FENCED.search(content)
        if fenced is None:
            raise _MalformedReply(f"not JSON: {_preview(content)}") from None
        try:
            value = json.loads(fenced.group(1))
        except json.JSONDecodeError:
            raise _MalformedReply(f"not JSON in the code fence: {_preview(content)}") from None
    if not isinstance(value, list):
        raise _MalformedReply(f"a JSON {type(value).__name__}, not a list: {_preview(content)}")
    if not all(isinstance(item, str) for item in value):
        raise _MalformedReply(f"a JSON list holding non-strings: {_preview(content)}")
    return value


def _preview(content, size=80):
    content = " ".join(content.split())
    return repr(content if len(content) <= size else content[:size] + "...")


class TextAugmentationSampler(BaseOverSampler):
    """Over-sample text classes with new texts made by an augmenter.

    For each class to over-sample, as ``sampling_strategy`` sets, the augmenter
    writes the missing number of new texts from the class's real texts; they are
    appended after the original rows, which come first, unchanged and in order.
    ``augmenter`` is None for the offline :class:`WordAugmenter`, an
    :class:`LLMAugmenter`, or any object with a method
    ``generate(texts, n, *, label, random_state) -> list of str`` returning ``n`` new
    texts of the class ``label`` from its real ``texts`` (see the module docstring).
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
