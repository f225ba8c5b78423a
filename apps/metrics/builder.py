"""Builds the metrics store of runs nobody has opened yet, in the background.

The indexer offers every run it wrote (:func:`offer_runs`); a run whose ``events.jsonl`` is worth
storing and that has no current store is queued on the low-priority thread (``background``). The
build parses the file into a table of its own, outside the cache, so no request ever waits on it;
between two chunks it waits while requests are being answered, and it stops when someone opens
the run meanwhile (that request parses the file itself and stores it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from runicorn import layout

from . import background, store
from .cache import RunMetrics, get_cache

builds = 0  # stores written by the builder (tests)


def start() -> None:
    """At a viewer's start: tidy the store (runs deleted or replaced while it was stopped)."""
    if store.enabled():
        background.submit(("sweep",), store.sweep)


def on_runs_saved(sender: Any, rows: Sequence[Any], **kwargs: Any) -> None:
    """Receiver of ``apps.runs.indexer.runs_saved`` (Run instances just written)."""
    offer_runs(row.run_dir for row in rows if not row.deleted)


def offer_runs(run_dirs: Iterable[str | Path]) -> int:
    """Queue a store build for each run whose events file is worth storing; the number queued."""
    if not store.enabled():
        return 0
    queued = 0
    for run_dir in run_dirs:
        events = Path(run_dir) / layout.EVENTS_FILE
        try:
            size = os.stat(events).st_size  # one stat: most runs are too small to queue at all
        except OSError:
            continue
        if store.worth_storing(size) and background.submit(("build", str(events)), lambda events=events: build(events)):
            queued += 1
    return queued


def build(events: Path) -> bool:
    """Parse ``events`` and store it unless it is small, stored already, or opened meanwhile."""
    global builds
    try:
        st = os.stat(events)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or not store.worth_storing(st.st_size):
        return False
    if get_cache().holds(events) or store.is_current(events, 0):
        return False
    entry = RunMetrics(events)  # private: not in the cache, so requests never wait on its lock
    opened = False

    def between_chunks() -> None:
        nonlocal opened
        background.yield_to_requests()
        if get_cache().holds(events):
            opened = True
            raise _Opened

    try:
        entry.refresh(between_chunks=between_chunks)
    except _Opened:
        return False
    snap = entry.store_snapshot()
    if opened or snap is None or not store.save(events, snap):
        return False
    builds += 1
    return True


class _Opened(Exception):
    """The run was opened while it was being built: the request's own parse takes over."""
