"""Artifact versions uploaded by a job: numbered by this server, built from blobs it already holds.

The job uploads the version's files as blobs first (``/api/ingest/blobs``), then this record: its
own version number, its manifest.json (stored byte for byte, so ``manifest_digest`` stays the
digest the job computed) and its metadata. The server takes the next number under the artifact's
lock (the lock the SDK takes locally: ``runicorn.artifacts.store.commit_version``), so two machines
logging the same name get distinct versions; the (run, local number) -> server number mapping makes
a retried upload answer the same version instead of making another.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path
from typing import Any

import orjson
from runicorn.artifacts import paths, pool
from runicorn.artifacts.store import commit_version
from runicorn.jsonio import atomic_write_bytes
from runicorn.layout import InvalidName, safe_join

from .errors import bad_request, conflict
from .models import IngestedArtifactVersion, IngestedRun
from .runs import owner_name


def _manifest(text: Any) -> tuple[bytes, dict[str, Any], list[dict[str, Any]]]:
    if not isinstance(text, str):
        raise bad_request("manifest must be the text of the version's manifest.json")
    data = text.encode("utf-8")
    try:
        manifest = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"manifest is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", []), list) \
            or not isinstance(manifest.get("references", []), list):
        raise bad_request('manifest must be an object with a "files" list')
    files = []
    for entry in manifest.get("files", []):
        if not isinstance(entry, dict):
            raise bad_request("each manifest file entry must be an object")
        size, hexdigest = entry.get("size"), paths.digest_hex(entry.get("digest"))
        if type(size) is not int or size < 0 or hexdigest is None:
            raise bad_request(f"manifest entry {entry.get('path')!r} needs a size and a 'sha256:<hex>' digest")
        files.append({"path": paths.clean_member_path(entry.get("path")), "size": size, "hex": hexdigest})
    if len({f["path"] for f in files}) != len(files):
        raise bad_request("manifest lists a file path twice")
    for ref in manifest.get("references", []):
        if not isinstance(ref, dict) or not isinstance(ref.get("uri"), str):
            raise bad_request('each manifest reference must be an object with a "uri"')
    if not files and not manifest.get("references"):
        raise bad_request("an artifact version needs at least one file or reference")
    for key in ("total_size", "total_files", "total_references"):
        if type(manifest.get(key, 0)) is not int:
            raise bad_request(f"manifest {key} must be an integer")
    manifest.setdefault("total_size", sum(f["size"] for f in files))
    manifest.setdefault("total_files", len(files))
    manifest.setdefault("total_references", len(manifest.get("references", [])))
    return data, manifest, files


def check_version_request(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request('Body must be a JSON object: {"type", "name", "version", "manifest", "metadata"}')
    try:
        type_, name = paths.check_type(body.get("type")), paths.check_name(body.get("name"))
        data, manifest, files = _manifest(body.get("manifest"))
        meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        aliases = ["latest"] + [paths.check_alias(a) for a in meta.get("aliases") or [] if a != "latest"]
    except InvalidName as exc:
        raise bad_request(str(exc)) from None
    version = body.get("version")
    if type(version) is not int or version < 1:
        raise bad_request("version must be the version's number in the job's storage root (an integer >= 1)")
    return {"type": type_, "name": name, "client_version": version, "manifest_bytes": data, "manifest": manifest,
            "files": files, "aliases": aliases, "fields": {
                "metadata": meta.get("metadata") if isinstance(meta.get("metadata"), dict) else {},
                "description": meta.get("description") if isinstance(meta.get("description"), str) else "",
                "tags": [t for t in meta.get("tags") or [] if isinstance(t, str)],
                "parent_artifacts": [p for p in meta.get("parent_artifacts") or [] if isinstance(p, str)],
            }}


def do_record_version(root: Path, record: IngestedRun, req: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Create the version (or find the one a previous try made); (answer, created). Run lock held."""
    known = IngestedArtifactVersion.objects.filter(
        run=record, type=req["type"], name=req["name"], client_version=req["client_version"]).first()
    if known is not None and paths.version_dir(root, req["type"], req["name"], known.version).is_dir():
        return {"type": req["type"], "name": req["name"], "version": known.version}, False
    missing = [f["hex"] for f in req["files"] if not _pooled(root, f["hex"], f["size"])]
    if missing:  # checked again under the pool lock below; this first look writes nothing
        raise conflict("Upload these blobs first (PUT /api/ingest/blobs/{sha256})", missing=sorted(set(missing)))
    adir = paths.artifact_dir(root, req["type"], req["name"])
    adir.mkdir(parents=True, exist_ok=True)
    building = adir / f".building-{uuid.uuid4().hex}"
    with pool.pool_lock(root, shared=True):
        missing = [f["hex"] for f in req["files"] if not _pooled(root, f["hex"], f["size"])]
        if missing:  # garbage collection took one meanwhile
            raise conflict("Upload these blobs first (PUT /api/ingest/blobs/{sha256})", missing=sorted(set(missing)))
        try:
            files_dir = building / paths.FILES_DIR
            files_dir.mkdir(parents=True)
            for f in req["files"]:
                pool.materialize(paths.pool_object(root, f["hex"]), safe_join(files_dir, f["path"]))
            atomic_write_bytes(building / paths.MANIFEST_FILE, req["manifest_bytes"])

            def remember(number: int) -> None:
                IngestedArtifactVersion.objects.update_or_create(
                    run=record, type=req["type"], name=req["name"], client_version=req["client_version"],
                    defaults={"version": number})

            number, _metadata = commit_version(
                adir, building, req["name"], req["type"], record.run_id, owner_name(record), req["aliases"],
                req["manifest"], hashlib.sha256(req["manifest_bytes"]).hexdigest(), req["fields"], remember)
        finally:
            if building.exists():
                shutil.rmtree(building, ignore_errors=True)
    return {"type": req["type"], "name": req["name"], "version": number}, True


def _pooled(root: Path, hexdigest: str, size: int) -> bool:
    try:
        return paths.pool_object(root, hexdigest).stat().st_size == size
    except OSError:
        return False
