"""Test-session setup shared by tests/ and the doctests in sklearn_imbal/."""

import os

# No hub access here or on users' air-gapped machines: every model comes from a local path.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

# The test models are tiny: one thread is as fast, and it keeps torch's spinning worker
# threads from collapsing when anything else shares the two cores.
torch.set_num_threads(1)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip_cuda = pytest.mark.skip(reason="needs a CUDA GPU; torch sees none")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip_cuda)


@pytest.fixture(autouse=True)
def _seed_everything():
    """Each test starts from the same global RNG state, so failures reproduce."""
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture(scope="session")
def tiny_bert_path(tmp_path_factory):
    """Folder of a tiny random BERT (2 layers, 32 hidden units) and its WordPiece tokenizer.

    Built once per test session, offline, by
    :func:`sklearn_imbal.utils._test_common.tiny_bert.make_tiny_bert`.
    """
    from sklearn_imbal.utils._test_common.tiny_bert import make_tiny_bert

    return make_tiny_bert(tmp_path_factory.mktemp("tiny_bert"))
