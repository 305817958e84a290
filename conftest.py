"""Test-session setup shared by tests/ and the doctests in sklearn_imbal/."""

import os

# No hub access here or on users' air-gapped machines: every model comes from a local path.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402


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
