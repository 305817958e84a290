"""LLMAugmenter against hostile or broken servers: the API key is never shown, bad
replies are retried or dropped, never kept nor crashing.

Every test talks to the scripted chat server of ``_llm_server.py`` on 127.0.0.1
through the real ``openai`` client.
"""

import json
import logging
import pickle
import traceback

import pytest
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.utils import estimator_html_repr

from sklearn_imbal.sampling import LLMAugmentationError, LLMAugmenter, TextAugmentationSampler

from ._llm_server import API_KEY, MODEL, error, make_llm, ok, raw

pytest.importorskip("openai")

REFUND = [
    "the blender arrived cracked, please pay me back",
    "you billed me for a plan i cancelled, i want a refund",
    "send the money back for the missing headphones",
]
OTHER = [
    "do you ship to norway",
    "my password reset email never came",
    "which size fits a ten year old",
    "is there a student discount",
    "can i pick up the order in the shop",
    "the tracking page does not load",
]
X = OTHER + REFUND
Y = ["other"] * len(OTHER) + ["refund"] * len(REFUND)


def key_fragments(text, key=API_KEY, size=8):
    """The pieces of ``key`` of ``size`` or more characters found in ``text``."""
    return sorted({key[i:i + size] for i in range(len(key) - size + 1)} & {
        text[i:i + size] for i in range(len(text) - size + 1)
    })


def exception_chain(exc):
    chain = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


# ------------------------------------------------------------------ the key is never shown


@pytest.mark.parametrize("offset", [60, 66, 72, 75, 79, 80])
def test_malformed_reply_preview_shows_no_piece_of_the_key(llm_server, offset):
    # The preview is cut at 80 characters: the key straddles the cut at every offset.
    content = "x" * offset + API_KEY + " and more text after it"
    llm_server.default = lambda request: ok(content)
    augmenter = make_llm(llm_server, max_retries=1)
    with pytest.raises(LLMAugmentationError, match="malformed reply") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    message = str(exc_info.value)
    assert "not JSON" in message and "xxxx" in message
    assert key_fragments(message) == []


@pytest.mark.parametrize(
    "echo", [API_KEY[:20], API_KEY[-20:], API_KEY[5:25], f"Bearer {API_KEY[:-3]}"]
)
def test_malformed_reply_preview_hides_a_partial_key(llm_server, echo, caplog):
    llm_server.default = lambda request: ok(f"your key {echo} is wrong")
    augmenter = make_llm(llm_server, max_retries=1)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LLMAugmentationError, match="your key") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    assert key_fragments(str(exc_info.value)) == []
    assert "retry 1 of 1" in caplog.text and key_fragments(caplog.text) == []


def test_get_params_and_html_repr_hide_the_key():
    augmenter = LLMAugmenter(MODEL, api_key=API_KEY)
    sampler = TextAugmentationSampler(augmenter)
    pipe = make_pipeline(sampler, TfidfVectorizer(), LogisticRegression())
    shown = [
        str(augmenter.get_params()),
        repr(augmenter),
        str(sampler.get_params()),
        repr(sampler),
        str(pipe.get_params()),
        repr(pipe),
        estimator_html_repr(pipe),
        pipe._repr_html_(),
        sampler._repr_html_(),
    ]
    for text in shown:
        assert key_fragments(text) == []
    assert "api_key='***'" in repr(augmenter) and "api_key='***'" in repr(pipe)
    assert "***" in estimator_html_repr(pipe)


def test_set_params_key_is_hidden_too():
    augmenter = LLMAugmenter(MODEL).set_params(api_key=API_KEY)
    assert key_fragments(str(augmenter.get_params()) + repr(augmenter)) == []
    sampler = TextAugmentationSampler(LLMAugmenter(MODEL)).set_params(augmenter__api_key=API_KEY)
    assert key_fragments(str(sampler.get_params()) + estimator_html_repr(sampler)) == []


def test_clone_and_pickle_keep_the_key(llm_server):
    llm_server.script.extend([ok(["a fresh refund text"]), ok(["another refund text"])])
    copy = clone(clone(make_llm(llm_server)))
    assert copy.generate(REFUND, 1, label="refund") == ["a fresh refund text"]
    unpickled = pickle.loads(pickle.dumps(copy))
    assert unpickled.generate(REFUND, 1, label="refund") == ["another refund text"]
    assert [r["headers"]["authorization"] for r in llm_server.requests] == [f"Bearer {API_KEY}"] * 2
    assert copy.get_params() == make_llm(llm_server).get_params()
    other = make_llm(llm_server, api_key="sk-another-key-9876543210")
    assert copy.get_params() != other.get_params()
    assert key_fragments(repr(unpickled) + str(unpickled.get_params())) == []


def test_grid_search_with_the_key(llm_server):
    n_sent = iter(range(10**6))

    def reply(request):
        asked = request["body"]["messages"][-1]["content"].rsplit("array of ", 1)[1].split()[0]
        return ok([f"refund request number {next(n_sent)}" for _ in range(int(asked))])

    llm_server.default = reply
    pipe = make_pipeline(
        TextAugmentationSampler(make_llm(llm_server), random_state=0),
        TfidfVectorizer(),
        LogisticRegression(),
    )
    search = GridSearchCV(
        pipe,
        {"textaugmentationsampler__augmenter__n_shots": [1, 2],
         "textaugmentationsampler__augmenter__api_key": [API_KEY]},
        cv=3,
    )
    search.fit(X, Y)
    assert len(llm_server.requests) == 2 * 3 + 1
    assert {r["headers"]["authorization"] for r in llm_server.requests} == {f"Bearer {API_KEY}"}
    shown = repr(search.best_estimator_) + estimator_html_repr(search.best_estimator_)
    assert key_fragments(shown + str(search.best_estimator_.get_params())) == []


def test_api_key_from_environment_is_hidden_in_messages(llm_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    llm_server.default = lambda request: ok(f"no json, just {API_KEY}")
    augmenter = make_llm(llm_server, api_key=None, max_retries=0)
    with pytest.raises(LLMAugmentationError, match="malformed reply") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    assert key_fragments(str(exc_info.value)) == []
    assert llm_server.requests[0]["headers"]["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    "reply",
    [
        lambda request: error(401, f"bad key {request['headers']['authorization']}"),
        lambda request: error(400, f"bad request from {request['headers']['authorization']}"),
        lambda request: error(404, f"no model for {request['headers']['authorization']}"),
        lambda request: error(500, f"crashed on {request['headers']['authorization']}"),
        lambda request: ok(f"not json {request['headers']['authorization']}"),
    ],
    ids=["401", "400", "404", "500", "malformed"],
)
def test_errors_carry_no_key_in_their_chain(llm_server, reply, caplog):
    llm_server.default = reply
    augmenter = make_llm(llm_server, max_retries=1)
    caplog.set_level(logging.DEBUG)  # the client's own DEBUG logs, too
    with pytest.raises(LLMAugmentationError) as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    error_ = exc_info.value
    assert exception_chain(error_) == [error_]  # no openai error with the request headers
    shown = "".join(traceback.format_exception(error_)) + caplog.text
    assert "openai" in caplog.text.lower()  # the client did log at DEBUG
    assert key_fragments(shown) == []


# -------------------------------------------------------------------------- bad texts


def test_texts_echoing_the_key_are_dropped(llm_server):
    llm_server.script.extend(
        [
            ok([f"my key is {API_KEY}", "a first clean refund text"]),
            ok([f"key part {API_KEY[4:24]} here", API_KEY, "a second clean refund text"]),
        ]
    )
    augmenter = make_llm(llm_server, n_per_request=2)
    texts = augmenter.generate(REFUND, 2, label="refund")
    assert texts == ["a first clean refund text", "a second clean refund text"]
    assert augmenter.stats_["dropped_api_key"] == 3
    assert augmenter.stats_["parsed"] == 5


def test_texts_echoing_the_environment_key_are_dropped(llm_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    llm_server.script.append(ok([f"Bearer {API_KEY}", "a clean refund text"]))
    augmenter = make_llm(llm_server, api_key=None)
    assert augmenter.generate(REFUND, 1, label="refund") == ["a clean refund text"]
    assert augmenter.stats_["dropped_api_key"] == 1


def test_a_short_placeholder_key_drops_nothing(llm_server):
    # Local servers accept any key; a placeholder such as "x" is no secret to hide.
    llm_server.script.append(ok(["an extra refund text"]))
    augmenter = make_llm(llm_server, api_key="x")
    assert augmenter.generate(REFUND, 1, label="refund") == ["an extra refund text"]
    assert augmenter.stats_["dropped_api_key"] == 0


def test_texts_with_lone_surrogates_are_dropped(llm_server):
    # JSON escapes of lone surrogates, in the reply's list and in the message itself.
    llm_server.script.extend(
        [
            ok('["bad \\ud800 text", "bad \\udfff too", "a clean refund text"]'),
            {"status": 200, "payload": json.dumps(
                {"choices": [{"index": 0, "message": {
                    "role": "assistant", "content": '["low \udc00 half", "a second clean text"]'
                }}]}).encode()},
        ]
    )
    augmenter = make_llm(llm_server, n_per_request=2)
    texts = augmenter.generate(REFUND, 2, label="refund")
    assert texts == ["a clean refund text", "a second clean text"]
    assert augmenter.stats_["dropped_lone_surrogate"] == 3
    for text in texts:
        text.encode("utf-8")


def test_sampler_keeps_no_lone_surrogate(llm_server):
    llm_server.default = lambda request: ok(
        [f"refund text {i} \ud83d" if i % 2 else f"clean refund text {i}" for i in range(20)]
    )
    sampler = TextAugmentationSampler(make_llm(llm_server), random_state=0)
    X_res, y_res = sampler.fit_resample(X, Y)
    assert len(X_res) == 2 * len(OTHER)
    for text in X_res:
        text.encode("utf-8")
    assert sampler.augmenter_stats_["refund"]["dropped_lone_surrogate"] > 0


# ------------------------------------------------------------------------ bad replies


@pytest.mark.parametrize(
    "bad",
    [
        raw(b'{"choices": [\xff\xfe]}'),
        raw(b'{"choices": [{"message": {"role": "assistant", "content": "[\\"\xff\\"]"}}]}'),
        raw(b"<html>502 bad gateway</html>"),
        raw(b""),
    ],
    ids=["invalid-utf8", "invalid-utf8-in-content", "html-as-json", "empty"],
)
def test_undecodable_replies_are_retried_as_malformed(llm_server, bad):
    llm_server.script.extend([bad, ok(["a clean refund text"])])
    augmenter = make_llm(llm_server)
    assert augmenter.generate(REFUND, 1, label="refund") == ["a clean refund text"]
    assert augmenter.stats_["malformed_replies"] == 1
    assert augmenter.stats_["retries"] == 1 and len(llm_server.requests) == 2


def test_persistent_undecodable_replies_raise_a_clear_error(llm_server):
    llm_server.default = lambda request: raw(b'["\xff\xfe"]')
    augmenter = make_llm(llm_server, max_retries=2)
    with pytest.raises(LLMAugmentationError, match="3 consecutive.*malformed reply") as exc_info:
        augmenter.generate(REFUND, 1, label="refund")
    assert exception_chain(exc_info.value) == [exc_info.value]
    assert len(llm_server.requests) == 3


@pytest.mark.parametrize("status", [401, 500])
def test_undecodable_error_replies(llm_server, status):
    llm_server.script.extend([raw(b"\xff\xfe not json", status=status), ok(["a clean text"])])
    augmenter = make_llm(llm_server)
    if status == 500:  # retried like any 5xx
        assert augmenter.generate(REFUND, 1, label="refund") == ["a clean text"]
    else:
        with pytest.raises(LLMAugmentationError, match="HTTP 401"):
            augmenter.generate(REFUND, 1, label="refund")


# -------------------------------------------------------------------------- base_url


@pytest.mark.parametrize(
    "url, problem",
    [
        ("ftp://{host}/v1", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("{host}/v1", "no scheme"),
        ("localhost:8000/v1", "scheme 'localhost'"),
        ("http:///v1", "no host"),
        ("", "no scheme"),
        (" http://{host}/v1", "whitespace"),
        ("http://{host}:99999/v1", "not a valid URL"),
    ],
)
def test_base_url_must_be_http(llm_server, url, problem):
    host = llm_server.base_url.split("//")[1].split("/")[0]
    augmenter = make_llm(llm_server).set_params(base_url=url.format(host=host))
    with pytest.raises(ValueError, match=f"base_url.*http:// or https://.*{problem}"):
        augmenter.generate(REFUND, 1, label="refund")
    sampler = TextAugmentationSampler(augmenter)
    with pytest.raises(ValueError, match="base_url"):
        sampler.fit_resample(X, Y)
    assert llm_server.requests == []


def test_base_url_from_environment_must_be_http(llm_server, monkeypatch):
    host = llm_server.base_url.split("//")[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"ftp://{host}")
    augmenter = make_llm(llm_server).set_params(base_url=None)
    with pytest.raises(ValueError, match="OPENAI_BASE_URL.*scheme 'ftp'"):
        augmenter.generate(REFUND, 1, label="refund")


def test_base_url_scheme_is_case_insensitive(llm_server):
    llm_server.script.append(ok(["a clean refund text"]))
    url = llm_server.base_url.replace("http://", "HTTP://")
    augmenter = make_llm(llm_server).set_params(base_url=url)
    assert augmenter.generate(REFUND, 1, label="refund") == ["a clean refund text"]
