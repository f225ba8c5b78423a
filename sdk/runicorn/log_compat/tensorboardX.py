"""``from runicorn.log_compat.tensorboardX import SummaryWriter`` in place of
``from tensorboardX import SummaryWriter``: the same constructor and calls, logged into a Runicorn
run (see :mod:`runicorn.log_compat._writer` for what each call becomes)."""

from __future__ import annotations

import os
from typing import Any

from ._writer import SummaryWriterBase

__all__ = ["SummaryWriter"]


class SummaryWriter(SummaryWriterBase):
    """``tensorboardX.SummaryWriter``'s signature (``logdir``, or ``log_dir`` as an alias); the
    event-file options are accepted and ignored."""

    def __init__(self, logdir: str | os.PathLike[str] | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "", write_to_disk: bool = True, log_dir: str | os.PathLike[str] | None = None,
                 comet_config: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(log_dir if log_dir is not None else logdir, comment)

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None,
                   walltime: float | None = None, display_name: str = "", summary_description: str = "") -> None:
        super().add_scalar(tag, scalar_value, global_step, walltime)

    def add_hparams(self, hparam_dict: dict[str, Any], metric_dict: dict[str, Any],  # type: ignore[override]  # tensorboardX's own 3rd argument
                    name: str | None = None, global_step: int | None = None) -> None:
        super().add_hparams(hparam_dict, metric_dict, None, name, global_step)
