import pytest

from ._llm_server import serve_llm


@pytest.fixture
def llm_server():
    """A scripted chat server on 127.0.0.1 (see ``_llm_server.py``)."""
    with serve_llm() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_openai_environment(monkeypatch):
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]:
        monkeypatch.delenv(name, raising=False)
