"""One background thread at the lowest priority for the metrics store's writes and builds.

Requests come first: the thread runs at nice 19 (on Linux a thread has a nice value of its own),
and long jobs call :func:`yield_to_requests` between two pieces of work, which waits while any
metrics request is being answered (:func:`request_active` marks one). So a request never waits
behind a build; at worst it shares the CPU with one piece of it (a few MiB parsed).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000  # jobs waiting; more are dropped (a later reconcile offers them again)
IDLE_POLL_S = 0.05  # how often a paused job looks again whether the requests are done

_active = 0
_active_lock = threading.Condition()
_jobs: queue.Queue[tuple[object, Callable[[], None]]] = queue.Queue(QUEUE_LIMIT)
_queued: set[object] = set()  # keys of the jobs waiting, so one run is not queued twice
_queued_lock = threading.Lock()
_thread: threading.Thread | None = None
_thread_lock = threading.Lock()
pauses = 0  # times a job waited for requests (read by tests and the health figures)
# False: jobs wait in the queue until run_pending() (tests drive the thread's work themselves).
autostart = True


@contextmanager
def request_active() -> Iterator[None]:
    """Marks a request being answered: background jobs pause until none is."""
    global _active
    with _active_lock:
        _active += 1
    try:
        yield
    finally:
        with _active_lock:
            _active -= 1
            if _active == 0:
                _active_lock.notify_all()


def yield_to_requests() -> None:
    """Called by a background job between two pieces of work: returns once no request is active."""
    global pauses
    with _active_lock:
        if _active:
            pauses += 1
        while _active:
            _active_lock.wait(IDLE_POLL_S)


def submit(key: object, job: Callable[[], None]) -> bool:
    """Queue ``job`` unless a job with ``key`` is waiting already; False when it was not queued."""
    with _queued_lock:
        if key in _queued:
            return False
        try:
            _jobs.put_nowait((key, job))
        except queue.Full:
            return False
        _queued.add(key)
    if autostart:
        _ensure_thread()
    return True


def pending() -> int:
    with _queued_lock:
        return len(_queued)


def clear() -> None:
    """Drop the jobs waiting (tests)."""
    with _queued_lock:
        while True:
            try:
                _jobs.get_nowait()
            except queue.Empty:
                break
            _jobs.task_done()
        _queued.clear()


def run_pending() -> None:
    """Run every queued job in this thread, then wait for the one the background thread may be
    running (tests, and callers that want the work done now)."""
    while True:
        try:
            key, job = _jobs.get_nowait()
        except queue.Empty:
            break
        _run(key, job)
    _jobs.join()


def _run(key: object, job: Callable[[], None]) -> None:
    with _queued_lock:
        _queued.discard(key)
    try:
        job()
    except Exception:  # a broken store file or a full disk must not end the thread
        log.exception("metrics store job %r failed", key)
    finally:
        _jobs.task_done()


def _ensure_thread() -> None:
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="runicorn-metrics-store", daemon=True)
            _thread.start()


def _loop() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):  # not Linux, or not permitted: plain priority then
        pass
    while True:
        key, job = _jobs.get()
        yield_to_requests()
        _run(key, job)
