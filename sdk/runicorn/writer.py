"""The buffered writer behind ``log()``: an in-memory queue drained by a background thread.

``Run.log()`` only appends a small tuple to a deque (thread-safe, no lock, no I/O). A daemon thread
wakes every :data:`FLUSH_INTERVAL` seconds (sooner when the queue grows), turns the queued items
into JSON lines and appends them to events.jsonl / logs.txt with one ``os.write`` per chunk of
whole lines. Consequences:

* the training loop never waits for the disk;
* a reader (the viewer tailing the file) never sees a torn line, and after SIGKILL at most the
  last interval of events is missing -- every line on disk is complete;
* finish / exit paths call :meth:`RunWriter.drain` synchronously, so nothing queued is lost;
* a full, read-only or removed disk drops the chunk it refused (reported once per kind by
  :class:`runicorn.diskguard.DiskGuard`), cuts a partly written chunk back to its last whole
  line, and writing resumes by itself when the disk takes data again;
* a file left mid-line by a killed writer (resume after SIGKILL) is first put back on a fresh
  line: a torn JSON fragment at the end of events.jsonl is cut off, logs.txt gets a newline.

The lines have exactly the bytes ``json.dumps(event, ensure_ascii=False)`` gives (default
separators, like the reference SDK), but metrics lines are produced from a per-key-set ``%``
template because that is several times faster than ``json.dumps`` on the same dict.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .diskguard import DiskGuard
from .lifecycle import critical

logger = logging.getLogger("runicorn")

FLUSH_INTERVAL = 0.25  # seconds between background drains
WAKE_AT = 10_000  # queued items that wake the thread early
MAX_PENDING = 200_000  # beyond this the logging thread drains itself (bounds memory)
CHUNK_ITEMS = 20_000  # items formatted and written per os.write (bounds one write's size)

# A metrics item: (ts, global_step, payload of str -> exact int/float, stage or None).
# Any other event is queued as its finished line (a str ending in "\n").
MetricsItem = tuple[float, int, dict[str, Any], Any]

_STAGE_MARK = object()  # makes the group key of staged items differ from unstaged ones
_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


def event_line(event: dict[str, Any]) -> str:
    """One events.jsonl line for any event (the slow, general path)."""
    return json.dumps(event, ensure_ascii=False, default=str) + "\n"


def _metrics_template(keys: tuple[str, ...], with_stage: bool) -> str:
    # json.dumps gives the key's exact JSON spelling; '%' in a key must not act as a directive.
    fields = [json.dumps(str(k), ensure_ascii=False).replace("%", "%%") + ": %r" for k in keys]
    fields.append('"global_step": %d')
    fields.append('"time": %s')
    if with_stage:
        fields.append('"stage": %s')
    return '{"ts": %s, "type": "metrics", "data": {' + ", ".join(fields) + "}}\n"


def _write_all(fd: int, data: bytes) -> None:
    """Append ``data``; if the disk refuses part of it, cut the file back to its last whole line."""
    view = memoryview(data)
    done = 0
    try:
        while done < len(view):
            done += os.write(fd, view[done:])
    except OSError:
        if done:
            # Keep the whole lines that made it; the fragment after them would be an invalid
            # line in the middle of the file once writing resumes.
            keep = data.rfind(b"\n", 0, done) + 1
            os.ftruncate(fd, os.fstat(fd).st_size - (done - keep))
        raise


def start_on_fresh_line(path: Path, jsonl: bool) -> None:
    """Make sure the next line appended to ``path`` starts a line of its own.

    A writer killed mid-write (SIGKILL) leaves a fragment without its newline; appending to it
    would glue our first line onto it. In events.jsonl an unparseable fragment is cut off (it was
    never a whole event); anything else gets the missing newline.
    """
    try:
        with open(path, "rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return
            if jsonl:
                start = max(0, size - 65536)
                fh.seek(start)
                tail = fh.read()
                cut = tail.rfind(b"\n")
                if cut >= 0 or start == 0:
                    fragment = tail[cut + 1:]
                    if not _is_json_object(fragment):
                        fh.truncate(start + cut + 1)
                        logger.warning("runicorn: %s ended in a torn line (%d bytes, left by a writer that "
                                       "was killed); it was removed", path, len(fragment))
                        return
            fh.seek(0, os.SEEK_END)
            fh.write(b"\n")
    except OSError:
        return  # missing file, full disk: the append that follows reports what matters


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


class RunWriter:
    """Queues of one run's events and log lines plus the thread that writes them out."""

    def __init__(self, run_dir: Path, *, interval: float = FLUSH_INTERVAL, name: str = "run",
                 disk: DiskGuard | None = None) -> None:
        self.events: deque[Any] = deque()
        self.logs: deque[str] = deque()
        self.wake_at = WAKE_AT
        self.max_pending = MAX_PENDING
        self._paths = {"events": run_dir / "events.jsonl", "logs": run_dir / "logs.txt"}
        self._fds: dict[str, int] = {}
        self._interval = interval
        self._io_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._closed = False
        self._pid = os.getpid()
        self._templates: dict[tuple[str, ...], str] = {}
        self._stage_templates: dict[tuple[str, ...], str] = {}
        self._stage_json: dict[Any, str] = {}
        self._after_drain: list[Callable[[], None]] = []
        self._disk = disk if disk is not None else DiskGuard(run_dir)
        self._torn: set[str] = set()  # files whose last write failed: reopened before the next
        self._warned = False
        self._thread = threading.Thread(target=self._loop, name=f"runicorn-writer-{name}", daemon=True)
        self._thread.start()

    # ---- producer side -------------------------------------------------------------------
    def wake(self) -> None:
        """Ask the thread to drain now instead of at the next interval."""
        # Event.set() holds the Event's lock; the exit paths set it too (close), so a SIGTERM
        # handled inside this set() would wait on that lock forever: critical() defers it.
        # is_set() first: a producer calls this on every log() until the thread has drained.
        if not self._wake.is_set():
            with critical():
                self._wake.set()

    def pressure(self) -> None:
        """Called by producers when the queue is long: wake the thread, or drain here if huge."""
        if len(self.events) + len(self.logs) >= self.max_pending:
            self.drain()
        else:
            self.wake()

    def add_after_drain(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after each drain (used to write a changed summary.json)."""
        self._after_drain.append(callback)

    # ---- draining ------------------------------------------------------------------------
    def drain(self) -> None:
        """Write everything queued so far; returns when it is in the files (not fsynced)."""
        if os.getpid() != self._pid:
            # A forked child holds a copy of the parent's queue: never write it twice.
            self.events.clear()
            self.logs.clear()
            return
        with critical(), self._io_lock:
            if self._closed:
                return
            self._drain_queue(self.events, "events", self._format_events)
            self._drain_queue(self.logs, "logs", _identity_join)
            for callback in self._after_drain:
                try:
                    callback()
                except Exception:
                    logger.exception("runicorn: post-flush step failed")

    def _drain_queue(self, queue: deque[Any], which: str, fmt: Callable[[list[Any]], str]) -> None:
        pending = len(queue)
        pop = queue.popleft  # popleft is atomic: producers may keep appending meanwhile
        while pending > 0:
            count = min(pending, CHUNK_ITEMS)
            items = [pop() for _ in range(count)]
            pending -= count
            try:
                data = fmt(items).encode("utf-8", "replace")
            except (TypeError, ValueError) as exc:  # a value no JSON can hold: tell the user once
                if not self._warned:
                    self._warned = True
                    logger.error("runicorn: could not format events for %s (%s); they were dropped",
                                 self._paths[which], exc)
                continue
            try:
                _write_all(self._fd(which), data)
            except OSError as exc:
                # Disk full, read-only or run directory removed: training goes on, the chunk is
                # dropped, and the next drain tries again.
                self._disk.failed(self._paths[which].name, exc)
                self._torn.add(which)  # reopen (and repair the tail) before the next write
                continue
            self._disk.succeeded()

    def _fd(self, which: str) -> int:
        fd = self._fds.get(which)
        if fd is not None and which in self._torn:
            # After a failed write the tail may still hold a fragment (the cut-back can fail too):
            # close, and let the reopen below repair it.
            self._fds.pop(which)
            os.close(fd)
            fd = None
        if fd is None:
            self._torn.discard(which)  # a fresh open repairs the tail anyway
            path = self._paths[which]
            start_on_fresh_line(path, jsonl=which == "events")
            fd = self._fds[which] = os.open(path, _OPEN_FLAGS, 0o644)
        return fd

    def _format_events(self, items: Iterable[Any]) -> str:
        # Consecutive metrics items with the same keys (the usual case) are rendered by ONE
        # %-operation over the template repeated n times: the per-line Python overhead, not the
        # float formatting, is what dominates otherwise.
        out: list[str] = []
        args: list[Any] = []
        extend = args.extend
        group: tuple[Any, ...] | None = None
        template = ""
        count = 0
        for item in items:
            if item.__class__ is str:
                if count:
                    out.append((template * count) % tuple(args))
                    args.clear()
                    count = 0
                group = None
                out.append(item)
                continue
            ts, step, payload, stage = item
            keys = tuple(payload)
            if stage is None:
                if keys != group:
                    if count:
                        out.append((template * count) % tuple(args))
                        args.clear()
                        count = 0
                    group = keys
                    template = self._template(keys, False)
                tsr = repr(ts)  # once: "ts" and "time" hold the same value, and repr is the cost
                extend((tsr, *payload.values(), step, tsr))
            else:
                skeys = (*keys, _STAGE_MARK)
                if skeys != group:
                    if count:
                        out.append((template * count) % tuple(args))
                        args.clear()
                        count = 0
                    group = skeys
                    template = self._template(keys, True)
                tsr = repr(ts)
                extend((tsr, *payload.values(), step, tsr, self._stage_text(stage)))
            count += 1
        if count:
            out.append((template * count) % tuple(args))
        return "".join(out)

    def _template(self, keys: tuple[str, ...], with_stage: bool) -> str:
        cache = self._stage_templates if with_stage else self._templates
        tpl = cache.get(keys)
        if tpl is None:
            if len(cache) > 10_000:  # keys that change every call must not grow memory forever
                cache.clear()
            tpl = cache[keys] = _metrics_template(keys, with_stage)
        return tpl

    def _stage_text(self, stage: Any) -> str:
        text = self._stage_json.get(stage)
        if text is None:
            text = json.dumps(stage, ensure_ascii=False)
            if len(self._stage_json) < 1000:
                self._stage_json[stage] = text
        return text

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.wait(self._interval)
            self._wake.clear()
            try:
                self.drain()
            except Exception:  # keep the thread alive whatever happens
                logger.exception("runicorn: background flush failed")

    # ---- shutdown ------------------------------------------------------------------------
    def close(self, *, fsync: bool = True) -> None:
        """Stop the thread, write what is left, fsync and close the files. Idempotent."""
        if os.getpid() != self._pid:
            return
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            # The thread ends within one drain; even if it does not, the drain below is safe.
            self._thread.join(timeout=5.0)
        self.drain()
        with critical(), self._io_lock:
            if self._closed:
                return
            self._closed = True
            for fd in self._fds.values():
                try:
                    if fsync:
                        os.fsync(fd)
                except OSError as exc:  # the lines are written; only durability is in doubt
                    logger.warning("runicorn: fsync failed: %s", exc)
                finally:
                    os.close(fd)
            self._fds.clear()

    def detach_after_fork(self) -> None:
        """In a forked child: drop the parent's queue; the parent still owns the files."""
        self.events.clear()
        self.logs.clear()
        self._closed = True
        self._io_lock = threading.Lock()  # the parent's writer thread may have held it at fork
        self._fds.clear()  # the descriptors are the parent's; leave them to it


def _identity_join(items: list[str]) -> str:
    return "".join(items)
