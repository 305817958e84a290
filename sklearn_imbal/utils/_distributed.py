"""Data-parallel training within one fit: the process group, sharding and agreement.

Design
------
``FocalLossClassifier(data_parallel=True)`` and ``TransformerClassifier(data_parallel=True)``
train one model across the processes that ``torchrun`` or ``accelerate launch`` started
(one per GPU, or a few CPU processes): every process runs the same script, on the same
data, and calls ``fit``; each computes the gradient of its share of every batch, the
gradients are averaged, and every process ends holding the same fitted estimator.

- **Why torch DDP, not accelerate.** skorch's ``AccelerateMixin`` hands the backward
  pass, mixed precision and gradient accumulation to an ``accelerate.Accelerator``
  object: an estimator parameter that ``clone`` cannot copy and ``GridSearchCV`` cannot
  vary, and a second implementation of what ``TransformerClassifier``'s net already does
  (its own autocast, ``GradScaler``, accumulation, clipping and warmup, tested). So the
  parameter is a plain ``bool`` and the nets wrap their module in torch's
  ``DistributedDataParallel`` (DDP) for the length of ``fit``; everything else stays on
  the single-process code path. ``accelerate launch --multi_gpu`` works as a launcher
  too: it starts its processes through torchrun, with the same environment variables
  (``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``); tried
  with 2 CPU processes, accelerate 1.16: the same models as under torchrun. Its
  ``--cpu`` mode without MPI starts a single process.
- **When it is distributed.** When a ``torch.distributed`` process group is initialised
  with more than one process, or the environment says ``WORLD_SIZE > 1`` (then ``fit``
  initialises the group: gloo on the CPU, nccl on CUDA). Otherwise
  ``data_parallel=True`` trains in one process, exactly as ``data_parallel=False`` does:
  a documented fallback, not an error, so that one script runs under ``python`` and under
  ``torchrun`` and gives the same model.
- **Same batches, same result.** ``batch_size`` stays the *global* batch. Every process
  draws the same seed (rank 0's, broadcast, when ``random_state`` is not an int), so
  every process builds the same global batches in the same order; each then keeps its
  contiguous share of the rows (:func:`shard_rows`: sizes differ by at most one) and
  scales its loss by its share of the batch's normaliser (the row count, or the sum of
  the class weights for a weighted cross-entropy), times the number of processes that
  DDP averages over. The averaged gradient is then the gradient of the global batch's
  loss, as in one process, up to float rounding. A process whose share is empty (a batch
  of fewer rows than processes) runs one row with weight 0, so that every process joins
  every all-reduce.
- **Accumulation** skips the all-reduce on the micro-batches before the optimizer step
  (``DistributedDataParallel.no_sync``); the gradients summed locally are averaged once.
  Clipping, the gradient scaler's overflow check and the schedule then see identical
  gradients on every process, so every process takes the same step.
- **Validation and early stopping.** Every process scores the whole validation split
  (the same data and weights give the same score), and rank 0's score and loss are
  broadcast before early stopping reads them, so no process stops alone (which would
  leave the others waiting in an all-reduce forever).
- **The fitted estimator** holds the unwrapped module on every process: predict, pickle,
  ``save_pretrained`` and ``sklearn_imbal.save`` work as after a single-process fit.
  Save on one process only (:func:`is_main_process`).

Limits: dropout draws its masks per process, so with dropout the result equals a
single-process fit in distribution, not bit for bit; a module with BatchNorm keeps
per-process statistics (buffers are not broadcast); every process must hold the same
data (checked: the sample count and a checksum of the labels); do not combine
``data_parallel=True`` with ``n_jobs`` workers.
"""

import os
import zlib

__all__ = [
    "agree_with_main",
    "check_same_data",
    "broadcast_seed",
    "data_parallel_device",
    "is_main_process",
    "process_group",
    "shard_rows",
]


def _launched_world_size():
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        return 1


def is_main_process():
    """Whether this process should write files: rank 0, or the only process.

    Under ``torchrun`` or ``accelerate launch`` every process runs the whole script;
    save a model trained with ``data_parallel=True`` only where this is true. It reads
    the initialised ``torch.distributed`` group, else the launcher's ``RANK``
    environment variable, and is true in a plain single-process run.

    Returns
    -------
    main : bool
        True on rank 0 and outside any launcher.

    Examples
    --------
    >>> from sklearn_imbal.utils import is_main_process
    >>> is_main_process()
    True
    """
    import sys

    dist = sys.modules.get("torch.distributed")  # never imports torch itself
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return os.environ.get("RANK", "0") == "0"


def process_group(device):
    """``(rank, world_size)`` of the data-parallel run this process belongs to, or None.

    None when no launcher started several processes and no group of more than one
    process is initialised. Initialises the default group from the launcher's
    environment when needed (nccl for a CUDA ``device``, else gloo).
    """
    import torch.distributed as dist

    if not dist.is_available():  # pragma: no cover - torch built without distributed
        return None
    if not dist.is_initialized():
        if _launched_world_size() <= 1:
            return None
        missing = [name for name in ("RANK", "MASTER_ADDR", "MASTER_PORT")
                   if name not in os.environ]
        if missing:
            raise RuntimeError(
                f"data_parallel=True: WORLD_SIZE={os.environ['WORLD_SIZE']} is set but "
                f"{', '.join(missing)} are not set; start the script with torchrun or "
                "accelerate launch, or initialise torch.distributed yourself."
            )
        if device.type == "cuda":
            data_parallel_device(device)  # nccl binds each process to its own GPU
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    if dist.get_world_size() <= 1:
        return None
    return dist.get_rank(), dist.get_world_size()


def data_parallel_device(device):
    """The device of this process: for CUDA without an index, ``cuda:LOCAL_RANK``."""
    import torch

    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    return device


def _gather(values, device):
    import torch
    import torch.distributed as dist

    local = torch.tensor(values, dtype=torch.float64, device=device)
    gathered = [torch.empty_like(local) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, local)
    return [tuple(t.tolist()) for t in gathered]


def check_same_data(n_samples, y_encoded, device, estimator_name):
    """Raise on every process if the processes do not hold the same labels."""
    import numpy as np

    checksum = zlib.crc32(np.ascontiguousarray(y_encoded, dtype=np.int64).tobytes())
    found = _gather([n_samples, checksum], device)
    if len(set(found)) > 1:
        raise ValueError(
            f"{estimator_name}(data_parallel=True): the processes were given different "
            f"data ((n_samples, label checksum) per rank: {[(int(n), int(c)) for n, c in found]}"
            "). Every process must call fit on the same X and y; the library shards "
            "each batch itself."
        )


def agree_with_main(values, device):
    """``values`` (floats) as rank 0 has them, on every process."""
    import torch
    import torch.distributed as dist

    tensor = torch.tensor(values, dtype=torch.float64, device=device)
    dist.broadcast(tensor, src=0)
    return tensor.tolist()


def broadcast_seed(seed, device):
    """Rank 0's ``seed`` on every process."""
    return int(agree_with_main([float(seed)], device)[0])


def shard_rows(n_rows, rank, world_size):
    """``(start, stop)`` of this process's contiguous share of ``n_rows`` rows.

    Shares differ by at most one row (the first ``n_rows % world_size`` processes get
    one more); a share is empty when there are fewer rows than processes.
    """
    base, extra = divmod(n_rows, world_size)
    start = rank * base + min(rank, extra)
    return start, start + base + (rank < extra)
