"""Changes to stored artifacts on behalf of the API and the admin, and the stats snapshot.

Every change goes to the disk through ``runicorn.artifacts`` (the format's owner); afterwards the
index rows are re-synced and a stats refresh is queued.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from runicorn import layout
from runicorn.artifacts import housekeeping
from runicorn.artifacts.runlink import read_entries

from apps.runs.models import Run

from . import reader
from .indexing import sync_artifact_index
from .models import StatsSnapshot
from .stats import refresh_stats_snapshot

log = logging.getLogger(__name__)


class VersionInUse(Exception):
    """The version is used by a run that is still running."""


class NotDeleted(Exception):
    """A restore of a version that is live: there is nothing to undo."""


# ---- stats ----------------------------------------------------------------------------------
def get_stats(root: Path) -> dict[str, Any]:
    """The stats snapshot at once; a refresh is queued when it is older than the setting.

    Only the very first request for a root (no snapshot yet) waits for a scan.
    """
    snap = StatsSnapshot.objects.filter(root=str(root)).values_list("data", "computed_at").first()
    if snap is None:
        return refresh_stats_snapshot(root)
    data, computed_at = snap
    if time.time() - computed_at > settings.RUNICORN_ARTIFACT_STATS_MAX_AGE:
        queue_stats_refresh(root)
    return data


def queue_stats_refresh(root: Path, force: bool = False) -> bool:
    """Queue one stats scan for ``root`` unless one was queued recently; True when queued.

    ``force`` (after a change made here) queues even when a scan is already queued: that one may
    have started before the change.
    """
    now = time.time()
    # A queued task that never ran (worker down) must not block refreshes forever.
    retry_after = max(settings.RUNICORN_ARTIFACT_STATS_MAX_AGE, 30.0)
    rows = StatsSnapshot.objects.filter(root=str(root))
    if not force:
        rows = rows.filter(Q(refresh_queued_at__isnull=True) | Q(refresh_queued_at__lt=now - retry_after))
    if not rows.update(refresh_queued_at=now):
        return False
    transaction.on_commit(lambda: dispatch_stats_refresh(root))
    return True


def dispatch_stats_refresh(root: Path) -> None:
    from .tasks import dispatch_refresh

    try:
        dispatch_refresh(str(root))
    except Exception:  # the broker is down (team profile): a stale snapshot beats a failed request
        log.exception("could not queue the artifact stats refresh")
        StatsSnapshot.objects.filter(root=str(root)).update(refresh_queued_at=None)


# ---- deleting -------------------------------------------------------------------------------
def running_users(type_: str, name: str, version: int) -> list[str]:
    """Ids of runs still ``running`` whose artifacts_used.json lists this version."""
    users = []
    rows = Run.objects.filter(status="running", deleted=False, artifacts_used_count__gt=0).values_list(
        "run_id", "run_dir"
    )
    for run_id, run_dir in rows:
        for entry in read_entries(Path(run_dir), layout.ARTIFACTS_USED_FILE):
            if (entry["type"], entry["name"], entry["version"]) == (type_, name, version):
                users.append(run_id)
                break
    return users


def _check_not_in_use(type_: str, name: str, version: int) -> None:
    users = running_users(type_, name, version)
    if users:
        raise VersionInUse(f"{name}:v{version} is in use by running run(s) {', '.join(sorted(users))}; "
                           "delete it after they finish")


def _changed(root: Path) -> None:
    sync_artifact_index(root)
    queue_stats_refresh(root, force=True)


def delete_version(root: Path, name: str, version: int, type_: str | None, permanent: bool) -> dict[str, Any]:
    """The API's DELETE: soft (hide, keep files) or permanent (remove files, free pool objects)."""
    art = reader.get_artifact(root, name, type_)
    if not (art.path / f"v{version}").is_dir():
        raise reader.ArtifactMissing(f"Version not found: {name}:v{version}")
    _check_not_in_use(art.type, name, version)
    result: dict[str, Any] = {"success": True}
    if permanent:
        freed = housekeeping.delete_permanently(root, art.type, name, version)
        result["message"] = f"Permanently deleted {name}:v{version} locally"
        result["freed_bytes"] = freed.freed_bytes
    else:
        housekeeping.soft_delete(root, art.type, name, version)
        result["message"] = f"Soft deleted {name}:v{version} locally"
    _changed(root)
    return result


def soft_delete(root: Path, type_: str, name: str, version: int) -> bool:
    _check_not_in_use(type_, name, version)
    done = housekeeping.soft_delete(root, type_, name, version)
    _changed(root)
    return done


def restore(root: Path, type_: str, name: str, version: int) -> bool:
    done = housekeeping.restore(root, type_, name, version)
    _changed(root)
    return done


def restore_version(root: Path, name: str, version: int, type_: str | None) -> dict[str, Any]:
    """The API's restore: the admin's ``restore``, with the artifact found by name as the API names it."""
    art = reader.get_artifact(root, name, type_)
    if not (art.path / f"v{version}").is_dir():
        raise reader.ArtifactMissing(f"Version not found: {name}:v{version}")
    if not restore(root, art.type, name, version):
        raise NotDeleted(f"{name}:v{version} is not deleted; there is nothing to restore")
    return {"success": True, "message": f"Restored {name}:v{version}"}


def delete_permanently(root: Path, type_: str, name: str, version: int) -> int:
    """Bytes freed in the pool."""
    _check_not_in_use(type_, name, version)
    freed = housekeeping.delete_permanently(root, type_, name, version).freed_bytes
    _changed(root)
    return freed


def move_alias(root: Path, type_: str, name: str, alias: str, version: int) -> None:
    housekeeping.move_alias(root, type_, name, alias, version)
    _changed(root)


def collect_garbage(root: Path) -> tuple[int, int]:
    """(objects removed, bytes freed)."""
    result = housekeeping.collect_garbage(root)
    _changed(root)
    return result.removed, result.freed_bytes
