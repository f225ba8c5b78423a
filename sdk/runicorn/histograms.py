"""Histograms of a run: ``run.log_histogram(key, values, step)`` and TensorBoard's ``add_histogram``.

Stored bucketed in ``histograms.jsonl`` in the run directory, one JSON object a line::

    {"ts": 1733300000.1, "key": "weights/fc1", "step": 3, "min": -0.9, "max": 1.2,
     "count": 4096, "sum": 12.5, "sum_squares": 310.2, "edges": [e0, ..., eN], "counts": [c1, ..., cN]}

``edges`` has one more entry than ``counts``; bucket i holds values in ``[edges[i], edges[i+1])``
(the last one closed). A file of its own rather than an ``events.jsonl`` event type: the metrics
readers (ours and the reference 0.5.x viewer) never see these lists, so neither their speed nor
their column schema changes, and the reference viewer simply ignores the file.

Standard library only: values may be any iterable of numbers, a numpy array or a torch tensor
(flattened through ``tolist()``); NaN and +-inf are left out of the buckets.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import layout

DEFAULT_BINS = 64
MAX_BINS = 512
_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
_append_lock = threading.Lock()


def _flat_values(values: Any) -> list[float]:
    if hasattr(values, "detach") and hasattr(values, "cpu"):  # torch tensor, without importing torch
        values = values.detach().cpu()
    if hasattr(values, "tolist") and hasattr(values, "shape"):  # numpy array or tensor
        values = values.tolist()
    out: list[float] = []
    stack: list[Any] = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, bool):
            out.append(float(item))
        elif isinstance(item, (int, float)):
            out.append(float(item))
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            stack.extend(list(item))
        else:
            try:
                out.append(float(item))
            except (TypeError, ValueError):
                continue
    return [v for v in out if math.isfinite(v)]


def _numpy_bucket(values: Any, bins: int) -> dict[str, Any] | None:
    """The same record computed by numpy for arrays and tensors (a layer's million weights take
    milliseconds instead of a second); None when numpy is not there."""
    try:
        import numpy as np
    except ImportError:
        return None
    if hasattr(values, "detach") and hasattr(values, "cpu"):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values, dtype=np.float64).ravel()
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return {"min": None, "max": None, "count": 0, "sum": 0.0, "sum_squares": 0.0, "edges": [], "counts": []}
    low, high = float(arr.min()), float(arr.max())
    stats = {"min": low, "max": high, "count": int(arr.size), "sum": float(arr.sum()),
             "sum_squares": float(np.dot(arr, arr))}
    if high == low:
        return {**stats, "edges": [low, high], "counts": [int(arr.size)]}
    counts, edges = np.histogram(arr, bins=bins, range=(low, high))
    return {**stats, "edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def bucket(values: Any, bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """``values`` as a histogram record (no key, step or time): equal-width buckets over min..max.

    An empty input gives ``count`` 0 and no buckets; all-equal values give one bucket. Arrays and
    tensors are bucketed by numpy when it is installed, anything else in pure Python.
    """
    if not isinstance(bins, int) or isinstance(bins, bool) or not 1 <= bins <= MAX_BINS:
        raise ValueError(f"bins must be an integer between 1 and {MAX_BINS}, got {bins!r}")
    if hasattr(values, "shape") and hasattr(values, "dtype"):
        done = _numpy_bucket(values, bins)
        if done is not None:
            return done
    data = _flat_values(values)
    if not data:
        return {"min": None, "max": None, "count": 0, "sum": 0.0, "sum_squares": 0.0, "edges": [], "counts": []}
    low, high = min(data), max(data)
    total = math.fsum(data)
    squares = math.fsum(v * v for v in data)
    if high == low:
        return {"min": low, "max": high, "count": len(data), "sum": total, "sum_squares": squares,
                "edges": [low, high], "counts": [len(data)]}
    width = (high - low) / bins
    counts = [0] * bins
    for value in data:
        index = int((value - low) / width)
        counts[min(index, bins - 1)] += 1
    edges = [low + i * width for i in range(bins)] + [high]
    return {"min": low, "max": high, "count": len(data), "sum": total, "sum_squares": squares,
            "edges": edges, "counts": counts}


def record(key: str, values: Any, step: int, bins: int = DEFAULT_BINS, ts: float | None = None) -> dict[str, Any]:
    """One ``histograms.jsonl`` object."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError("histogram key must be a non-empty string")
    doc: dict[str, Any] = {"ts": time.time() if ts is None else ts, "key": key, "step": int(step)}
    doc.update(bucket(values, bins))
    return doc


def append(run_dir: Path, doc: dict[str, Any]) -> None:
    """Append one record as a whole line (one ``os.write`` on an O_APPEND file: readers never see half)."""
    line = (json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    with _append_lock:
        fd = os.open(run_dir / layout.HISTOGRAMS_FILE, _OPEN_FLAGS, 0o666)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _valid(doc: Any) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("key"), str):
        return False
    step, edges, counts = doc.get("step"), doc.get("edges"), doc.get("counts")
    if not isinstance(step, int) or isinstance(step, bool):
        return False
    if not isinstance(edges, list) or not isinstance(counts, list):
        return False
    return (not counts and not edges) or len(edges) == len(counts) + 1


def read(path: Path, key: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every histogram in ``path`` by key, each list in step order; broken lines are skipped.

    ``key`` limits the answer to one key.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        fh = open(path, "rb")
    except OSError:
        return out
    with fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # a line still being written
            try:
                doc = json.loads(raw)
            except ValueError:
                continue
            if not _valid(doc) or (key is not None and doc["key"] != key):
                continue
            out.setdefault(doc["key"], []).append(doc)
    for series in out.values():
        series.sort(key=lambda d: d["step"])
    return out
