"""``AverageMeter`` and ``ProgressMeter`` with the shape of PyTorch's ImageNet example
(``examples/imagenet/main.py``): the same printed lines; ``ProgressMeter.display(batch)`` also logs
each meter's current value into the active run, ``display_summary()`` each meter's summary value
under ``<name>/summary``.

    from runicorn.log_compat.imagenet import AverageMeter, ProgressMeter, Summary
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from ._active import scalar
from ._echo import echo, log_active

__all__ = ["AverageMeter", "ProgressMeter", "Summary"]


class Summary(Enum):
    NONE = 0
    AVERAGE = 1
    SUM = 2
    COUNT = 3


class AverageMeter:
    """The current value, sum, count and average of a series."""

    def __init__(self, name: str, fmt: str = ":f", summary_type: Summary = Summary.AVERAGE) -> None:
        self.name = name
        self.fmt = fmt
        self.summary_type = summary_type
        self.reset()

    def reset(self) -> None:
        self.val: float = 0.0
        self.avg: float = 0.0
        self.sum: float = 0.0
        self.count: int = 0

    def update(self, val: Any, n: int = 1) -> None:
        self.val = scalar(val)
        self.sum += self.val * n
        self.count += n
        self.avg = self.sum / self.count

    def __str__(self) -> str:
        return ("{name} {val" + self.fmt + "} ({avg" + self.fmt + "})").format(**self.__dict__)

    def summary_value(self) -> float | None:
        """The value ``summary()`` shows (None for ``Summary.NONE``)."""
        return {Summary.AVERAGE: self.avg, Summary.SUM: self.sum, Summary.COUNT: self.count}.get(self.summary_type)

    def summary(self) -> str:
        templates = {Summary.NONE: "", Summary.AVERAGE: "{name} {avg:.3f}", Summary.SUM: "{name} {sum:.3f}",
                     Summary.COUNT: "{name} {count:.3f}"}
        if self.summary_type not in templates:
            raise ValueError(f"invalid summary type {self.summary_type!r}")
        return templates[self.summary_type].format(**self.__dict__)


class ProgressMeter:
    """Prints ``<prefix>[batch/total]`` and the meters, tab-separated."""

    def __init__(self, num_batches: int, meters: Sequence[AverageMeter], prefix: str = "") -> None:
        width = len(str(num_batches // 1))
        fmt = "{:" + str(width) + "d}"
        self.batch_fmtstr = "[" + fmt + "/" + fmt.format(num_batches) + "]"
        self.meters = list(meters)
        self.prefix = prefix

    def display(self, batch: int) -> None:
        entries = [self.prefix + self.batch_fmtstr.format(batch)] + [str(meter) for meter in self.meters]
        echo("\t".join(entries))
        log_active({meter.name: meter.val for meter in self.meters if isinstance(meter.val, (int, float))})

    def display_summary(self) -> None:
        entries = [" *"] + [meter.summary() for meter in self.meters]
        echo(" ".join(entries))
        values = {f"{meter.name}/summary": meter.summary_value() for meter in self.meters}
        log_active({k: v for k, v in values.items() if v is not None})
