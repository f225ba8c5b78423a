"""``from runicorn.log_compat.tensorboard import SummaryWriter`` in place of
``from torch.utils.tensorboard import SummaryWriter``: the same constructor and calls, logged into
a Runicorn run (see :mod:`runicorn.log_compat._writer` for what each call becomes)."""

from __future__ import annotations

import os
from typing import Any

from ._writer import SummaryWriterBase

__all__ = ["SummaryWriter"]


class SummaryWriter(SummaryWriterBase):
    """``torch.utils.tensorboard.SummaryWriter``'s signature; ``purge_step``, ``max_queue``,
    ``flush_secs`` and ``filename_suffix`` concern event files and are accepted and ignored."""

    def __init__(self, log_dir: str | os.PathLike[str] | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        super().__init__(log_dir, comment)

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False, double_precision: bool = False) -> None:
        super().add_scalar(tag, scalar_value, global_step, walltime)
