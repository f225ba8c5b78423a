"""``metrics_summary`` of the V2 experiment detail: data points, metric names, step range.

One pass over ``events.jsonl`` with orjson, remembered per file: a later call reads only the bytes
appended since (a training run keeps appending), and starts over when the file was replaced or
truncated (another inode, or shorter than what was read).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

# Keys of an event's data that are bookkeeping, not metrics.
_NOT_METRICS = frozenset({"global_step", "time", "stage"})
_CHUNK = 1 << 20
_MAX_ENTRIES = 256


@dataclass
class _State:
    inode: int = -1
    offset: int = 0
    points: int = 0
    metrics: set[str] = field(default_factory=set)
    step_min: int | None = None
    step_max: int | None = None

    def fold(self, line: bytes) -> None:
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            return
        if not isinstance(event, dict) or event.get("type") != "metrics":
            return
        data = event.get("data")
        if not isinstance(data, dict):
            return
        self.points += 1
        for key, value in data.items():
            if key not in _NOT_METRICS and isinstance(value, (int, float)) and not isinstance(value, bool):
                self.metrics.add(key)
        step = data.get("global_step")
        if isinstance(step, int) and not isinstance(step, bool):
            self.step_min = step if self.step_min is None else min(self.step_min, step)
            self.step_max = step if self.step_max is None else max(self.step_max, step)

    def as_summary(self) -> dict[str, Any]:
        return {
            "total_data_points": self.points,
            "available_metrics": sorted(self.metrics),
            "step_range": None if self.step_min is None else {"min": self.step_min, "max": self.step_max},
        }


_states: OrderedDict[str, _State] = OrderedDict()
_lock = threading.Lock()


def _read_from(path: Path, state: _State, size: int) -> None:
    """Fold the complete lines between ``state.offset`` and ``size`` (a partial last line waits)."""
    with open(path, "rb") as fh:
        fh.seek(state.offset)
        pending = b""
        remaining = size - state.offset
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                if line.strip():
                    state.fold(line)
            state.offset += len(chunk)
        # Unfinished last line: read it again next time, once its newline is there.
        state.offset -= len(pending)


def empty() -> dict[str, Any]:
    return _State().as_summary()


def summarize(path: Path) -> dict[str, Any]:
    """The summary of ``path`` (an events.jsonl); zeros when the file is missing or unreadable."""
    key = str(path)
    try:
        st = os.stat(path)
    except OSError:
        with _lock:
            _states.pop(key, None)
        return empty()
    with _lock:
        state = _states.pop(key, None)
    if state is None or state.inode != st.st_ino or st.st_size < state.offset:
        state = _State(inode=st.st_ino)
    try:
        if st.st_size > state.offset:
            # Outside the lock: a long first read must not hold up other runs' summaries.
            _read_from(path, state, st.st_size)
    except OSError:
        return empty()
    with _lock:
        _states[key] = state
        while len(_states) > _MAX_ENTRIES:
            _states.popitem(last=False)
    return state.as_summary()
