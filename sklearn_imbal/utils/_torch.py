"""Torch glue: device resolution and seeding that leaves global RNG state untouched."""

from contextlib import contextmanager

import torch


def resolve_device(device):
    """Return the :class:`torch.device` an estimator's ``device`` parameter asks for.

    ``"auto"`` picks CUDA when it is available, else the CPU. Any other value is
    passed to :class:`torch.device` (``"cpu"``, ``"cuda"``, ``"cuda:1"``, a device).
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'auto', 'cpu', 'cuda' or 'cuda:N'."
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} asks for CUDA, but torch sees no CUDA device here; "
            "use device='auto' (CUDA when present, else CPU) or device='cpu'."
        )
    return resolved


@contextmanager
def torch_seed(seed, device):
    """Seed torch's global generators inside the block and restore them afterwards.

    ``torch.random.fork_rng`` saves the CPU generator and those of the CUDA devices
    touched, so fitting an estimator never changes the caller's RNG stream, and two
    fits with the same seed draw the same numbers (weights init, dropout).
    """
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.manual_seed(seed)
        yield
