"""Tests of the text samplers and augmenters of sklearn_imbal.sampling.

LLMAugmenter talks to a real HTTP server on 127.0.0.1 (``_llm_server.py``, stdlib
``ThreadingHTTPServer``) through the real ``openai`` client; each test scripts the
server's replies and reads back the requests it received. Every request has a client
timeout of a few seconds at most, so no test can hang on the network.
"""

import itertools
import logging
import re
import sys
import time
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_imbal.sampling import (
    LLMAugmentationError,
    LLMAugmenter,
    TextAugmentationSampler,
    WordAugmenter,
)

from ._llm_server import API_KEY, MODEL, error, make_llm, ok

pytest.importorskip("openai")

REFUND = [
    "i want my money back for the broken kettle",
    "please refund the order that never arrived",
    "the charge was wrong and i need a refund",
    "return the damaged chair and refund my card",
]
OTHER = [
    "what time does the shop open on sunday",
    "can i change the delivery address of my parcel",
    "do you sell gift cards in the store",
    "how long is the warranty on a laptop",
    "is the blue jacket available in medium",
    "where can i find the user manual",
    "does the hotel have free parking",
    "can i pay with a bank transfer",
    "the app shows my order history correctly",
    "thanks for the quick answer yesterday",
    "i would like to subscribe to the newsletter",
    "which stores are open late on friday",
]


def unique_texts(request):
    """A default reply: as many fresh texts as the prompt asks for."""
    asked = int(re.search(r"Reply with only a JSON array of (\d+) strings", str(request)).group(1))
    return ok([f"synthetic{next(_FRESH)} refund request for a faulty item" for _ in range(asked)])


_FRESH = itertools.count()


# ------------------------------------------------------------------------ LLMAugmenter


def test_llm_generate_sends_few_shot_prompt_and_parses_reply(llm_server):
    new = ["refund my broken toaster please", "i was charged twice, refund one"]
    llm_server.script.append(ok(new))
    augmenter = make_llm(llm_server, n_shots=3, temperature=0.3)

    assert augmenter.generate(REFUND, 2, label="refund") == new

    (request,) = llm_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {API_KEY}"
    body = request["body"]
    assert body["model"] == MODEL
    assert body["temperature"] == 0.3
    prompt = llm_server.prompts()[0]
    assert "'refund'" in prompt and "JSON array of 2 strings" in prompt
    assert sum(text in prompt for text in REFUND) == 3
    assert augmenter.stats_ == {
        "requests": 1,
        "retries": 0,
        "parsed": 2,
        "dropped_empty": 0,
        "dropped_too_long": 0,
        "dropped_lone_surrogate": 0,
        "dropped_api_key": 0,
        "dropped_duplicate": 0,
        "malformed_replies": 0,
    }


@pytest.mark.parametrize(
    "content",
    [
        '```json\n["new refund text one", "new refund text two"]\n```',
        '```\n["new refund text one", "new refund text two"]\n```',
        'Here they are:\n```json\n["new refund text one", "new refund text two"]\n```\nBye',
    ],
)
def test_llm_strips_code_fences(llm_server, content):
    llm_server.script.append(ok(content))
    texts = make_llm(llm_server).generate(REFUND, 2, label="refund")
    assert texts == ["new refund text one", "new refund text two"]


def test_llm_retries_malformed_replies(llm_server):
    llm_server.script.extend(
        [
            ok('["unterminated'),
            ok('{"texts": ["an object, not a list"]}'),
            ok('[1, "a list with a number"]'),
            ok("['a Python list literal', 'is not JSON']"),
            ok(["finally a valid reply"]),
        ]
    )
    augmenter = make_llm(llm_server, max_retries=4)
    assert augmenter.generate(REFUND, 1, label="refund") == ["finally a valid reply"]
    assert augmenter.stats_["malformed_replies"] == 4
    assert augmenter.stats_["retries"] == 4
    assert augmenter.stats_["requests"] == len(llm_server.requests) == 5


def test_llm_replies_that_look_like_code_stay_inert(llm_server, tmp_path):
    target = tmp_path / "pwned"
    code = f"__import__('os').system('touch {target}')"
    llm_server.script.extend(
        [
            ok(code),  # not JSON: malformed, never evaluated
            ok(f"[{code}]"),
            ok([code, f"eval(\"open('{target}', 'w')\")", "a normal refund request"]),
        ]
    )
    augmenter = make_llm(llm_server, max_retries=3)
    texts = augmenter.generate(REFUND, 3, label="refund")

    assert not target.exists()
    assert texts == [code, f"eval(\"open('{target}', 'w')\")", "a normal refund request"]
    assert augmenter.stats_["malformed_replies"] == 2


def test_llm_cleans_replies(llm_server):
    llm_server.script.append(
        ok(["", "   ", "x" * 51, REFUND[0], f"  {REFUND[1]}  ", "new one", "new one", " pad "])
    )
    augmenter = make_llm(llm_server, max_length=50)
    assert augmenter.generate(REFUND, 2, label="refund") == ["new one", "pad"]
    stats = augmenter.stats_
    assert stats["parsed"] == 8
    assert stats["dropped_empty"] == 2
    assert stats["dropped_too_long"] == 1
    assert stats["dropped_duplicate"] == 3


def test_llm_keeps_asking_until_enough_texts(llm_server):
    llm_server.default = unique_texts
    augmenter = make_llm(llm_server, n_per_request=4)
    texts = augmenter.generate(REFUND, 10, label="refund")
    assert len(texts) == len(set(texts)) == 10
    asked = [re.search(r"array of (\d+) strings", p).group(1) for p in llm_server.prompts()]
    assert asked == ["4", "4", "2"]


def test_llm_retries_429_with_backoff(llm_server):
    llm_server.script.extend([error(429, "slow down"), ok(["a fresh refund text"])])
    augmenter = make_llm(llm_server, backoff=0.05)
    assert augmenter.generate(REFUND, 1, label="refund") == ["a fresh refund text"]
    first, second = llm_server.requests
    assert second["time"] - first["time"] >= 0.05
    assert augmenter.stats_["retries"] == 1
    assert augmenter.stats_["requests"] == 2


def test_llm_backoff_doubles(llm_server):
    llm_server.script.extend([error(503), error(502), error(500), ok(["recovered text"])])
    augmenter = make_llm(llm_server, backoff=0.04, max_retries=3)
    assert augmenter.generate(REFUND, 1, label="refund") == ["recovered text"]
    times = [request["time"] for request in llm_server.requests]
    gaps = np.diff(times)
    assert gaps[0] >= 0.04 and gaps[1] >= 0.08 and gaps[2] >= 0.16


def test_llm_persistent_500_raises_after_max_retries(llm_server):
    llm_server.default = lambda request: error(500, "the model crashed")
    augmenter = make_llm(llm_server, max_retries=2)
    with pytest.raises(LLMAugmentationError, match="obtained 0 of the 4 texts") as exc_info:
        augmenter.generate(REFUND, 4, label="refund")
    assert len(llm_server.requests) == 3
    message = str(exc_info.value)
    assert "3 consecutive attempts failed" in message and "HTTP 500" in message
    assert exc_info.value.n_obtained == 0 and exc_info.value.n_needed == 4
    assert exc_info.value.__cause__ is None  # the client's exception holds the request
    assert API_KEY not in message


def test_llm_error_says_how_many_texts_were_obtained(llm_server):
    llm_server.script.extend([ok(["one good text", "another good text"])])
    llm_server.default = lambda request: error(500)
    augmenter = make_llm(llm_server, n_per_request=2, max_retries=1)
    with pytest.raises(LLMAugmentationError, match="obtained 2 of the 5 texts") as exc_info:
        augmenter.generate(REFUND, 5, label="refund")
    assert exc_info.value.n_obtained == 2


def test_llm_request_cap(llm_server):
    # Valid replies that only repeat the real texts: never enough, so the cap stops it.
    llm_server.default = lambda request: ok(REFUND[:2])
    augmenter = make_llm(llm_server, max_requests=3)
    with pytest.raises(LLMAugmentationError, match="max_requests=3"):
        augmenter.generate(REFUND, 2, label="refund")
    assert len(llm_server.requests) == 3
    assert augmenter.stats_["dropped_duplicate"] == 6


def test_llm_malformed_replies_are_bounded(llm_server):
    llm_server.default = lambda request: ok("not json at all")
    augmenter = make_llm(llm_server, max_retries=100, max_requests=4)
    with pytest.raises(LLMAugmentationError, match="max_requests=4.*malformed reply"):
        augmenter.generate(REFUND, 1, label="refund")
    assert len(llm_server.requests) == 4
    assert augmenter.stats_["malformed_replies"] == 4


def test_llm_timeout_is_retried_then_raises_quickly(llm_server):
    llm_server.default = lambda request: ok(["too late"], delay=3.0)
    augmenter = make_llm(llm_server, timeout=0.2, max_retries=1)
    start = time.monotonic()
    with pytest.raises(LLMAugmentationError, match="APITimeoutError"):
        augmenter.generate(REFUND, 1, label="refund")
    assert time.monotonic() - start < 2.0
    assert len(llm_server.requests) == 2


def test_llm_client_error_is_not_retried_and_key_is_redacted(llm_server, caplog):
    # A server that echoes the Authorization header into its error message.
    llm_server.default = lambda request: error(
        401, f"bad key {request['headers']['authorization']}"
    )
    augmenter = make_llm(llm_server)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LLMAugmentationError, match="HTTP 401") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    assert len(llm_server.requests) == 1
    assert "bad key Bearer ***" in str(exc_info.value)
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in caplog.text


def test_llm_api_key_never_shown(llm_server, caplog):
    llm_server.script.extend([error(429), ok(["a refund text"])])
    augmenter = make_llm(llm_server)
    caplog.set_level(logging.DEBUG)
    augmenter.generate(REFUND, 1, label="refund")
    assert "retry 1 of 2" in caplog.text  # the retry was logged, and captured here
    assert llm_server.requests[0]["headers"]["authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(augmenter)
    assert "api_key='***'" in repr(augmenter)
    sampler = TextAugmentationSampler(augmenter)
    assert API_KEY not in repr(sampler) and "api_key='***'" in repr(sampler)


def test_llm_api_key_from_environment(llm_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    llm_server.script.append(ok(["a refund text"]))
    augmenter = make_llm(llm_server, api_key=None)
    assert augmenter.generate(REFUND, 1, label="refund") == ["a refund text"]
    assert llm_server.requests[0]["headers"]["authorization"] == f"Bearer {API_KEY}"
    assert "api_key" not in repr(augmenter)


def test_llm_without_key_or_client():
    augmenter = LLMAugmenter(MODEL, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        augmenter.generate(REFUND, 1, label="refund")


def test_llm_missing_openai_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)
    augmenter = LLMAugmenter(MODEL, base_url="http://127.0.0.1:9/v1", api_key=API_KEY)
    with pytest.raises(ImportError, match=r"pip install openai.*sklearn-imbal\[llm\]"):
        augmenter.generate(REFUND, 1, label="refund")


def test_llm_parameter_validation_hides_the_key():
    augmenter = LLMAugmenter(MODEL, api_key=API_KEY.encode())
    with pytest.raises(InvalidParameterError, match="'api_key' parameter") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    assert API_KEY not in str(exc_info.value)
    with pytest.raises(InvalidParameterError, match="'n_shots' parameter"):
        LLMAugmenter(MODEL, api_key=API_KEY, n_shots=0).generate(REFUND, 1, label="x")


def test_llm_zero_texts_sends_nothing(llm_server):
    augmenter = make_llm(llm_server)
    assert augmenter.generate(REFUND, 0, label="refund") == []
    assert llm_server.requests == []


def test_llm_get_params_and_clone():
    augmenter = LLMAugmenter(MODEL, api_key=API_KEY, n_shots=2, random_state=3)
    copy = clone(augmenter)
    assert copy is not augmenter
    assert copy.get_params() == augmenter.get_params()
    assert copy.api_key.get_secret_value() == API_KEY  # wrapped by get_params
    assert repr(copy) == f"LLMAugmenter(model='{MODEL}', api_key='***', n_shots=2, random_state=3)"
    with pytest.raises(ValueError, match="Invalid parameter 'shots'"):
        copy.set_params(shots=3)


# ---------------------------------------------------------------------- WordAugmenter


def test_word_augmenter_edits_are_word_level():
    vocabulary = {word for text in REFUND for word in text.split()}
    texts = WordAugmenter(p_swap=0.3, p_delete=0.3, p_insert=0.3, random_state=0).generate(
        REFUND, 50
    )
    assert len(texts) == 50
    for text in texts:
        assert text.split() and set(text.split()) <= vocabulary


def _is_subsequence(small, big):
    it = iter(big)
    return all(word in it for word in small)


def test_word_augmenter_single_operations():
    sources = [text.split() for text in REFUND]
    vocabulary = {word for words in sources for word in words}

    swapped = WordAugmenter(p_swap=0.5, p_delete=0, p_insert=0, random_state=0).generate(
        REFUND, 20
    )
    for text in swapped:
        assert any(Counter(text.split()) == Counter(words) for words in sources)

    deleted = WordAugmenter(p_swap=0, p_delete=0.5, p_insert=0, random_state=0).generate(
        REFUND, 20
    )
    for text in deleted:
        assert any(_is_subsequence(text.split(), words) for words in sources)

    inserted = WordAugmenter(p_swap=0, p_delete=0, p_insert=0.5, random_state=0).generate(
        REFUND, 20
    )
    for text in inserted:
        words = text.split()
        assert set(words) <= vocabulary
        assert any(
            _is_subsequence(source, words) and len(words) > len(source) for source in sources
        )


def test_word_augmenter_never_deletes_every_word():
    texts = WordAugmenter(p_swap=0, p_delete=1.0, p_insert=0, random_state=0).generate(
        REFUND, 10
    )
    assert all(len(text.split()) == 1 for text in texts)


def test_word_augmenter_is_deterministic_with_a_seed():
    augmenter = WordAugmenter(random_state=0)
    assert augmenter.generate(REFUND, 10) == augmenter.generate(REFUND, 10)
    assert augmenter.generate(REFUND, 10, random_state=1) == WordAugmenter().generate(
        REFUND, 10, random_state=1
    )
    assert augmenter.generate(REFUND, 10) != augmenter.generate(REFUND, 10, random_state=1)


def test_word_augmenter_avoids_duplicates_when_possible():
    texts = WordAugmenter(random_state=0).generate(REFUND, 40)
    assert len(set(texts)) == 40
    assert not set(texts) & set(REFUND)
    # A one-word text without insertions: nothing else can be made, duplicates come back.
    assert WordAugmenter(p_insert=0, random_state=0).generate(["hello"], 3) == ["hello"] * 3


def test_word_augmenter_without_edits_copies():
    texts = WordAugmenter(p_swap=0, p_delete=0, p_insert=0, random_state=0).generate(REFUND, 8)
    assert set(texts) <= set(REFUND)


def test_word_augmenter_validation():
    with pytest.raises(InvalidParameterError, match="'p_swap' parameter"):
        WordAugmenter(p_swap=2).generate(REFUND, 1)
    with pytest.raises(ValueError, match="non-negative int"):
        WordAugmenter().generate(REFUND, -1)
    with pytest.raises(TypeError, match="WordAugmenter"):
        WordAugmenter().generate("one text", 1)
    assert WordAugmenter().generate(REFUND, 0) == []


def test_word_augmenter_params():
    augmenter = WordAugmenter(p_delete=0.3, random_state=0)
    assert repr(augmenter) == "WordAugmenter(p_delete=0.3, random_state=0)"
    assert clone(augmenter).get_params() == augmenter.get_params()
    assert augmenter.set_params(p_swap=0.5) is augmenter and augmenter.p_swap == 0.5


# ------------------------------------------------------------ TextAugmentationSampler


X_TEXT = OTHER[:8] + REFUND[:3]
Y_TEXT = ["other"] * 8 + ["refund"] * 3


@pytest.mark.parametrize(
    "sampling_strategy, expected",
    [
        ("auto", {"other": 8, "refund": 8}),
        (0.5, {"other": 8, "refund": 4}),
        ({"refund": 6}, {"other": 8, "refund": 6}),
    ],
)
def test_sampler_meets_sampling_strategy(sampling_strategy, expected):
    sampler = TextAugmentationSampler(sampling_strategy=sampling_strategy, random_state=0)
    X_res, y_res = sampler.fit_resample(X_TEXT, Y_TEXT)
    assert Counter(y_res) == expected
    assert sampler.n_synthetic_ == {"refund": expected["refund"] - 3}
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert X_res[: len(X_TEXT)] == X_TEXT and y_res[: len(Y_TEXT)] == Y_TEXT
    assert sampler.is_synthetic_.tolist() == [False] * 11 + [True] * (len(X_res) - 11)
    assert all(label == "refund" for label in y_res[11:])


def test_sampler_multiclass_and_integer_labels():
    X = OTHER[:6] + REFUND[:3] + ["where is my parcel", "my parcel is late"]
    y = np.array([0] * 6 + [1] * 3 + [2] * 2)
    sampler = TextAugmentationSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(np.array(X, dtype=object), y)
    assert Counter(y_res.tolist()) == {0: 6, 1: 6, 2: 6}
    assert sampler.n_synthetic_ == {1: 3, 2: 4}
    assert all(type(label) is int for label in sampler.n_synthetic_)
    # Generated texts use the vocabulary of their own class.
    for text, label in zip(X_res[11:], y_res[11:]):
        vocabulary = {word for t, c in zip(X, y) if c == label for word in t.split()}
        assert set(text.split()) <= vocabulary


def test_sampler_output_containers():
    sampler = TextAugmentationSampler(random_state=0)
    str_array = np.array(X_TEXT)
    X_res, y_res = sampler.fit_resample(str_array, np.array(Y_TEXT))
    assert X_res.dtype.kind == "U" and X_res.shape == (16,)
    assert np.array_equal(X_res[:11], str_array)

    X_res, _ = sampler.fit_resample(np.array(X_TEXT, dtype=object), Y_TEXT)
    assert X_res.dtype == object and X_res.shape == (16,)

    X_res, _ = sampler.fit_resample(np.array(X_TEXT, dtype=object).reshape(-1, 1), Y_TEXT)
    assert X_res.shape == (16, 1) and X_res[:11, 0].tolist() == X_TEXT

    series = pd.Series(X_TEXT, name="message", index=range(100, 111))
    X_res, y_res = sampler.fit_resample(series, pd.Series(Y_TEXT, name="label"))
    assert isinstance(X_res, pd.Series) and X_res.name == "message" and len(X_res) == 16
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert X_res.iloc[:11].tolist() == X_TEXT

    frame = pd.DataFrame({"message": X_TEXT})
    X_res, _ = sampler.fit_resample(frame, Y_TEXT)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["message"]
    assert X_res.shape == (16, 1) and X_res["message"].iloc[:11].tolist() == X_TEXT
    assert sampler.feature_names_in_.tolist() == ["message"]


def test_sampler_is_seeded():
    def run(**params):
        return TextAugmentationSampler(**params).fit_resample(X_TEXT, Y_TEXT)[0]

    assert run(random_state=0) == run(random_state=0)
    assert run(random_state=0) != run(random_state=1)
    # Without its own seed, the sampler lets the augmenter's seed apply.
    assert run(augmenter=WordAugmenter(random_state=5)) == run(
        augmenter=WordAugmenter(random_state=5)
    )


def test_sampler_does_not_modify_its_augmenter(llm_server):
    llm_server.default = unique_texts
    augmenter = make_llm(llm_server)
    sampler = TextAugmentationSampler(augmenter, random_state=0).fit(X_TEXT, Y_TEXT)
    assert not hasattr(augmenter, "stats_")
    sampler.fit_resample(X_TEXT, Y_TEXT)
    assert not hasattr(augmenter, "stats_")
    assert sampler.augmenter_ is not augmenter
    assert sampler.augmenter_stats_["refund"]["requests"] == 1


def test_sampler_with_llm_end_to_end(llm_server):
    llm_server.default = unique_texts
    sampler = TextAugmentationSampler(make_llm(llm_server, n_shots=3), random_state=0)
    X_res, y_res = sampler.fit_resample(X_TEXT, Y_TEXT)

    assert Counter(y_res) == {"other": 8, "refund": 8}
    assert all(text.startswith("synthetic") for text in X_res[11:])
    (prompt,) = llm_server.prompts()
    assert sum(text in prompt for text in REFUND[:3]) == 3
    assert not any(text in prompt for text in OTHER)
    assert "'refund'" in prompt
    assert llm_server.requests[0]["body"]["model"] == MODEL


def test_sampler_llm_failure_adds_nothing(llm_server):
    llm_server.default = lambda request: error(500)
    sampler = TextAugmentationSampler(make_llm(llm_server, max_retries=1), random_state=0)
    with pytest.raises(LLMAugmentationError, match="obtained 0 of the 5"):
        sampler.fit_resample(X_TEXT, Y_TEXT)
    assert not hasattr(sampler, "is_synthetic_")


class _FewTexts:
    def __init__(self, returned):
        self.returned = returned

    def generate(self, texts, n, *, label, random_state=None):
        return self.returned


def test_sampler_rejects_bad_augmenter_output():
    sampler = TextAugmentationSampler(_FewTexts(["only one"]))
    with pytest.raises(ValueError, match="returned 1 texts .* but 5 are needed.*no text"):
        sampler.fit_resample(X_TEXT, Y_TEXT)
    assert not hasattr(sampler, "is_synthetic_")
    with pytest.raises(TypeError, match=r"_FewTexts\.generate for the class 'refund'"):
        TextAugmentationSampler(_FewTexts(["a", 2, "b", "c", "d"])).fit_resample(X_TEXT, Y_TEXT)
    with pytest.raises(TypeError, match="must return a list of str"):
        TextAugmentationSampler(_FewTexts("abcde")).fit_resample(X_TEXT, Y_TEXT)
    # Texts beyond the n-th are ignored.
    X_res, _ = TextAugmentationSampler(_FewTexts(list("abcdefg"))).fit_resample(X_TEXT, Y_TEXT)
    assert X_res[11:] == list("abcde")


def test_sampler_custom_augmenter_protocol():
    calls = []

    class Echo:
        def generate(self, texts, n, *, label, random_state=None):
            calls.append((list(texts), n, label, random_state))
            return [f"{label} text {i}" for i in range(n)]

    X_res, _ = TextAugmentationSampler(Echo(), random_state=0).fit_resample(X_TEXT, Y_TEXT)
    ((texts, n, label, seed),) = calls
    assert texts == REFUND[:3] and n == 5 and label == "refund" and isinstance(seed, int)
    assert X_res[11:] == [f"refund text {i}" for i in range(5)]


@pytest.mark.parametrize(
    "X, error_type",
    [
        (np.arange(11.0), TypeError),
        ("a single string", TypeError),
        (None, TypeError),
        (X_TEXT[:-1] + [None], ValueError),
        (X_TEXT[:-1] + [float("nan")], ValueError),
        (X_TEXT[:-1] + ["   "], ValueError),
        (pd.DataFrame({"a": X_TEXT, "b": X_TEXT}), ValueError),
        (np.array([X_TEXT, X_TEXT]).T, ValueError),
        (sparse.csr_matrix(np.eye(11)), TypeError),
    ],
)
def test_sampler_rejects_non_text_input(X, error_type):
    # The wording belongs to utils._text.validate_texts; the error names the estimator.
    with pytest.raises(error_type, match="TextAugmentationSampler"):
        TextAugmentationSampler().fit_resample(X, Y_TEXT)


def test_sampler_rejects_mismatched_lengths_and_bad_augmenter():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        TextAugmentationSampler().fit_resample(X_TEXT, Y_TEXT[:-1])
    with pytest.raises(InvalidParameterError, match="'augmenter' parameter"):
        TextAugmentationSampler(augmenter="word").fit_resample(X_TEXT, Y_TEXT)


def test_sampler_in_pipeline_resamples_during_fit_only():
    calls = []

    class Counting(WordAugmenter):
        def generate(self, texts, n, *, label=None, random_state=None):
            calls.append(n)
            return super().generate(texts, n, label=label, random_state=random_state)

    pipe = make_pipeline(
        TextAugmentationSampler(Counting(), random_state=0), TfidfVectorizer(), LogisticRegression()
    )
    pipe.fit(X_TEXT, Y_TEXT)
    assert calls == [5]
    assert pipe.predict(X_TEXT).shape == (11,)
    pipe.predict_proba(X_TEXT[:3])
    pipe.score(X_TEXT, Y_TEXT)
    assert calls == [5]


def test_sampler_llm_pipeline_cross_validate(llm_server):
    llm_server.default = unique_texts
    X = OTHER + REFUND * 2  # 12 against 8
    y = ["other"] * 12 + ["refund"] * 8
    test_sizes = []

    def scorer(estimator, X_test, y_test):
        test_sizes.append(len(X_test))
        return float(np.mean(estimator.predict(X_test) == np.asarray(y_test)))

    pipe = make_pipeline(
        TextAugmentationSampler(make_llm(llm_server), random_state=0),
        TfidfVectorizer(),
        LogisticRegression(),
    )
    result = cross_validate(
        pipe, X, y, cv=StratifiedKFold(4), scoring=scorer, return_estimator=True
    )
    # Scoring sees the original test folds, never generated rows.
    assert test_sizes == [5, 5, 5, 5]
    # Each training fold (9 other, 6 refund) got 3 generated refund texts, with one request.
    assert len(llm_server.requests) == 4
    for fitted in result["estimator"]:
        sampler = fitted[0]
        assert sampler.n_synthetic_ == {"refund": 3}
        assert sampler.is_synthetic_.shape == (18,) and sampler.is_synthetic_.sum() == 3
        assert any(word.startswith("synthetic") for word in fitted[1].vocabulary_)
    for prompt in llm_server.prompts():
        assert not any(text in prompt for text in OTHER)


def test_sampler_in_grid_search():
    X = OTHER + REFUND * 2
    y = ["other"] * 12 + ["refund"] * 8
    pipe = make_pipeline(
        TextAugmentationSampler(WordAugmenter(), random_state=0),
        TfidfVectorizer(),
        LogisticRegression(),
    )
    search = GridSearchCV(
        pipe,
        {
            "textaugmentationsampler__sampling_strategy": [0.9, 1.0],
            "textaugmentationsampler__augmenter__p_delete": [0.0, 0.3],
        },
        cv=StratifiedKFold(2),
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_[0]
    assert best.augmenter_.p_delete == search.best_params_[
        "textaugmentationsampler__augmenter__p_delete"
    ]
    assert best.is_synthetic_.sum() == best.n_synthetic_["refund"]
