"""Changes to runs requested through the API: soft delete, restore, and emptying the recycle bin.

Each writes the disk first (the files are the truth), then updates the index rows at once so the
next request already sees the change without waiting for the watcher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from runicorn import layout, markers

from . import indexer
from .lookup import run_path
from .models import Run
from .storage import get_storage_root

log = logging.getLogger(__name__)

MAX_BATCH = 100


class InvalidRequest(ValueError):
    """Input that the API answers with 400 and this message as ``detail``."""


def check_run_ids(value: Any, limit: int = MAX_BATCH, noun: str = "delete") -> list[str]:
    # An empty list is refused like a missing one (as the reference does): it is always a client bug.
    if not isinstance(value, list) or not value:
        raise InvalidRequest("run_ids is required and must be a list")
    if len(value) > limit:
        raise InvalidRequest(f"Cannot {noun} more than {limit} runs at once")
    for run_id in value:
        if not layout.is_valid_run_id(run_id):
            raise InvalidRequest(f"Invalid run_id format: {run_id}")
    return list(dict.fromkeys(value))


def _refresh(root: Path, runs: Iterable[Run]) -> None:
    indexer.sync_locations(
        root, [layout.RunLocation(r.project, r.name, r.run_id, Path(r.run_dir)) for r in runs]
    )


def _flip_marker(
    run_ids: list[str],
    *,
    deleted: bool,
    wrong_state: str,
    change: Callable[[Run, Path], object],
    failure: str,
) -> dict[str, dict[str, Any]]:
    """Apply ``change`` to each run whose ``deleted`` flag is ``deleted``; a result per id.

    Soft delete and restore differ only in the state they start from and the marker change.
    """
    root = get_storage_root()
    found = {r.run_id: r for r in Run.objects.filter(run_id__in=run_ids)}
    results: dict[str, dict[str, Any]] = {}
    touched = []
    for run_id in run_ids:
        run = found.get(run_id)
        if run is None:
            results[run_id] = {"success": False, "error": "run not found"}
        elif run.deleted != deleted:
            results[run_id] = {"success": False, "error": wrong_state}
        else:
            try:
                change(run, run_path(run))
            except OSError as exc:  # NotContained included
                log.warning("%s: %s (%s)", run_id, failure, exc)
                results[run_id] = {"success": False, "error": failure}
                continue
            results[run_id] = {"success": True}
            touched.append(run)
    _refresh(root, touched)
    return results


def soft_delete(run_ids: list[str], reason: str = markers.USER_DELETED) -> dict[str, dict[str, Any]]:
    """Mark runs deleted (``.deleted`` marker); the result per id says what happened."""
    return _flip_marker(
        run_ids,
        deleted=False,
        wrong_state="already deleted",
        change=lambda run, path: markers.write_deleted_marker(path, reason, run.status),
        failure="could not write the deletion marker",
    )


def restore(run_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Remove runs' ``.deleted`` markers; the result per id says what happened."""
    return _flip_marker(
        run_ids,
        deleted=True,
        wrong_state="run not deleted",
        change=lambda run, path: markers.remove_deleted_marker(path),
        failure="could not remove the deletion marker",
    )


def empty_recycle_bin(run_ids: list[str] | None = None) -> int:
    """Remove deleted runs' directories for good (all of them, or those in ``run_ids``)."""
    root = get_storage_root()
    runs = Run.objects.filter(deleted=True)
    if run_ids is not None:
        runs = runs.filter(run_id__in=run_ids)
    removed = []
    for run in runs:
        try:
            path = run_path(run)
            # Re-check on disk: the marker is what makes a run deletable, not the index alone.
            if not (path / layout.DELETED_MARKER).exists():
                continue
            markers.remove_run_dir(path)
        except (OSError, layout.InvalidName) as exc:  # NotContained included
            log.warning("permanent delete of %s failed: %s", run.run_id, exc)
            continue
        removed.append(run)
    _refresh(root, removed)
    return len(removed)
