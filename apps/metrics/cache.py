"""Per-run metric tables kept in memory, refreshed from the bytes appended since the last read.

A request stats ``events.jsonl`` and reads only what was appended since (a half-written last line
waits for its newline). A file that shrank or was replaced — another inode, or different first
bytes — is read again from the start. The cache holds whole runs, least recently used first out,
within a byte budget (``RUNICORN_METRICS_CACHE_BYTES``) and an entry count. While a large run is
not parsed yet, ``preview`` gives a table of a sample of its lines (``preview.py``), kept until
the run's own table is ready.

Thread safety: one lock per run serialises refreshes and reads of that run's table (two cold
requests parse the file once); one global lock guards the LRU map and the counters. Both are only
ever taken in worker threads, never on the event loop.
"""

from __future__ import annotations

import itertools
import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.conf import settings

from apps.common.paths import contained

from . import background, store
from . import preview as sampling
from .parsing import parse_block
from .preview import FileKey
from .table import MetricTable

READ_CHUNK = 4 << 20  # bytes per read during a full parse: bounds the transient memory (measured: 16 MiB
# chunks peak ~90 MB higher for a 200 MB file, at the same speed)
HEAD_BYTES = 256  # first bytes remembered to notice a file rewritten in place
MAX_RESPONSES = 8  # serialised responses kept per run (one per endpoint/downsample in use)
MAX_PREVIEWS = 4  # sample tables kept for runs being parsed (a page opens one run at a time)
# How long a preview request waits for a run's lock (held by a refresh or an answer, a few ms)
# before it samples instead; during a full parse it does not wait at all.
READY_WAIT_S = 0.2

# "store": the table came from the persisted store (apps/metrics/store.py), plus any bytes
# appended since; "miss": the file was parsed from the start.
Outcome = Literal["hit", "incremental", "miss", "store"]
T = TypeVar("T")
# Generations are unique across entries: a follower's token from an evicted entry never matches
# the entry that replaces it.
_generations = itertools.count(1)


@dataclass
class FileState:
    dev: int
    ino: int
    size: int  # size at the last look
    offset: int  # bytes consumed: everything before is in the table
    head: bytes
    tail: bytes = b""  # the bytes just before ``offset`` (the store checks both edges)


class RunMetrics:
    """The table of one ``events.jsonl`` and the responses built from its current version."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.table = MetricTable()
        self.state: FileState | None = None
        self.looked = False
        self.generation = next(_generations)  # renewed on every full read: followers must start over
        self.responses: dict[Any, tuple[tuple[int, int], Any, int]] = {}
        self.size_estimate = 0  # nbytes at the end of the last use, read by the evictor
        self.parsing = False  # a full read is under way (read without the lock, by ``ready``)
        self.between_chunks: Callable[[], None] | None = None
        # The last table handed to the store: rows, when, and its token (see ``store_snapshot``).
        self.stored_rows = 0
        self.stored_at = 0.0
        self.stored_token: tuple[int, int] | None = None

    @property
    def nbytes(self) -> int:
        return self.table.nbytes + sum(size for _, _, size in self.responses.values())

    @property
    def token(self) -> tuple[int, int]:
        """Changes whenever the table does."""
        return (self.generation, self.table.version)

    def refresh(self, between_chunks: Callable[[], None] | None = None) -> Outcome:
        """Bring the table in step with the file. Caller holds ``self.lock`` (or owns the entry).
        ``between_chunks`` is called after each chunk read (the background builder pauses there)."""
        before = self.token
        self.between_chunks = between_chunks
        try:
            outcome = self._refresh()
        finally:
            self.between_chunks = None
        if self.token != before:
            self.responses.clear()
        self.looked = True
        return outcome

    def _refresh(self) -> Outcome:
        try:
            # Resolved at each open (a symlink planted later is refused); O_NONBLOCK: a FIFO must not hang us.
            fd = os.open(contained(self.path.parent, self.path.name), os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return self._gone()
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return self._gone()
            stored = self.state is None and not self.looked and self._load_store(fd, st)
            state = self.state
            if state is not None and (st.st_dev, st.st_ino) == (state.dev, state.ino) and st.st_size >= state.offset:
                if st.st_size == state.size:
                    return "store" if stored else "hit"
                if os.pread(fd, len(state.head), 0) == state.head:
                    before = self.table.version
                    self._read(fd, state, st.st_size)
                    if stored:
                        return "store"
                    return "incremental" if self.table.version != before else "hit"
            self._full_read(fd, st)
            return "miss"
        finally:
            os.close(fd)

    def _gone(self) -> Outcome:
        if self.state is not None:  # the file went away: nothing to show any more
            self._reset(MetricTable())
            self.state = None
            return "miss"
        return "hit" if self.looked else "miss"

    def _reset(self, table: MetricTable) -> None:
        self.table = table
        self.generation = next(_generations)
        self.stored_rows, self.stored_token = 0, None

    def _load_store(self, fd: int, st: os.stat_result) -> bool:
        """The first look in this process: take the table from the store when it matches the file."""
        snap = store.load(self.path, fd, st)
        if snap is None:
            return False
        self._reset(snap.table)
        self.state = FileState(snap.dev, snap.ino, snap.size, snap.offset, snap.head, snap.tail)
        self.stored_rows, self.stored_at, self.stored_token = snap.table.n, time.monotonic(), self.token
        return True

    def store_snapshot(self) -> store.Snapshot | None:
        """A snapshot for the store when the table is worth writing again (``store.due``); the
        columns are shared, not copied. Caller holds the lock."""
        state = self.state
        if state is None or self.token == self.stored_token or not store.worth_storing(state.size):
            return None
        if not store.due(self.table.n, self.stored_rows, self.stored_at):
            return None
        snap = store.Snapshot(
            self.table.snapshot(), state.dev, state.ino, state.offset, state.size, state.head, state.tail
        )
        self.stored_rows, self.stored_at, self.stored_token = self.table.n, time.monotonic(), self.token
        return snap

    def _full_read(self, fd: int, st: os.stat_result) -> None:
        state = FileState(st.st_dev, st.st_ino, 0, 0, b"")
        self._reset(MetricTable())
        self.state = state
        self.parsing = True
        try:
            self._read(fd, state, st.st_size, size_columns=True)
        finally:
            self.parsing = False
        self.table.trim()

    def _read(self, fd: int, state: FileState, size: int, size_columns: bool = False) -> None:
        pos, leftover, schema = state.offset, b"", None
        while pos < size:
            data = os.pread(fd, min(READ_CHUNK, size - pos), pos)
            if not data:
                break
            pos += len(data)
            buf = leftover + data if leftover else data
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                leftover = buf
                continue
            block, leftover = buf[:cut], buf[cut:]
            batch = parse_block(block, schema=schema)
            schema = batch.schema
            if size_columns:
                # Size the columns once from the first block's row density, not by doubling.
                size_columns = False
                self.table = MetricTable(capacity=int(batch.size * size / cut * 1.02) + 16)
            self.table.add(batch)
            if self.between_chunks is not None:
                self.between_chunks()
        state.offset = pos - len(leftover)
        state.size = size
        if len(state.head) < HEAD_BYTES and state.offset > len(state.head):
            state.head = os.pread(fd, min(HEAD_BYTES, state.offset), 0)
        tail_start = max(0, state.offset - store.EDGE_BYTES)
        state.tail = os.pread(fd, state.offset - tail_start, tail_start)

    def cheap_to_refresh(self, max_new_bytes: int) -> bool:
        """Whether a refresh now reads at most ``max_new_bytes`` appended (no full parse). Caller
        holds the lock."""
        state = self.state
        if state is None:
            return self.looked  # looked, and there was no file: nothing to parse
        try:
            st = os.stat(self.path)
        except OSError:
            return True
        same_file = (st.st_dev, st.st_ino) == (state.dev, state.ino)
        return same_file and state.offset <= st.st_size <= state.offset + max_new_bytes

    # ------------------------------------------------------------------ built responses

    def cached(self, key: Any, build: Callable[[], tuple[T, int]]) -> T:
        """``build()`` once per table version and ``key``; ``build`` returns (value, its size)."""
        hit = self.responses.get(key)
        if hit is not None and hit[0] == self.token:
            return hit[1]  # type: ignore[no-any-return]
        value, size = build()
        if size <= settings.RUNICORN_METRICS_CACHE_BYTES // 8:
            if len(self.responses) >= MAX_RESPONSES:
                self.responses.pop(next(iter(self.responses)))
            self.responses[key] = (self.token, value, size)
        return value


@dataclass
class Preview:
    """A sample table of a run's file (see ``preview.py``); ``lock`` serialises its readers."""

    key: FileKey
    table: MetricTable
    lock: threading.Lock


class MetricsCache:
    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[str, RunMetrics] = OrderedDict()
        self._previews: OrderedDict[str, Preview] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.incremental_updates = self.store_loads = 0

    def use(self, path: Path, work: Callable[[RunMetrics], T], count: bool = True) -> T:
        """Refresh the run's table and call ``work(entry)`` while holding its lock.

        ``count=False`` keeps the look out of the hit/miss statistics (WebSocket followers
        re-check on every poll tick; the statistics describe requests).
        """
        key = str(path)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = RunMetrics(path)
            self._entries.move_to_end(key)
        with background.request_active() if count else nullcontext(), entry.lock:
            outcome = entry.refresh()
            result = work(entry)
            entry.size_estimate = entry.nbytes
            snap = entry.store_snapshot()
        if snap is not None:
            background.submit(("save", key), partial(store.save, path, snap))
        with self._lock:
            self._previews.pop(key, None)  # the table itself answers from now on
            if not count:
                pass
            elif outcome == "hit":
                self.hits += 1
            elif outcome == "incremental":
                self.incremental_updates += 1
            elif outcome == "store":
                self.store_loads += 1
            else:
                self.misses += 1
            self._evict(keep=key)
        return result

    def ready(self, path: Path) -> bool:
        """Whether ``use(path)`` would answer now: the table was read, less appended since than
        a preview is worth, and nobody is parsing the file at this moment."""
        max_new = max(sampling.min_bytes(), 1) - 1
        with self._lock:
            entry = self._entries.get(str(path))
        if entry is None:
            return store.is_current(path, max_new)  # a restart: the store answers without a parse
        if entry.parsing or not entry.lock.acquire(timeout=READY_WAIT_S):
            return False
        try:
            if entry.state is None and not entry.looked:
                return store.is_current(path, max_new)
            return entry.cheap_to_refresh(max_new)
        finally:
            entry.lock.release()

    def preview(self, path: Path) -> Preview | None:
        """A sample table of ``path`` while its own table is not ready; None when it is (or when
        the file is too small to need one): then ``use`` answers exactly."""
        if not sampling.min_bytes() or self.ready(path):
            return None
        key = str(path)
        with self._lock:
            known = self._previews.get(key)
        try:
            current = FileKey.of(os.stat(path))
        except OSError:
            return None
        if known is not None and known.key == current:
            return known
        sampled = sampling.sample_table(path)
        if sampled is None:
            return None
        fresh = Preview(sampled[0], sampled[1], threading.Lock())
        with self._lock:
            self._previews[key] = fresh
            while len(self._previews) > MAX_PREVIEWS:
                self._previews.popitem(last=False)
        return fresh

    def _evict(self, keep: str) -> None:
        # Each entry's size as of its last use (reading live tables here would race their owners).
        total = sum(e.size_estimate for e in self._entries.values())
        while len(self._entries) > 1 and (total > self.max_bytes or len(self._entries) > self.max_entries):
            oldest_key = next(iter(self._entries))
            if oldest_key == keep:
                self._entries.move_to_end(keep)
                oldest_key = next(iter(self._entries))
            total -= self._entries.pop(oldest_key).size_estimate

    def stats(self) -> dict[str, Any]:
        with self._lock:
            requests = self.hits + self.misses + self.incremental_updates + self.store_loads
            return {
                "size": len(self._entries),
                "max_size": self.max_entries,
                "hits": self.hits,
                "misses": self.misses,
                "incremental_updates": self.incremental_updates,
                "store_loads": self.store_loads,
                "hit_rate": self.hits / requests if requests else 0.0,
                "incremental_rate": self.incremental_updates / requests if requests else 0.0,
                "bytes": sum(e.size_estimate for e in self._entries.values()),
                "max_bytes": self.max_bytes,
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._previews.clear()
            self.hits = self.misses = self.incremental_updates = self.store_loads = 0

    def holds(self, path: Path) -> bool:
        """Whether the run's table is in memory (someone opened it in this process)."""
        with self._lock:
            return str(path) in self._entries


_cache: MetricsCache | None = None
_cache_lock = threading.Lock()


def get_cache() -> MetricsCache:
    global _cache
    with _cache_lock:
        if _cache is None:
            _cache = MetricsCache(settings.RUNICORN_METRICS_CACHE_BYTES, settings.RUNICORN_METRICS_CACHE_ENTRIES)
        return _cache


def reset_cache() -> None:
    """A fresh, empty cache (tests; or after the storage root changes)."""
    global _cache
    with _cache_lock:
        _cache = None
