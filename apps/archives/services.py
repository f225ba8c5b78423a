"""Run archives over HTTP: export of indexed runs, and the two-step import (preview, then archive).

An uploaded archive is checked completely (:func:`runicorn.archives.check.check_archive`) and kept
in the viewer's spool directory under a random token for ``TOKEN_SECONDS``; the token is the file
name, so any viewer process on the machine can finish the import, and an expired or used token is
simply a missing file. Nothing is written to the storage root before ``/api/import/archive``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from runicorn import layout
from runicorn.archives import apply, check, export
from runicorn.archives.members import InvalidArchive

from apps.runs import indexer
from apps.runs.models import Run
from apps.runs.storage import get_storage_root

TOKEN_SECONDS = 30 * 60
MAX_EXPORT_RUNS = 1000
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class ArchiveError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def max_upload_bytes() -> int:
    return int(settings.RUNICORN_IMPORT_MAX_BYTES)


def spool_dir() -> Path:
    directory = Path(settings.RUNICORN_IMPORT_SPOOL)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


# ---------------------------------------------------------------------------- export


def check_export_ids(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ArchiveError(400, "run_ids is required and must be a non-empty list")
    if len(value) > MAX_EXPORT_RUNS:
        raise ArchiveError(400, f"Cannot export more than {MAX_EXPORT_RUNS} runs at once")
    for run_id in value:
        if not layout.is_valid_run_id(run_id):
            raise ArchiveError(400, f"Invalid run_id format: {run_id}")
    return list(dict.fromkeys(value))


def export_stream(run_ids: list[str]) -> Iterator[bytes]:
    """The archive of these indexed runs (not deleted), streamed; 404 when one is unknown."""
    root = get_storage_root()
    rows = dict(Run.objects.filter(run_id__in=run_ids, deleted=False).values_list("run_id", "project"))
    names = dict(Run.objects.filter(run_id__in=run_ids, deleted=False).values_list("run_id", "name"))
    missing = [r for r in run_ids if r not in rows]
    if missing:
        raise ArchiveError(404, f"Run not found: {missing[0]}")
    locations = []
    for run_id in run_ids:
        try:
            path = layout.safe_join(root, rows[run_id], names[run_id], layout.RUNS_DIR, run_id)
        except layout.InvalidName:
            raise ArchiveError(404, f"Run not found: {run_id}") from None
        locations.append(layout.RunLocation(rows[run_id], names[run_id], run_id, path))
    return export.stream_archive(export.plan_export(root, locations))


# ---------------------------------------------------------------------------- import


def _expire_old(directory: Path, now: float) -> None:
    for entry in directory.glob("*.zip"):
        try:
            if now - entry.stat().st_mtime > TOKEN_SECONDS:
                entry.unlink()
        except OSError:
            continue


def preview_upload(chunks: Iterable[bytes], size: int | None, mode: str, project: str | None) -> dict[str, Any]:
    """Spool the upload, check it, and answer what importing it would do, with a token."""
    if mode not in apply.MODES:
        raise ArchiveError(400, f"mode must be one of {', '.join(apply.MODES)}, got {mode!r}")
    if project is not None and layout.segment_error(project, "project"):
        raise ArchiveError(400, f"Invalid project: {layout.segment_error(project, 'project')}")
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise ArchiveError(413, f"The archive is {size} bytes; this viewer accepts at most {limit} "
                                "(RUNICORN_IMPORT_MAX_BYTES), or use `runicorn import FILE` on the server")
    directory = spool_dir()
    now = time.time()
    _expire_old(directory, now)
    token = secrets.token_urlsafe(24)
    target = directory / f"{token}.zip"
    written = 0
    with open(target, "xb") as fh:
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                fh.close()
                target.unlink()
                raise ArchiveError(413, f"The archive is larger than {limit} bytes (RUNICORN_IMPORT_MAX_BYTES)")
            fh.write(chunk)
    try:
        contents = check.check_archive(target)
    except InvalidArchive as exc:
        target.unlink()
        raise ArchiveError(400, f"Invalid archive: {exc}") from None
    root = get_storage_root()
    plan = apply.preview(root, contents, mode, _isolate_project(mode, project, target))
    return {"token": token, "expires_at": now + TOKEN_SECONDS, "size_bytes": written, **plan.as_dict()}


def _isolate_project(mode: str, project: str | None, spooled: Path) -> str | None:
    """The project of isolate mode: the one asked for, else one named after the upload's time (the
    spooled file's mtime, so the preview and the import agree on it)."""
    if mode != "isolate":
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(spooled.stat().st_mtime))
    return project or apply.isolate_project(f"archive-{stamp}")


def import_spooled(token: Any, mode: Any, project: Any) -> dict[str, Any]:
    """Import the archive a preview spooled under ``token``; the token is used up."""
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        raise ArchiveError(400, "token is required: the token that /api/import/preview returned")
    mode = "merge" if mode is None else mode
    if mode not in apply.MODES:
        raise ArchiveError(400, f"mode must be one of {', '.join(apply.MODES)}, got {mode!r}")
    if project is not None and (not isinstance(project, str) or layout.segment_error(project, "project")):
        raise ArchiveError(400, "Invalid project: it must be a valid project name")
    directory = spool_dir()
    spooled = directory / f"{token}.zip"
    claimed = directory / f"{token}.importing"
    try:
        if time.time() - spooled.stat().st_mtime > TOKEN_SECONDS:
            spooled.unlink()
            raise FileNotFoundError
        os.rename(spooled, claimed)  # one import per token, even with two requests at once
    except FileNotFoundError:
        raise ArchiveError(404, "Unknown or expired import token: upload the archive again "
                                "with POST /api/import/preview") from None
    try:
        contents = check.check_archive(claimed)
        root = get_storage_root()
        plan = apply.preview(root, contents, mode, _isolate_project(mode, project, claimed))
        result = apply.apply(root, claimed, contents, plan)
    finally:
        claimed.unlink(missing_ok=True)
    indexer.sync_locations(root, [
        layout.RunLocation(plan.target_project(p), n, r, layout.run_dir(root, plan.target_project(p), n, r))
        for p, n, r in plan.new_runs
    ])
    return result


def remove_spool() -> None:
    """Drop every spooled upload (tests, housekeeping)."""
    shutil.rmtree(spool_dir(), ignore_errors=True)
