"""Shared helpers for the manifest and sync tests: a root of runs, and SFTP request counting."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import paramiko

from tests.factories import make_run, metric_event


def make_root(root: Path, runs: int, *, age: float = 3600.0, events: int = 20) -> list[Path]:
    """``runs`` finished runs over a few projects/names, files dated ``age`` seconds back."""
    paths = []
    base = time.time() - age
    for i in range(runs):
        path = make_run(
            root,
            project=f"proj{i % 3}",
            name=f"exp{i % 7}",
            created_at=base,
            summary={"best_metric_value": i / runs, "best_metric_name": "acc"},
            events=[metric_event(s, base + s, loss=1.0 / (s + 1)) for s in range(events)],
            logs=f"12:00:00 | run {i}\n",
        )
        paths.append(path)
    backdate(root, age)
    return paths


def backdate(root: Path, age: float) -> None:
    """Set every mtime under ``root`` ``age`` seconds in the past (runs that settled long ago)."""
    stamp = time.time() - age
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            os.utime(os.path.join(dirpath, name), (stamp, stamp))
        os.utime(dirpath, (stamp, stamp))


class RequestCounter:
    """Counts SFTP protocol requests (each is a message to the server) of every SFTPClient."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    @contextmanager
    def counting(self) -> Iterator[RequestCounter]:
        original = paramiko.SFTPClient._async_request
        counter = self

        def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            with counter._lock:
                counter.count += 1
            return original(self, *args, **kwargs)

        paramiko.SFTPClient._async_request = counted  # type: ignore[method-assign]
        try:
            yield self
        finally:
            paramiko.SFTPClient._async_request = original  # type: ignore[method-assign]
