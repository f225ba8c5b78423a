"""Disk failures never reach the training loop: each kind is reported once, then writing goes on.

A training job must outlive its tracker. When the storage root fills up, turns read-only or
loses the run directory, every SDK call still returns; what could not be written is dropped, the
user is told once per kind of failure on stderr (through the ``runicorn`` logger, which prints
there when the application configured no logging), and a write that works again is announced,
so a log that says "disk full" also says when the gap ended.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger("runicorn")

# errno -> (kind, what the user can do). Kinds, not errnos, are reported once: EDQUOT is a full
# disk for the user as much as ENOSPC.
_KINDS = {
    errno.ENOSPC: ("the disk is full", "free some space; writing resumes by itself"),
    errno.EROFS: ("the file system is read-only", "remount it read-write or give rn.init(storage=...) another root"),
    errno.ENOENT: ("the run directory was removed", "nothing more of this run is kept on disk"),
    errno.ENOTDIR: ("the run directory was removed", "nothing more of this run is kept on disk"),
    errno.EACCES: ("permission was denied", "make the storage root writable for this user"),
    errno.EPERM: ("permission was denied", "make the storage root writable for this user"),
    errno.EIO: ("the disk reported an I/O error", "check the disk"),
}
for _name in ("EDQUOT", "ESTALE"):
    _code = getattr(errno, _name, None)
    if _code is not None:
        _KINDS[_code] = _KINDS[errno.ENOSPC] if _name == "EDQUOT" else _KINDS[errno.ENOENT]


def kind_of(exc: OSError) -> tuple[str, str]:
    """The kind of a disk failure and the advice for it."""
    found = _KINDS.get(exc.errno or 0)
    if found is not None:
        return found
    return (f"writing failed ({exc.strerror or exc})", "check the storage root")


class DiskGuard:
    """The disk failures of one run: reported once per kind, recovery reported once."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self._reported: set[str] = set()
        self._failing = False
        self._recovered_said = False
        # Re-entrant: a SIGTERM handled on the main thread while it holds this lock runs the exit
        # path, which reports through here too (see runicorn.lifecycle.critical).
        self._lock = threading.RLock()

    def failed(self, what: str, exc: OSError) -> None:
        """Record that writing ``what`` (e.g. "summary.json") failed with ``exc``."""
        kind, advice = kind_of(exc)
        with self._lock:
            self._failing = True
            if kind in self._reported:
                return
            self._reported.add(kind)
        logger.error("runicorn: could not write %s in %s: %s (%s). Training goes on and this data is "
                     "dropped; %s.", what, self.where, kind, exc, advice)

    def succeeded(self) -> None:
        """Called after a write that worked: the first one after a failure is announced once."""
        if not self._failing:
            return
        with self._lock:
            if not self._failing:
                return
            self._failing = False
            say = not self._recovered_said
            self._recovered_said = True
        if say:
            logger.warning("runicorn: writing to %s works again; data logged meanwhile was dropped", self.where)

    @property
    def failing(self) -> bool:
        """True after a failure until the next write that worked."""
        return self._failing

    def attempt(self, what: str, write: Callable[[], Any], only_inside: Path | None = None) -> bool:
        """Call ``write()``; an ``OSError`` is reported (once per kind) instead of raised.

        True when it worked. ``what`` names the file for the report, e.g. ``"summary.json"``.
        With ``only_inside``, an error about a file outside that folder (a missing source image,
        the caller's mistake) is raised as usual.
        """
        try:
            write()
        except OSError as exc:
            if only_inside is not None and not is_about(exc, only_inside):
                raise
            self.failed(what, exc)
            return False
        self.succeeded()
        return True


def is_about(exc: OSError, folder: Path) -> bool:
    """Whether ``exc`` concerns a file in ``folder`` (an error from a bare ``write()`` names none)."""
    names = [n for n in (exc.filename, exc.filename2) if n is not None]
    if not names:
        return True
    for name in names:
        try:
            Path(os.fsdecode(name)).resolve().relative_to(folder)
        except (ValueError, OSError):
            continue
        return True
    return False
