"""The fallback when a server publishes no manifest: list the run directories over SFTP.

One ``listdir`` per directory (project, name, runs, run, media) instead of a stat per file; the
listing then goes through the same :class:`Mirror` as a manifest, so the cache and its state are
shared by both ways of syncing.
"""

from __future__ import annotations

import logging
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from runicorn import layout
from runicorn.manifest.models import (
    APPEND_ONLY_FILES,
    METADATA_FILES,
    PRIORITY_DATA,
    PRIORITY_MEDIA,
    PRIORITY_METADATA,
    FileEntry,
)

from .mirror import Mirror, ProgressCallback, SyncStats
from .state import SyncState
from .transfer import SftpPool

log = logging.getLogger(__name__)


def _dirs(sftp: Any, path: str) -> list[Any]:
    try:
        return [a for a in sftp.listdir_attr(path) if stat.S_ISDIR(a.st_mode or 0)]
    except OSError:
        return []


def list_remote_runs(sftp: Any, remote_root: str) -> Iterator[FileEntry]:
    """Every file of every run under ``remote_root`` that a mirror keeps, with size and mtime."""
    root = remote_root.rstrip("/") or "/"
    for proj in _dirs(sftp, root):
        if proj.filename.startswith(".") or proj.filename in layout.RESERVED_TOP_LEVEL:
            continue
        for nm in _dirs(sftp, f"{root}/{proj.filename}"):
            if nm.filename.startswith("."):
                continue
            runs_path = f"{root}/{proj.filename}/{nm.filename}/{layout.RUNS_DIR}"
            for run in _dirs(sftp, runs_path):
                if not layout.is_valid_run_id(run.filename):
                    continue
                rel = f"{proj.filename}/{nm.filename}/{layout.RUNS_DIR}/{run.filename}"
                yield from _list_run(sftp, f"{root}/{rel}", rel)


def _list_run(sftp: Any, path: str, rel: str) -> Iterator[FileEntry]:
    try:
        attrs = sftp.listdir_attr(path)
    except OSError:
        return
    for a in attrs:
        mode = a.st_mode or 0
        if stat.S_ISREG(mode) and a.filename in METADATA_FILES + APPEND_ONLY_FILES:
            append_only = a.filename in APPEND_ONLY_FILES
            yield FileEntry(
                path=f"{rel}/{a.filename}",
                size=int(a.st_size or 0),
                mtime=float(a.st_mtime or 0),
                priority=PRIORITY_DATA if append_only else PRIORITY_METADATA,
                is_append_only=append_only,
            )
        elif stat.S_ISDIR(mode) and a.filename == layout.MEDIA_DIR:
            yield from _list_media(sftp, f"{path}/{layout.MEDIA_DIR}", f"{rel}/{layout.MEDIA_DIR}", depth=0)


def _list_media(sftp: Any, path: str, rel: str, depth: int) -> Iterator[FileEntry]:
    if depth > 8:  # media trees are shallow; a deeper one is a link loop or not ours
        return
    try:
        attrs = sftp.listdir_attr(path)
    except OSError:
        return
    for a in attrs:
        if a.filename.startswith("."):
            continue
        mode = a.st_mode or 0
        if stat.S_ISREG(mode):
            yield FileEntry(f"{rel}/{a.filename}", int(a.st_size or 0), float(a.st_mtime or 0), PRIORITY_MEDIA)
        elif stat.S_ISDIR(mode):
            yield from _list_media(sftp, f"{path}/{a.filename}", f"{rel}/{a.filename}", depth + 1)


class DirectoryWalkSync:
    """Mirror ``remote_root`` into ``cache_dir`` by walking it; same stats as the manifest client."""

    def __init__(self, sftp_client: Any, remote_root: str, cache_dir: Path, max_workers: int = 4) -> None:
        self.sftp = sftp_client
        self.remote_root = str(remote_root).rstrip("/") or "/"
        self.cache_dir = Path(cache_dir)
        self.max_workers = max(1, max_workers)

    def sync(self, progress_callback: ProgressCallback | None = None) -> dict[str, Any]:
        started = time.monotonic()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        state = SyncState(self.cache_dir)
        stats = SyncStats(mode="walk")
        entries = list(list_remote_runs(self.sftp, self.remote_root))
        pool = SftpPool(self.sftp, self.max_workers)
        state.reset_tmp()
        try:
            mirror = Mirror(pool, self.remote_root, state)
            actions, listed = mirror.plan(entries, stats)
            mirror.execute(actions, stats, progress_callback)
            mirror.remove_unlisted(listed, None, stats)
        finally:
            state.save()
            pool.close()
            state.reset_tmp()
        if stats.files_synced == 0 and stats.files_removed == 0 and stats.failed_count == 0:
            stats.skipped, stats.reason = True, "no_file_changes"
        stats.duration = time.monotonic() - started
        return stats.as_dict()
