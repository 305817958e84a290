"""Private helpers shared by the estimators (devices, seeding, validation, discovery),
and :func:`is_main_process`, public: which process of a data-parallel run saves."""

from ._distributed import is_main_process

__all__ = ["is_main_process"]
