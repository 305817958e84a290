"""LLMAugmenter: new minority texts from a chat model; replies parsed as JSON only."""

import json
import logging
import os
import re
import time
from numbers import Integral, Real
from urllib.parse import urlsplit

from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
)

from ..utils._text import lone_surrogate, validate_texts
from ..utils._validation import python_scalar
from ._base import AugmenterParams, check_n

__all__ = ["LLMAugmentationError", "LLMAugmenter"]


_LOGGER = logging.getLogger("sklearn_imbal.sampling")


_SYSTEM_PROMPT = (
    "You write new training examples for a text classifier. Reply with a JSON array of "
    "strings and nothing else: no explanations, no numbering, no code."
)


_FENCED = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)


# Statuses worth retrying, as the openai client itself retries them.
_RETRY_STATUSES = {408, 409, 429}

# Shortest piece of the key hidden in messages and looked for in generated texts; a
# shorter key is a placeholder of a server without authentication, not a secret.
_MIN_SECRET = 8


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


class _HiddenKey:
    """An API key shown as ``'***'`` by ``repr``, ``str`` and ``format``.

    ``LLMAugmenter.get_params`` returns the key wrapped in it, so that printed
    parameters and the HTML display of an estimator never show it; two wrappers of
    the same key are equal, and ``clone`` copies it as any parameter value.
    """

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def get_secret_value(self):
        """Return the key itself."""
        return self._value

    def __repr__(self):
        return "'***'"

    def __str__(self):
        return "***"

    def __format__(self, format_spec):
        return format("***", format_spec)

    def __eq__(self, other):
        if not isinstance(other, _HiddenKey):
            return NotImplemented
        return self._value == other._value

    def __hash__(self):
        return hash((_HiddenKey, self._value))

    def __getstate__(self):
        return self._value

    def __setstate__(self, state):
        self._value = state


class LLMAugmenter(AugmenterParams):
    """Generate texts of a class with a chat model, from a few real examples.

    Each request shows the model ``n_shots`` real texts of the class, drawn at
    random, and asks for ``n_per_request`` new ones as a JSON list of strings, through
    the chat-completions endpoint of any OpenAI-compatible server (OpenAI, vLLM,
    llama.cpp, Ollama) with the official ``openai`` client (``pip install openai`` or
    the ``llm`` extra, ``pip install 'sklearn-imbal[llm]'``).

    The reply is parsed with ``json.loads`` only, never evaluated (text that looks
    like code stays text); when the whole reply is not JSON, the content of its first
    Markdown code fence (three backticks, optionally followed by ``json``) is. A
    reply that is not a JSON list of strings (or whose body is not UTF-8 JSON) is
    malformed. Each text is stripped of surrounding whitespace and dropped when it
    is empty, longer than ``max_length`` characters, holds a lone surrogate (from a
    JSON escape such as ``"\\ud800"``: no tokenizer can encode it), holds the API key
    or a piece of it (a server echoing the request), or is an exact duplicate of a
    real text or of a text generated before; ``stats_`` counts the drops.

    A failed attempt (HTTP 408, 409, 429 or 5xx, a timeout, a connection error, a
    malformed reply) is retried after ``backoff * 2 ** k`` seconds, ``k`` being the
    number of consecutive failures before it; after ``max_retries`` consecutive
    failures, or ``max_requests`` requests in one ``generate`` call, or on any other
    HTTP error (400, 401, 404...), :class:`LLMAugmentationError` is raised and no
    text is returned. Each request waits at most ``timeout`` seconds; the client's
    own retries are switched off.

    The key is ``api_key`` or, when it is None, the ``OPENAI_API_KEY`` environment
    variable (servers without authentication accept any non-empty string). It is
    sent as a Bearer header and shown nowhere: ``get_params`` returns it wrapped in
    an object shown as ``'***'`` (so the repr, printed parameters and the HTML
    display of a pipeline hide it, while ``clone`` and ``GridSearchCV`` carry it);
    the key and every piece of it of 8 or more characters are removed from the
    messages of the errors raised here and of the log, and the errors raised here
    do not chain the client's exceptions, which hold the request's headers. A key
    shorter than 8 characters is taken for a placeholder, not searched for. Prefer
    the environment variable: a key passed as ``api_key`` is stored on the object,
    hence in its pickles.

    Parameters
    ----------
    model : str
        Model name as the server knows it, e.g. ``"gpt-4o-mini"`` or
        ``"Qwen/Qwen2.5-7B-Instruct"``.
    base_url : str or None, default=None
        Base URL of the API, an ``http://`` or ``https://`` URL ending in ``/v1``
        for most servers, e.g. ``"http://localhost:8000/v1"`` (vLLM),
        ``"http://localhost:11434/v1"`` (Ollama). None uses the client's default
        (``OPENAI_BASE_URL`` or OpenAI).
    api_key : str or None, default=None
        API key; None reads ``OPENAI_API_KEY``. ``get_params`` returns it wrapped
        (see above), which ``api_key`` accepts too.
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
        ``dropped_too_long``, ``dropped_lone_surrogate``, ``dropped_api_key``,
        ``dropped_duplicate`` and ``malformed_replies``.

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
        "api_key": [str, _HiddenKey, None],
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

    def get_params(self, deep=True):
        """Get the parameters of this augmenter, a str ``api_key`` wrapped.

        As ``AugmenterParams.get_params``, but the key comes wrapped in an object
        shown as ``'***'``, which ``clone``, ``set_params`` and
        ``LLMAugmenter(api_key=...)`` accept in its place.
        """
        params = super().get_params(deep=deep)
        if isinstance(params["api_key"], str):
            params["api_key"] = _HiddenKey(params["api_key"])
        return params

    def _validate_params(self):
        if self.api_key is not None and not isinstance(self.api_key, (str, _HiddenKey)):
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
        ValueError
            When ``base_url`` (or ``OPENAI_BASE_URL``) is not an ``http://`` or
            ``https://`` URL with a host, or there is no API key; nothing is sent.
        LLMAugmentationError
            When the server keeps failing, the request cap is reached before ``n``
            usable texts arrive, or the server rejects the request.
        """
        self._validate_params()
        texts = validate_texts(texts, estimator_name=type(self).__name__, input_name="texts")
        n = check_n(n)
        label = python_scalar(label)
        self.stats_ = dict.fromkeys(
            [
                "requests",
                "retries",
                "parsed",
                "dropped_empty",
                "dropped_too_long",
                "dropped_lone_surrogate",
                "dropped_api_key",
                "dropped_duplicate",
                "malformed_replies",
            ],
            0,
        )
        if self.base_url is not None:
            _check_base_url(self.base_url, f"{type(self).__name__}'s base_url")
        elif os.environ.get("OPENAI_BASE_URL") is not None:
            _check_base_url(
                os.environ["OPENAI_BASE_URL"],
                "The OPENAI_BASE_URL environment variable (read as base_url is None)",
            )
        if n == 0:
            return []
        rng = check_random_state(self.random_state if random_state is None else random_state)
        # Held wrapped, so that no frame of ours shows the key among its locals.
        key = self.api_key
        if key is None:
            key = os.environ.get("OPENAI_API_KEY")
        if not isinstance(key, _HiddenKey):
            key = _HiddenKey(key)
        if not key.get_secret_value():
            raise ValueError(
                f"{type(self).__name__} has no API key: pass api_key or set the "
                "OPENAI_API_KEY environment variable (servers without authentication, "
                "such as a local vLLM or Ollama, accept any non-empty string)."
            )
        redact = _Redactor(key)
        openai = import_openai()
        client, failure = self._client(openai, key, redact)
        if client is None:  # raised here, not in the except clause: no __context__ to leak
            raise LLMAugmentationError(
                f"{type(self).__name__} could not create the OpenAI client: {failure}",
                n_needed=n,
            )
        try:
            return self._generate(client, openai, texts, n, label, rng, redact)
        finally:
            client.close()

    def _client(self, openai, key, redact):
        try:
            client = openai.OpenAI(
                api_key=key.get_secret_value(),
                base_url=self.base_url,
                max_retries=0,
                timeout=self.timeout,
            )
        except openai.OpenAIError as exc:
            return None, redact(exc)
        return client, None

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
            replies, failure, fatal = self._ask(client, openai, messages, redact)
            if fatal is not None:
                raise self._error(label, generated, n, fatal)
            if failure is None:
                failures = 0
                last_failure = None
                stats["parsed"] += len(replies)
                generated += self._clean(replies, seen, redact)[: n - len(generated)]
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

    def _ask(self, client, openai, messages, redact):
        """Send one request: ``(replies, None, None)``, ``(None, failure, None)`` to
        retry, or ``(None, None, reason)`` to give up.

        The outcome is returned, never raised from an ``except`` clause, so that no
        error of ours holds the client's exception (and the request's headers) as
        ``__context__``.
        """
        try:
            completion = client.chat.completions.create(
                model=self.model, messages=messages, temperature=self.temperature
            )
            return _parse_reply(_content(completion), redact), None, None
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            return None, redact(f"{type(exc).__name__}: {exc}"), None
        except openai.APIStatusError as exc:
            failure = redact(f"HTTP {exc.status_code}: {exc}")
            if exc.status_code in _RETRY_STATUSES or exc.status_code >= 500:
                return None, failure, None
            return None, None, f"the server refused the request ({failure})"
        except UnicodeDecodeError as exc:  # the client decodes the body as UTF-8 JSON
            failure = f"the body is not UTF-8 ({exc.reason} at byte {exc.start})"
        except json.JSONDecodeError as exc:
            failure = f"the body is not JSON ({exc.msg} at character {exc.pos})"
        except (openai.APIResponseValidationError, _MalformedReply) as exc:
            failure = redact(exc)
        except openai.OpenAIError as exc:
            return None, None, redact(f"{type(exc).__name__}: {exc}")
        self.stats_["malformed_replies"] += 1
        return None, f"malformed reply: {failure}", None

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

    def _clean(self, replies, seen, redact):
        stats = self.stats_
        kept = []
        for text in replies:
            text = text.strip()
            if not text:
                stats["dropped_empty"] += 1
            elif len(text) > self.max_length:
                stats["dropped_too_long"] += 1
            elif lone_surrogate(text) is not None:  # not encodable: tokenizers fail on it
                stats["dropped_lone_surrogate"] += 1
            elif redact.finds(text):  # the server echoed the key
                stats["dropped_api_key"] += 1
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
    """Replace the key, and every piece of it of ``_MIN_SECRET`` or more
    characters, by ``'***'`` in a message.

    A piece of the key is as secret as the key: a message cut in the middle of the
    key, or a server echoing part of it, must not show it. A key shorter than
    ``_MIN_SECRET`` characters is taken for a placeholder and left alone.
    """

    def __init__(self, key):
        key = key.get_secret_value()
        size = _MIN_SECRET
        self._pieces = {key[i:i + size] for i in range(len(key) - size + 1)}

    def _hits(self, text):
        size = _MIN_SECRET
        return [i for i in range(len(text) - size + 1) if text[i:i + size] in self._pieces]

    def finds(self, text):
        """Whether ``text`` holds a piece of the key."""
        return bool(self._pieces) and bool(self._hits(text))

    def __call__(self, message):
        message = str(message)
        hidden = [False] * len(message)
        for start in self._hits(message):
            hidden[start:start + _MIN_SECRET] = [True] * _MIN_SECRET
        parts = []
        for i, char in enumerate(message):
            if not hidden[i]:
                parts.append(char)
            elif i == 0 or not hidden[i - 1]:
                parts.append("***")
        return "".join(parts)


def import_openai():
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


def _parse_reply(content, redact):
    """The strings of a reply that is a JSON list of strings, maybe in a code fence.

    Only ``json.loads`` reads the reply: nothing in it is ever evaluated.
    """
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        fenced = _FENCED.search(content)
        if fenced is None:
            raise _MalformedReply(f"not JSON: {_preview(content, redact)}") from None
        try:
            value = json.loads(fenced.group(1))
        except json.JSONDecodeError:
            raise _MalformedReply(
                f"not JSON in the code fence: {_preview(content, redact)}"
            ) from None
    if not isinstance(value, list):
        raise _MalformedReply(
            f"a JSON {type(value).__name__}, not a list: {_preview(content, redact)}"
        )
    if not all(isinstance(item, str) for item in value):
        raise _MalformedReply(f"a JSON list holding non-strings: {_preview(content, redact)}")
    return value


def _preview(content, redact, size=80):
    # The key goes before the cut: a key astride it would leave a piece of itself.
    content = " ".join(redact(content).split())
    return repr(content if len(content) <= size else content[:size] + "...")


def _check_base_url(url, name):
    """Raise a ValueError unless ``url`` is an http(s) URL with a host.

    The message names the problem, never the URL, which may hold credentials.
    """
    try:
        parts = urlsplit(url)
        parts.port  # raises on a port that is not a number in range
    except ValueError:
        problem = "is not a valid URL"
    else:
        if url != url.strip():
            problem = "starts or ends with whitespace"
        elif parts.scheme.lower() not in ("http", "https"):
            problem = f"has the scheme {parts.scheme!r}" if parts.scheme else "has no scheme"
        elif not parts.hostname:
            problem = "has no host"
        else:
            return
    raise ValueError(
        f"{name} must be an http:// or https:// URL with a host, e.g. "
        f"'http://localhost:8000/v1'; the one given {problem}."
    )
