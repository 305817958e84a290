"""Torch glue: device resolution, seeding that leaves global RNG state untouched, and
reading safetensors files with clear errors."""

import os
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


def damaged_safetensors_error(path, exc):
    """The error for a safetensors file (``path``, or one in the folder ``path``) that
    does not read: it names the first file whose header is unreadable."""
    from safetensors import safe_open

    def unreadable(file):
        try:
            with safe_open(file, framework="pt"):
                return False
        except Exception:  # SafetensorError, OSError
            return True

    file = path
    if os.path.isdir(path):
        files = [os.path.join(path, name) for name in sorted(os.listdir(path))
                 if name.endswith(".safetensors")]
        file = next((file for file in files if unreadable(file)), path)
    what = (f"a safetensors file in {file!r} does not read" if os.path.isdir(file)
            else f"{file!r} is not a readable safetensors file")
    return ValueError(
        f"{what} ({exc}): it is truncated or damaged, e.g. by an interrupted copy or "
        "download. Copy it again, or save the model again with save_pretrained."
    )


def load_safetensors(file, device):
    """The tensors of the safetensors ``file`` on ``device``, with clear errors."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not os.path.isfile(file):
        raise ValueError(
            f"{file!r} is missing; pass the whole folder written by save_pretrained."
        )
    try:
        return load_file(file, device=str(device))
    except SafetensorError as exc:
        raise damaged_safetensors_error(file, exc) from None
