"""The persisted columnar metrics store: a run's :class:`MetricTable` as one Arrow IPC file.

The file lives in the viewer's data directory (``RUNICORN_METRICS_STORE_DIR``), never in the
storage root, which may be read-only or shared. One record batch, one column per metric (float64,
NaN where a row has no value), string columns as int32 codes (-1: none), plus ``step`` and ``ts``.
Loading memory-maps the file: a column costs nothing until an answer reads it, and the pages are
the kernel's page cache, shared and reclaimable, not the viewer's heap.

The schema's metadata says which part of ``events.jsonl`` the columns hold: the file's device and
inode, the byte offset read up to, and the first and last bytes before that offset. A store is
used only when all of them still match the file (the same file, not truncated, not rewritten),
and then only the bytes appended after the offset are parsed. Anything else — another inode, a
shorter file, other bytes, a broken or older store file — and the run is parsed from the start
and stored again.

The store is a checkpoint, not a log: it is rewritten (temp file + rename, so a reader never sees
half a file) when enough rows were added since the last write (:func:`due`); rows appended after it
are re-read from ``events.jsonl`` on the next load, which is exactly what a follower does anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from .table import MetricTable

try:
    import pyarrow as pa
    import pyarrow.ipc as pa_ipc
except ImportError:  # pragma: no cover - pyarrow is a server dependency; without it, no store
    pa = None

log = logging.getLogger(__name__)

FORMAT = 1  # bumped when the layout changes: older files are then rebuilt, never misread
META_KEY = b"runicorn"
EDGE_BYTES = 256  # bytes compared at the start of the file and before the stored offset
# A stored run is written again once it grew by this share of its rows (or MIN_NEW_ROWS), or after
# REWRITE_S with any change: a followed run costs one rewrite per REWRITE_S at most.
GROWTH_SHARE = 0.25
MIN_NEW_ROWS = 10_000
REWRITE_S = 60.0

saves = 0  # store files written by this process
loads = 0  # tables loaded from a store file


@dataclass
class Snapshot:
    """A table and the part of ``events.jsonl`` it holds."""

    table: MetricTable
    dev: int
    ino: int
    offset: int  # bytes of the events file folded into the table
    size: int  # the file's size when it was read
    head: bytes  # the file's first bytes (up to EDGE_BYTES)
    tail: bytes  # the EDGE_BYTES before ``offset``


def enabled() -> bool:
    return pa is not None and bool(settings.RUNICORN_METRICS_STORE_DIR)


def store_path(events: Path) -> Path | None:
    """Where the store of ``events`` lives; None when the store is off."""
    if not enabled():
        return None
    digest = hashlib.sha256(str(events).encode()).hexdigest()
    return Path(settings.RUNICORN_METRICS_STORE_DIR) / digest[:2] / f"{digest}.arrow"


def worth_storing(size: int) -> bool:
    return enabled() and size >= settings.RUNICORN_METRICS_STORE_MIN_BYTES


def due(rows: int, stored_rows: int, stored_at: float) -> bool:
    """Whether a table of ``rows`` should be written again, last written with ``stored_rows``."""
    if stored_rows <= 0:
        return rows > 0
    grown = rows - stored_rows
    return grown >= max(MIN_NEW_ROWS, stored_rows * GROWTH_SHARE) or (
        rows != stored_rows and time.monotonic() - stored_at >= REWRITE_S
    )


def read_edges(fd: int, offset: int) -> tuple[bytes, bytes]:
    """The first bytes of the file and the bytes just before ``offset``."""
    head = os.pread(fd, min(EDGE_BYTES, offset), 0)
    start = max(0, offset - EDGE_BYTES)
    return head, os.pread(fd, offset - start, start)


# ---------------------------------------------------------------------------- write


def save(events: Path, snap: Snapshot) -> bool:
    """Write ``snap`` as the store of ``events`` (atomically); False when the store is off."""
    global saves
    target = store_path(events)
    if target is None or snap.table.n == 0:
        return False
    table = snap.table
    names = sorted(table.numeric)
    labels = sorted(table.strings)
    meta = {
        "format": FORMAT,
        "events": str(events),
        "dev": snap.dev,
        "ino": snap.ino,
        "offset": snap.offset,
        "size": snap.size,
        "head": base64.b64encode(snap.head).decode(),
        "tail": base64.b64encode(snap.tail).decode(),
        "first_ts": table.first_ts if np.isfinite(table.first_ts) else None,
        "skipped": table.skipped,
        "numeric": names,
        "int_columns": sorted(table.int_columns),
        "gappy": sorted(table.gappy),
        "strings": {name: table.strings[name].values for name in labels},
    }
    n = table.n
    arrays = [pa.array(table.step[:n]), pa.array(table.ts[:n])]
    arrays += [pa.array(table.numeric[name][:n]) for name in names]
    arrays += [pa.array(table.strings[name].codes[:n]) for name in labels]
    fields = ["step", "ts", *(f"n{i}" for i in range(len(names))), *(f"s{i}" for i in range(len(labels)))]
    batch = pa.record_batch(arrays, names=fields).replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with pa.OSFile(str(temp), "wb") as sink, pa_ipc.new_file(sink, batch.schema) as writer:
            writer.write_batch(batch)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    saves += 1
    return True


# ---------------------------------------------------------------------------- read


def _open(target: Path) -> tuple[Any, dict[str, Any]] | None:
    try:
        reader = pa_ipc.open_file(pa.memory_map(str(target)))
        meta = json.loads((reader.schema.metadata or {})[META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or reader.num_record_batches != 1:
        return None
    return reader, meta


def _matches(meta: dict[str, Any], events: Path, fd: int, st: os.stat_result) -> bool:
    try:
        offset = int(meta["offset"])
        head, tail = base64.b64decode(meta["head"]), base64.b64decode(meta["tail"])
        same_file = (meta["events"], meta["dev"], meta["ino"]) == (str(events), st.st_dev, st.st_ino)
    except (KeyError, TypeError, ValueError):
        return False
    return same_file and 0 < offset <= st.st_size and read_edges(fd, offset) == (head, tail)


def load(events: Path, fd: int, st: os.stat_result) -> Snapshot | None:
    """The stored table of ``events`` when it still describes the open file ``fd``; else None."""
    global loads
    target = store_path(events)
    opened = _open(target) if target is not None else None
    if opened is None:
        return None
    reader, meta = opened
    if not _matches(meta, events, fd, st):
        return None
    try:
        batch = reader.get_batch(0)
        names, labels = meta["numeric"], list(meta["strings"])
        if batch.num_columns != 2 + len(names) + len(labels):
            raise ValueError("column count does not match the metadata")

        def column(i: int) -> np.ndarray:
            # By position (step, ts, then metrics, then strings): a lookup by name scans the
            # schema, quadratic over a run of 10,000 metrics.
            return batch.column(i).to_numpy(zero_copy_only=True)  # a view of the mapped file

        first_ts = meta["first_ts"]
        table = MetricTable.from_columns(
            column(0),
            column(1),
            {name: column(2 + i) for i, name in enumerate(names)},
            {name: (column(2 + len(names) + i), meta["strings"][name]) for i, name in enumerate(labels)},
            set(meta["int_columns"]),
            set(meta["gappy"]),
            float(first_ts) if first_ts is not None else float("inf"),
            int(meta["skipped"]),
        )
    except (KeyError, TypeError, ValueError, pa.ArrowException):
        log.warning("metrics store %s is unreadable; the run is parsed again", target)
        return None
    loads += 1
    head, tail = base64.b64decode(meta["head"]), base64.b64decode(meta["tail"])
    return Snapshot(table, st.st_dev, st.st_ino, int(meta["offset"]), int(meta["size"]), head, tail)


def is_current(events: Path, max_new_bytes: int) -> bool:
    """Whether a store describes ``events`` and at most ``max_new_bytes`` were appended since."""
    target = store_path(events)
    if target is None or not target.exists():
        return False
    try:
        fd = os.open(events, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        opened = _open(target)
        st = os.fstat(fd)
        if opened is None or not _matches(opened[1], events, fd, st):
            return False
        return st.st_size - int(opened[1]["offset"]) <= max_new_bytes
    finally:
        os.close(fd)


def remove(events: Path) -> None:
    target = store_path(events)
    if target is not None:
        target.unlink(missing_ok=True)


STALE_TEMP_S = 3600.0  # a temp file this old was left by a write that never finished


def sweep() -> int:
    """Remove store files of runs that are gone (their events file missing, or another file now),
    unreadable ones, and temp files of unfinished writes; the number removed."""
    if not enabled():
        return 0
    base = Path(settings.RUNICORN_METRICS_STORE_DIR)
    removed = 0
    now = time.time()
    for path in base.glob("*/*"):
        try:
            if path.name.endswith(".tmp"):
                if now - path.stat().st_mtime > STALE_TEMP_S:
                    path.unlink()
                    removed += 1
                continue
            if path.suffix != ".arrow":
                continue
            opened = _open(path)
            if opened is not None:
                meta = opened[1]
                st = os.stat(meta["events"])
                if (st.st_dev, st.st_ino) == (meta["dev"], meta["ino"]):
                    continue
            path.unlink()
            removed += 1
        except FileNotFoundError:  # the events file is gone (or the store file already was)
            path.unlink(missing_ok=True)
            removed += 1
        except (OSError, KeyError, TypeError):
            continue
    return removed
