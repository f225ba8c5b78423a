"""Whole documents of a run (meta.json, status.json, ...) replaced atomically, and media files once."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from runicorn import layout
from runicorn.artifacts import paths, records
from runicorn.jsonio import atomic_write_bytes

from apps.common.paths import NotContained, contained
from apps.runs.storage import get_storage_root

from .errors import bad_request, conflict
from .models import IngestedArtifactVersion, IngestedRun
from .runs import DOCUMENTS

MAX_MEDIA_NAME = 200


def parse_document(file_name: str, body: bytes) -> dict[str, Any]:
    if file_name not in DOCUMENTS:
        raise bad_request(f"{file_name!r} is not a document of a run; one of: {', '.join(DOCUMENTS)}")
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            value = json.loads(body)  # NaN / Infinity tokens, as the reference SDK wrote them
        except ValueError as exc:
            raise bad_request(f"{file_name} must be a JSON object: {exc}") from None
        except RecursionError:
            raise bad_request(f"{file_name} must be a JSON object: it is nested too deeply") from None
    if not isinstance(value, dict):
        raise bad_request(f"{file_name} must be a JSON object")
    return value


def server_versions(record: IngestedRun, file_name: str, doc: dict[str, Any], body: bytes) -> bytes:
    """artifacts_created.json / artifacts_used.json naming this server's version numbers (the job's
    own may differ): created versions by the upload that recorded them, used ones by content digest.

    Unchanged bytes when every number is already the server's, so the usual case stays identical
    to the job's file.
    """
    if not isinstance(doc.get("artifacts"), list):
        return body
    if file_name == layout.ARTIFACTS_CREATED_FILE:
        mapping = {(v.type, v.name, v.client_version): v.version
                   for v in IngestedArtifactVersion.objects.filter(run=record)}
        changed = _renumber(doc["artifacts"], lambda e: mapping.get((e.get("type"), e.get("name"), e.get("version"))))
    elif file_name == layout.ARTIFACTS_USED_FILE:
        root = get_storage_root()
        changed = _renumber(doc["artifacts"], lambda e: version_by_digest(root, e))
    else:
        return body
    if not changed:
        return body
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _renumber(entries: list[Any], server_number: Callable[[dict[str, Any]], int | None]) -> bool:
    """Give each entry the server's number for its version; whether any changed."""
    changed = False
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        number = server_number(entry)
        if number is not None and number != entry.get("version"):
            entry["version"] = number
            changed = True
    return changed


def version_by_digest(root: Path, entry: dict[str, Any]) -> int | None:
    """The server's number of the version a used-artifact entry names by its ``manifest_digest``.

    The job numbered the version in its own root; the server may have numbered the same upload
    otherwise (two machines logging one name). Entries without a digest (older SDKs, the
    reference's) keep their number.
    """
    digest = entry.get("manifest_digest")
    if not isinstance(digest, str) or not digest:
        return None
    try:
        base = contained(paths.artifact_dir(root, paths.check_type(entry.get("type")),
                                            paths.check_name(entry.get("name"))))
    except (ValueError, NotContained):
        return None
    try:
        children = list(base.iterdir())
    except OSError:
        return None
    for child in children:
        number = paths.version_from_dirname(child.name)
        if number is None:
            continue
        metadata = records.read_metadata(child)
        if metadata and metadata.get("manifest_digest") == digest:
            return number
    return None


def do_replace_document(path: Path, file_name: str, body: bytes) -> dict[str, Any]:
    atomic_write_bytes(path / file_name, body)
    return {"file": file_name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def check_media_name(file_name: str) -> str:
    error = layout.segment_error(file_name, "media file name")
    if error:
        raise bad_request(error)
    if len(file_name) > MAX_MEDIA_NAME or any(ord(c) < 32 for c in file_name):
        raise bad_request(f"media file name must be at most {MAX_MEDIA_NAME} printable characters")
    return file_name


def do_put_media(path: Path, file_name: str, body: bytes) -> tuple[dict[str, Any], bool]:
    """Store a media file once: (answer, created). The same bytes again are acknowledged; others 409."""
    media = path / layout.MEDIA_DIR
    target = media / check_media_name(file_name)
    digest = hashlib.sha256(body).hexdigest()
    answer = {"file": f"{layout.MEDIA_DIR}/{file_name}", "bytes": len(body), "sha256": digest}
    if target.is_file() and not target.is_symlink():
        if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            raise conflict(f"{layout.MEDIA_DIR}/{file_name} already holds other content; media files are written once")
        return answer, False
    media.mkdir(exist_ok=True)
    tmp = media / f".{file_name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(body)
        os.link(tmp, target)  # never replaces: whatever is there stays
    except FileExistsError:
        raise conflict(f"{layout.MEDIA_DIR}/{file_name} already exists and is not a plain file") from None
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    return answer, True
