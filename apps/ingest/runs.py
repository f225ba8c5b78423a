"""Declaring an ingested run, finding it again, and deciding who may write to it.

A run is declared once (``POST /api/ingest/runs``) with its project, name and id; the declaring
user becomes its owner. Every later request names the run by id only, and is allowed when the
caller is the owner or an admin (team profile), or comes from this machine (embedded profile).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from runicorn import layout
from runicorn.artifacts.locks import file_lock

from apps.accounts.access import ADMIN, auth_required, role_of
from apps.common.paths import NotContained, contained
from apps.runs.storage import get_storage_root

from .errors import IngestError, bad_request
from .models import IngestedRun

APPEND_FILES = (layout.EVENTS_FILE, layout.LOGS_FILE)
DOCUMENTS = (
    layout.META_FILE, layout.STATUS_FILE, layout.SUMMARY_FILE, layout.CONFIG_FILE, layout.ENVIRONMENT_FILE,
    layout.ARTIFACTS_CREATED_FILE, layout.ARTIFACTS_USED_FILE,
)
# Beside the projects, in a hidden folder the indexer never walks: a lock file inside the run
# would be one more file a byte-for-byte comparison or an export has to skip.
LOCK_DIR = (".runicorn", "ingest", "locks")


def run_path(root: Path, project: str, name: str, run_id: str) -> Path:
    """The directory of a run under ``root``, refusing bad names and anything that leaves the root.

    The layout's rules for each segment, then the viewer's one containment rule
    (``apps.common.paths.contained``: symlinks resolved), so an upload never writes through a
    project or name folder that someone linked out of the root. The path returned is the
    lexical one, as the indexer's walk names it.
    """
    try:
        layout.run_dir(root, project, name, run_id)  # the layout's rules for each segment
        contained(root, project, name, layout.RUNS_DIR, run_id, root=root)
        return layout.safe_join(root, project, name, layout.RUNS_DIR, run_id)
    except layout.InvalidName as exc:
        raise bad_request(str(exc)) from None
    except NotContained:
        raise bad_request(f"{project}/{name} leads outside the storage root; nothing was written") from None


def check_run_id(run_id: str) -> str:
    if not layout.is_valid_run_id(run_id):
        raise bad_request(f"Invalid run_id format: {run_id} (expected YYYYMMDD_HHMMSS_<6 hex>)")
    return run_id


@contextmanager
def run_lock(root: Path, run_id: str) -> Iterator[None]:
    """Serialise the writes to one run across threads and daphne processes (flock on one file)."""
    with file_lock(Path(root).joinpath(*LOCK_DIR, f"{check_run_id(run_id)}.lock")):
        yield


def is_loopback(request: Any) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "").is_loopback
    except ValueError:
        return False


def check_origin(request: Any) -> None:
    """The embedded profile has no logins, so it takes uploads only from its own machine."""
    if not auth_required() and not is_loopback(request):
        raise IngestError(403, "This viewer has no accounts (embedded profile) and accepts uploads from this machine "
                               "only; run it with RUNICORN_AUTH=required to take uploads from other machines.")


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def owner_name(record: IngestedRun) -> str | None:
    return record.owner.get_username() if record.owner_id is not None else None


def with_owner(runs: QuerySet[Any]) -> QuerySet[Any]:
    """Index rows annotated with ``uploaded_by``: who uploaded the run here (None if not ingested).

    A subquery, so a run's detail stays one query.
    """
    owners = IngestedRun.objects.filter(run_id=OuterRef("run_id")).values("owner__username")[:1]
    return runs.annotate(uploaded_by=Subquery(owners))


def describe(record: IngestedRun, root: Path) -> dict[str, Any]:
    """What the server holds of a run: append lengths, document digests, media sizes (to resume)."""
    path = run_path(root, record.project, record.name, record.run_id)
    files = {}
    for name in APPEND_FILES:
        try:
            files[name] = os.stat(path / name).st_size
        except OSError:
            files[name] = 0
    documents = {}
    for name in DOCUMENTS:
        try:
            documents[name] = hashlib.sha256((path / name).read_bytes()).hexdigest()
        except OSError:
            continue
    media: dict[str, int] = {}
    try:
        for entry in os.scandir(path / layout.MEDIA_DIR):
            if entry.is_file(follow_symlinks=False):
                media[entry.name] = entry.stat().st_size
    except OSError:
        pass
    return {
        "run_id": record.run_id, "project": record.project, "name": record.name, "owner": owner_name(record),
        "files": files, "documents": documents, "media": media,
        "artifacts": {f"{v.type}/{v.name}:v{v.client_version}": v.version for v in record.artifact_versions.all()},
    }


def check_writer(request: Any, record: IngestedRun) -> None:
    if not auth_required():
        return
    user = _user(request)
    if role_of(user) == ADMIN or (user is not None and record.owner_id == user.pk):
        return
    raise IngestError(403, f"Run {record.run_id} was created by {owner_name(record) or 'another user'}; members "
                           "write only to runs they created (an admin may write anywhere).")


def writable_run(request: Any, run_id: str) -> IngestedRun:
    """The declared run ``run_id`` if the caller may write to it: 404 undeclared, 403 someone else's."""
    check_run_id(run_id)
    record = IngestedRun.objects.select_related("owner").filter(run_id=run_id).first()
    if record is None:
        raise IngestError(404, f"Run {run_id} is not declared on this server; POST /api/ingest/runs first")
    check_writer(request, record)
    return record


def _indexed(run_id: str) -> bool:
    from apps.runs.models import Run

    return Run.objects.filter(run_id=run_id).exists()


def do_declare_run(request: Any, body: Any) -> tuple[IngestedRun, bool]:
    """Declare (or re-declare, idempotently) a run; (record, created)."""
    if not isinstance(body, dict):
        raise bad_request('Body must be a JSON object such as {"project": "p", "name": "n", "run_id": "..."}')
    project, name, run_id = body.get("project"), body.get("name"), body.get("run_id")
    check_run_id(run_id)  # type: ignore[arg-type]
    root = get_storage_root()
    path = run_path(root, project, name, run_id)  # type: ignore[arg-type]
    existing = IngestedRun.objects.select_related("owner").filter(run_id=run_id).first()
    if existing is None:
        if auth_required() and role_of(_user(request)) != ADMIN and (path.exists() or _indexed(run_id)):
            raise IngestError(403, f"Run {run_id} already exists on this server and was not uploaded by you; "
                                   "only an admin may write to it.")
        try:
            with transaction.atomic():
                existing = IngestedRun.objects.create(run_id=run_id, project=project, name=name, owner=_user(request))
            created = True
        except IntegrityError:  # a concurrent declare of the same run won
            existing = IngestedRun.objects.select_related("owner").get(run_id=run_id)
            created = False
    else:
        created = False
    if (existing.project, existing.name) != (project, name):
        raise IngestError(409, f"Run {run_id} is declared as {existing.project}/{existing.name}, not {project}/{name}")
    check_writer(request, existing)
    path.mkdir(parents=True, exist_ok=True)
    return existing, created
