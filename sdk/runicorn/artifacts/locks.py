"""Advisory file locks: one per artifact (``<artifact>/.lock``) and one for the dedup pool.

``flock`` on Unix is what the reference SDK's ``filelock`` package uses on the same ``.lock``
file, so a reference writer and ours exclude each other too. The lock file is never deleted:
removing a lock file that another process waits on silently splits the lock in two.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

# flock is per open file description, so two threads of one process each get their own lock
# on separate opens; the thread lock makes exclusion hold inside a process on every platform.
_thread_locks: dict = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.RLock:
    key = os.path.abspath(path)
    with _thread_locks_guard:
        lock = _thread_locks.get(key)
        if lock is None:
            lock = _thread_locks[key] = threading.RLock()
        return lock


@contextmanager
def file_lock(path: Path, shared: bool = False) -> Iterator[None]:
    """Hold ``path`` locked (exclusive, or shared with other shared holders) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tlock = _thread_lock(path) if not shared else None
    if tlock is not None:
        tlock.acquire()
    try:
        fd = os.open(str(path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            else:  # no shared mode on Windows: take it exclusively
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                else:
                    os.lseek(fd, 0, os.SEEK_SET)
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)
    finally:
        if tlock is not None:
            tlock.release()
