"""A scripted OpenAI-compatible chat server on 127.0.0.1, for the LLMAugmenter tests.

The stdlib ``ThreadingHTTPServer`` answers ``POST /v1/chat/completions`` with the
replies a test scripts, and records the requests it received; the tests talk to it
through the real ``openai`` client. The ``llm_server`` fixture is in ``conftest.py``.
"""

import json
import threading
import time
from collections import deque
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sklearn_imbal.sampling import LLMAugmenter

API_KEY = "sk-test-SECRET-0123456789abcdef"
MODEL = "test-model"


def completion(content, model=MODEL):
    """A chat-completion response body in the OpenAI format."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def ok(content, delay=0.0):
    """A scripted 200 reply whose message content is ``content`` (a str, or a list as JSON)."""
    if not isinstance(content, str):
        content = json.dumps(content)
    return {"status": 200, "body": completion(content), "delay": delay}


def error(status, message="scripted error"):
    return {"status": status, "body": {"error": {"message": message, "type": "test"}}}


def raw(payload, status=200, content_type="application/json"):
    """A scripted reply whose body is the bytes ``payload``, sent as they are."""
    return {"status": status, "payload": payload, "content_type": content_type}


class FakeLLMServer:
    """State of the scripted server: replies to send and the requests received."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.script = deque()
        self.default = None  # callable(request) -> reply, when the script is empty
        self.requests = []
        self.lock = threading.Lock()
        self.closing = threading.Event()

    def next_reply(self, request):
        with self.lock:
            self.requests.append(request)
            if self.script:
                return self.script.popleft()
        if self.default is not None:
            return self.default(request)
        return error(500, "the test script has no more replies")

    def prompts(self):
        return [
            "\n".join(message["content"] for message in request["body"]["messages"])
            for request in self.requests
        ]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        request = {
            "path": self.path,
            "headers": dict(self.headers),
            "body": body,
            "time": time.monotonic(),
        }
        if self.path != "/v1/chat/completions":
            reply = error(404, f"no route {self.path}")
        else:
            reply = fake.next_reply(request)
        if reply.get("delay"):
            fake.closing.wait(reply["delay"])
        payload = reply.get("payload")
        if payload is None:
            payload = json.dumps(reply["body"]).encode()
        try:
            self.send_response(reply["status"])
            self.send_header("Content-Type", reply.get("content_type", "application/json"))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass

    def log_message(self, format, *args):
        pass


@contextmanager
def serve_llm():
    """Run a scripted server on a free port of 127.0.0.1; yield its FakeLLMServer."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    host, port = httpd.server_address[:2]
    httpd.fake = FakeLLMServer(f"http://{host}:{port}/v1")
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield httpd.fake
    finally:
        httpd.fake.closing.set()  # end any delayed reply now
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def make_llm(server, **params):
    params = {
        "api_key": API_KEY,
        "max_retries": 2,
        "backoff": 0.001,
        "timeout": 3.0,
        "random_state": 0,
        **params,
    }
    return LLMAugmenter(MODEL, base_url=server.base_url, **params)
