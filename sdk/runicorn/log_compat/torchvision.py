"""``MetricLogger`` and ``SmoothedValue`` with the shape of torchvision's reference scripts
(``references/classification/utils.py``): the same printed lines, and every ``update(**kw)`` is
also ``run.log(kw)`` on the active run (one event, the next global step).

    from runicorn.log_compat.torchvision import MetricLogger, SmoothedValue
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from typing import Any

from ._active import scalar
from ._echo import echo, log_active

__all__ = ["MetricLogger", "SmoothedValue"]


class SmoothedValue:
    """A value tracked over a sliding window and over the whole series."""

    def __init__(self, window_size: int = 20, fmt: str | None = None) -> None:
        self.deque: deque[float] = deque(maxlen=window_size)
        self.total = 0.0
        self.count = 0
        self.fmt = fmt or "{median:.4f} ({global_avg:.4f})"

    def update(self, value: float, n: int = 1) -> None:
        self.deque.append(value)
        self.count += n
        self.total += value * n

    def synchronize_between_processes(self) -> None:
        """Sum count and total over torch.distributed ranks when it is initialised (no-op otherwise)."""
        try:
            import torch
            import torch.distributed as dist
        except ImportError:
            return
        if not (dist.is_available() and dist.is_initialized()):
            return
        t = torch.tensor([self.count, self.total], dtype=torch.float64)
        dist.barrier()
        dist.all_reduce(t)
        self.count, self.total = int(t[0].item()), float(t[1].item())

    @property
    def median(self) -> float:
        ordered = sorted(self.deque)
        if not ordered:
            return 0.0
        return float(ordered[(len(ordered) - 1) // 2])

    @property
    def avg(self) -> float:
        return sum(self.deque) / len(self.deque) if self.deque else 0.0

    @property
    def global_avg(self) -> float:
        return self.total / self.count if self.count else 0.0

    @property
    def max(self) -> float:
        return max(self.deque) if self.deque else 0.0

    @property
    def value(self) -> float:
        return self.deque[-1] if self.deque else 0.0

    def __str__(self) -> str:
        return self.fmt.format(median=self.median, avg=self.avg, global_avg=self.global_avg, max=self.max,
                               value=self.value)


class MetricLogger:
    """Meters by name; ``log_every`` prints progress every ``print_freq`` items of an iterable."""

    def __init__(self, delimiter: str = "\t") -> None:
        self.meters: defaultdict[str, SmoothedValue] = defaultdict(SmoothedValue)
        self.delimiter = delimiter

    def update(self, **kwargs: Any) -> None:
        values: dict[str, Any] = {}
        for name, raw in kwargs.items():
            if raw is None:
                continue
            value = scalar(raw)
            if not isinstance(value, (int, float)):
                raise TypeError(f"MetricLogger.update: {name} must be a number or a one-element tensor")
            self.meters[name].update(value)
            values[name] = value
        log_active(values)

    def __getattr__(self, attr: str) -> Any:
        meters = self.__dict__.get("meters")
        if meters is not None and attr in meters:
            return meters[attr]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attr}'")

    def __str__(self) -> str:
        return self.delimiter.join(f"{name}: {meter}" for name, meter in self.meters.items())

    def synchronize_between_processes(self) -> None:
        for meter in self.meters.values():
            meter.synchronize_between_processes()

    def add_meter(self, name: str, meter: SmoothedValue) -> None:
        self.meters[name] = meter

    def log_every(self, iterable: Iterable[Any], print_freq: int, header: str | None = None) -> Iterator[Any]:
        header = header or ""
        items = list(iterable) if not hasattr(iterable, "__len__") else iterable
        total = len(items)  # type: ignore[arg-type]  # a list, or an object that has __len__
        start = end = time.time()
        iter_time = SmoothedValue(fmt="{avg:.4f}")
        data_time = SmoothedValue(fmt="{avg:.4f}")
        width = len(str(total))
        for i, obj in enumerate(items):
            data_time.update(time.time() - end)
            yield obj
            iter_time.update(time.time() - end)
            if i % print_freq == 0 or i == total - 1:
                eta = str(datetime.timedelta(seconds=int(iter_time.global_avg * (total - i))))
                parts = [header, f"[{i:{width}d}/{total}]", f"eta: {eta}", str(self),
                         f"time: {iter_time}", f"data: {data_time}"]
                echo(self.delimiter.join(parts))
            end = time.time()
        total_time = str(datetime.timedelta(seconds=int(time.time() - start)))
        echo(f"{header} Total time: {total_time}")
