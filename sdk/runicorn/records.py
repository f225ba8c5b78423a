"""Reading one run directory into a flat record, tolerant of what real disks hold.

The viewer's indexer turns these records into rows; nothing here depends on Django.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import layout
from .jsonio import read_json

# Files whose change can change a run's index row. events.jsonl and logs.txt are not among them:
# they only matter for liveness, which is checked separately.
FINGERPRINT_FILES = (
    layout.META_FILE,
    layout.STATUS_FILE,
    layout.SUMMARY_FILE,
    layout.DELETED_MARKER,
    layout.CONFIG_FILE,
    layout.ARTIFACTS_CREATED_FILE,
    layout.ARTIFACTS_USED_FILE,
)


@dataclass
class RunRecord:
    run_id: str
    project: str
    name: str
    run_dir: str
    created_at: Optional[float] = None
    status: str = "running"
    started_at: Optional[float] = None
    ended_at: Optional[float] = None
    exit_reason: Optional[str] = None
    pid: Optional[int] = None
    hostname: Optional[str] = None
    python: Optional[str] = None
    platform: Optional[str] = None
    best_metric_value: Optional[float] = None
    best_metric_name: Optional[str] = None
    best_metric_step: Optional[int] = None
    best_metric_mode: Optional[str] = None
    summary: Dict[str, Any] = field(default_factory=dict)
    config: Dict[str, Any] = field(default_factory=dict)
    tags: List[str] = field(default_factory=list)
    description: Optional[str] = None
    deleted: bool = False
    deleted_at: Optional[float] = None
    delete_reason: Optional[str] = None
    original_status: Optional[str] = None
    artifacts_created_count: int = 0
    artifacts_used_count: int = 0
    environment_available: bool = False
    imported_from: Optional[str] = None  # the tool an imported run came from (meta.json imported_from.tool)
    last_write: Optional[float] = None
    fingerprint: str = ""

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


_STAT_FILES = FINGERPRINT_FILES + (layout.EVENTS_FILE, layout.LOGS_FILE)


def _stat_files(base: str) -> Tuple[str, float, frozenset]:
    """``fingerprint`` plus the names of the run's files that exist (so absent ones are not opened)."""
    parts: List[str] = []
    newest = 0.0
    present = []
    for fname in _STAT_FILES:
        try:
            # lstat, and a symlink counts as absent: anyone who writes into the root could point a
            # run's summary.json at any file the viewer can read, and the index would serve it.
            st = os.lstat(os.path.join(base, fname))
            if stat.S_ISLNK(st.st_mode):
                raise FileNotFoundError(fname)
        except OSError:
            if fname in FINGERPRINT_FILES:
                parts.append("-")
            continue
        present.append(fname)
        newest = max(newest, st.st_mtime)
        if fname in FINGERPRINT_FILES:
            parts.append(f"{st.st_mtime_ns:x}.{st.st_size:x}")
    return "|".join(parts), newest, frozenset(present)


def fingerprint(run_path: Path) -> Tuple[str, float]:
    """A cheap change token (stat only) and the newest mtime among the run's files."""
    # String joins, not pathlib: the indexer calls this for every run of the root.
    token, newest, _ = _stat_files(os.fspath(run_path))
    return token, newest


def _num(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _int(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _count_artifacts(path: Path) -> int:
    data = read_json(path)
    if isinstance(data, dict) and isinstance(data.get("artifacts"), list):
        return len(data["artifacts"])
    if isinstance(data, list):
        return len(data)
    return 0


def read_run(loc: layout.RunLocation) -> RunRecord:
    """Everything the index keeps about one run. Missing or malformed files leave defaults."""
    path = loc.path
    base = str(path)
    rec = RunRecord(run_id=loc.run_id, project=loc.project, name=loc.name, run_dir=base)
    rec.fingerprint, newest, present = _stat_files(base)
    rec.last_write = newest or None

    def read(fname: str) -> Any:
        # Files that were not there a moment ago are not opened: a missing summary, config or
        # artifact list costs no failed open() (the index build reads every run of the root).
        return read_json(os.path.join(base, fname)) if fname in present else None

    meta = read(layout.META_FILE)
    if isinstance(meta, dict):
        rec.created_at = _num(meta.get("created_at"))
        rec.pid = _int(meta.get("pid"))
        rec.hostname = _str(meta.get("hostname"))
        rec.python = _str(meta.get("python"))
        rec.platform = _str(meta.get("platform"))
        rec.description = _str(meta.get("description"))
        tags = meta.get("tags")
        if isinstance(tags, list):
            rec.tags = [t for t in tags if isinstance(t, str)]
        origin = meta.get("imported_from")
        if isinstance(origin, dict):
            rec.imported_from = _str(origin.get("tool"))
    if rec.created_at is None:
        rec.created_at = _created_from_id(loc.run_id)

    status = read(layout.STATUS_FILE)
    if isinstance(status, dict):
        value = status.get("status")
        rec.status = value if value in layout.STATUSES else "running"
        rec.started_at = _num(status.get("started_at"))
        rec.ended_at = _num(status.get("ended_at"))
        rec.exit_reason = _str(status.get("exit_reason"))

    summary = read(layout.SUMMARY_FILE)
    if isinstance(summary, dict):
        rec.summary = summary
        rec.best_metric_value = _num(summary.get("best_metric_value"))
        rec.best_metric_name = _str(summary.get("best_metric_name"))
        rec.best_metric_step = _int(summary.get("best_metric_step"))
        rec.best_metric_mode = _str(summary.get("best_metric_mode"))

    config = read(layout.CONFIG_FILE)
    if isinstance(config, dict):
        rec.config = config

    if layout.DELETED_MARKER in present or os.path.lexists(os.path.join(base, layout.DELETED_MARKER)):
        rec.deleted = True
        marker = read(layout.DELETED_MARKER)
        if isinstance(marker, dict):
            rec.deleted_at = _num(marker.get("deleted_at"))
            rec.delete_reason = _str(marker.get("reason"))
            rec.original_status = _str(marker.get("original_status"))

    if layout.ARTIFACTS_CREATED_FILE in present:
        rec.artifacts_created_count = _count_artifacts(path / layout.ARTIFACTS_CREATED_FILE)
    if layout.ARTIFACTS_USED_FILE in present:
        rec.artifacts_used_count = _count_artifacts(path / layout.ARTIFACTS_USED_FILE)
    rec.environment_available = os.path.exists(os.path.join(base, layout.ENVIRONMENT_FILE))
    return rec


def _created_from_id(run_id: str) -> Optional[float]:
    import time

    try:
        return time.mktime(time.strptime(run_id[:15], "%Y%m%d_%H%M%S"))
    except ValueError:
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def this_host() -> str:
    return socket.gethostname()


# A run on another host is taken as dead after this long without a write.
REMOTE_STALE_SECONDS = 600.0


def is_orphaned(rec: RunRecord, now: float) -> bool:
    """A ``running`` run whose process is gone: same host and pid dead, or silent for 10 minutes."""
    if rec.status != "running" or rec.deleted:
        return False
    if rec.hostname and rec.hostname == this_host() and rec.pid:
        return not pid_alive(rec.pid)
    last = rec.last_write or rec.created_at or now
    return now - last > REMOTE_STALE_SECONDS
