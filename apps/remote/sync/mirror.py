"""Bring the local cache in line with a listing of remote run files, fetching only what changed.

A listing comes from a manifest or from a directory walk; both produce ``FileEntry`` objects. The
plan compares each entry with what the cache holds (``SyncState``) and the transfers run on a few
SFTP channels at once, most important files first. Interrupting (an exception from the progress
callback, Ctrl-C) stops the transfers, keeps what completed, and leaves no partial file; the next
sync fetches the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runicorn import layout
from runicorn.manifest.models import FileEntry, manifest_path_error

from .state import SyncState
from .transfer import RemoteRewritten, SftpPool, append_file, fetch_tail, fetch_whole, fetch_whole_json

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
ATTEMPTS = 2
SAVE_EVERY_SECONDS = 2.0


class SyncInterrupted(Exception):
    """Raised inside workers when the sync is being stopped."""


@dataclass
class SyncStats:
    files_synced: int = 0
    bytes_downloaded: int = 0
    incremental_count: int = 0  # appended files fetched by their tail
    full_count: int = 0
    files_removed: int = 0
    failed_count: int = 0
    rejected_count: int = 0  # listing entries refused (unexpected or unsafe paths)
    skipped: bool = False
    reason: str | None = None
    mode: str = "manifest"
    manifest_revision: int | None = None
    manifest_snapshot_id: str | None = None
    manifest_bytes: int = 0
    duration: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Action:
    entry: FileEntry
    local: Path
    have: int  # bytes of the local copy to keep and append to; 0 = fetch whole


def same_mtime(a: float, b: float) -> bool:
    """Equal modification times; SFTP listings carry whole seconds, manifests carry fractions."""
    if a == b:
        return True
    if float(a).is_integer() or float(b).is_integer():
        return int(a) == int(b)
    return False


def run_prefix(path: str) -> str:
    return "/".join(path.split("/")[:4])


class Mirror:
    def __init__(self, pool: SftpPool, remote_root: str, state: SyncState) -> None:
        self.pool = pool
        self.remote_root = remote_root.rstrip("/") or "/"
        self.state = state
        self._stop = threading.Event()
        self._run_dirs: dict[str, Path] = {}

    # -- planning ----------------------------------------------------------------------------

    def plan(self, entries: Iterable[FileEntry], stats: SyncStats) -> tuple[list[_Action], set[str]]:
        actions: list[_Action] = []
        listed: set[str] = set()
        for entry in entries:
            if manifest_path_error(entry.path) is not None or entry.size < 0:
                stats.rejected_count += 1
                continue
            local = self._local_path(entry.path)
            if local is None:
                stats.rejected_count += 1
                continue
            listed.add(entry.path)
            action = self._decide(entry, local)
            if action is not None:
                actions.append(action)
        actions.sort(key=lambda a: (a.entry.priority or 9, a.entry.size, a.entry.path))
        return actions, listed

    def _local_path(self, path: str) -> Path | None:
        """Where ``path`` (already checked by ``manifest_path_error``) lives in the cache.

        The run directory is resolved once per run (no symlink may lead out of the cache); the
        rest of the path is a known file name or a media path without dot segments.
        """
        prefix = run_prefix(path)
        run_dir = self._run_dirs.get(prefix)
        if run_dir is None:
            try:
                run_dir = layout.safe_join(self.state.cache_dir, *prefix.split("/"))
            except layout.InvalidName:
                return None
            self._run_dirs[prefix] = run_dir
        return run_dir.joinpath(*path.split("/")[4:])

    def _decide(self, entry: FileEntry, local: Path) -> _Action | None:
        rec = self.state.files.get(entry.path)
        try:
            actual = os.stat(local).st_size
        except OSError:
            actual = None
        if rec is None or actual is None:
            return _Action(entry, local, 0)
        have = int(rec[0])
        if actual < have:  # the local copy was cut short behind our back
            return _Action(entry, local, 0)
        if entry.is_append_only:
            if entry.size == have:
                rec[1] = entry.mtime  # touched, or listed with a coarser clock: not grown
                return None
            if entry.size > have > 0:
                return _Action(entry, local, have)
            return _Action(entry, local, 0)
        if have == entry.size and same_mtime(rec[1], entry.mtime) and actual == have:
            return None
        return _Action(entry, local, 0)

    # -- executing ---------------------------------------------------------------------------

    def execute(self, actions: list[_Action], stats: SyncStats, progress: ProgressCallback | None) -> None:
        total = len(actions)
        if not total:
            return
        self._stop.clear()
        pending = iter(actions)
        running: dict[Future[tuple[int, int, bool]], _Action] = {}
        completed = 0
        last_save = time.monotonic()
        workers = self.pool.prepare(total)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="runicorn-sync") as pool:
            try:
                for action in _take(pending, workers * 2):
                    running[pool.submit(self._transfer, action)] = action
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        action = running.pop(future)
                        self._record(future, action, stats)
                        completed += 1
                        for nxt in _take(pending, 1):
                            running[pool.submit(self._transfer, nxt)] = nxt
                        if progress is not None:
                            progress(completed, total, action.entry.path)
                    if time.monotonic() - last_save > SAVE_EVERY_SECONDS:
                        self.state.save()
                        last_save = time.monotonic()
            except BaseException:
                # Stop: workers abandon their download at the next chunk; keep what finished.
                self._stop.set()
                for future in running:
                    future.cancel()
                for future, action in list(running.items()):
                    with contextlib.suppress(BaseException):
                        future.exception()
                    if future.done() and not future.cancelled() and future.exception() is None:
                        self._record(future, action, stats)
                raise

    def _record(self, future: Future[tuple[int, int, bool]], action: _Action, stats: SyncStats) -> None:
        error = future.exception()
        if error is not None:
            stats.failed_count += 1
            log.warning("could not fetch %s: %s", action.entry.path, error)
            return
        transferred, held, incremental = future.result()
        self.state.files[action.entry.path] = [held, action.entry.mtime]
        stats.files_synced += 1
        stats.bytes_downloaded += transferred
        if incremental:
            stats.incremental_count += 1
        else:
            stats.full_count += 1

    def _transfer(self, action: _Action) -> tuple[int, int, bool]:
        """Fetch one file; returns (bytes transferred, bytes the local copy now holds, by tail?)."""
        for attempt in range(ATTEMPTS):
            if self._stop.is_set():
                raise SyncInterrupted(action.entry.path)
            try:
                return self._transfer_once(action)
            except (SyncInterrupted, FileNotFoundError):
                raise
            except Exception as exc:  # a dropped channel, a server error: one more try
                if attempt + 1 == ATTEMPTS:
                    raise
                log.info("retrying %s after %s", action.entry.path, exc)
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def _transfer_once(self, action: _Action) -> tuple[int, int, bool]:
        with self.pool.client() as client:
            return self._fetch(_StoppableClient(client, self._stop), action)

    def _fetch(self, sftp: _StoppableClient, action: _Action) -> tuple[int, int, bool]:
        entry = action.entry
        remote = f"{self.remote_root}/{entry.path}"
        action.local.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state.new_tmp_file()
        try:
            if action.have:
                try:
                    got = fetch_tail(sftp, remote, action.local, action.have, entry.size, tmp)
                    held = append_file(action.local, action.have, tmp)
                    os.utime(action.local, (entry.mtime, entry.mtime))
                    return got, held, True
                except RemoteRewritten:
                    log.info("%s was rewritten, not appended to: fetching it whole", entry.path)
            if entry.is_append_only:
                got = fetch_whole(sftp, remote, tmp, entry.size, to_eof=False)
                held = got
            elif entry.path.endswith(".json") or entry.path.endswith(layout.DELETED_MARKER):
                got = fetch_whole_json(sftp, remote, tmp, entry.size)
                held = entry.size
            else:
                got = fetch_whole(sftp, remote, tmp, entry.size, to_eof=True)
                held = entry.size
            os.utime(tmp, (entry.mtime, entry.mtime))
            os.chmod(tmp, 0o644)
            os.replace(tmp, action.local)
            return got, held, False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    # -- removing ----------------------------------------------------------------------------

    def remove_unlisted(self, listed: set[str], scope: set[str] | None, stats: SyncStats) -> None:
        """Drop mirrored files the server no longer has: all of them (``scope`` None, a full
        listing) or those of the runs in ``scope`` (a partial listing, such as an active manifest)."""
        gone = [p for p in self.state.files if p not in listed and (scope is None or run_prefix(p) in scope)]
        dirs: set[Path] = set()
        for path in gone:
            local = self._local_path(path) if manifest_path_error(path) is None else None
            if local is None:
                self.state.files.pop(path, None)
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(local)
            self.state.files.pop(path, None)
            stats.files_removed += 1
            dirs.add(local.parent)
        root = Path(os.path.realpath(self.state.cache_dir))
        for directory in sorted(dirs, key=lambda d: len(d.parts), reverse=True):
            # Remove emptied run directories (and emptied parents) so the viewer stops listing them.
            current = directory
            while current != root and root in current.parents:
                try:
                    os.rmdir(current)
                except OSError:
                    break
                current = current.parent


class _StoppableClient:
    """Wraps an SFTP client so that reads of its files raise once the sync is being stopped."""

    def __init__(self, sftp: Any, stop: threading.Event) -> None:
        self._sftp = sftp
        self._stop = stop

    def open(self, path: str, mode: str = "r") -> Any:
        return _StoppableFile(self._sftp.open(path, mode), self._stop)


class _StoppableFile:
    def __init__(self, fh: Any, stop: threading.Event) -> None:
        self._fh = fh
        self._stop = stop

    def __enter__(self) -> _StoppableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def read(self, size: int = -1) -> bytes:
        if self._stop.is_set():
            raise SyncInterrupted("sync stopped")
        return self._fh.read(size)

    def seek(self, offset: int) -> None:
        self._fh.seek(offset)

    def prefetch(self, size: int) -> None:
        self._fh.prefetch(size)


def _take(iterator: Any, n: int) -> list[Any]:
    out = []
    for _ in range(n):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out
