"""Whole documents of a run (meta.json, status.json, ...) replaced atomically, and media files once."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import orjson
from runicorn import layout
from runicorn.jsonio import atomic_write_bytes

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
    """artifacts_created.json naming this server's version numbers (the job's own may differ).

    Unchanged bytes when every number is already the server's, so the usual case stays identical
    to the job's file.
    """
    if file_name != layout.ARTIFACTS_CREATED_FILE or not isinstance(doc.get("artifacts"), list):
        return body
    mapping = {(v.type, v.name, v.client_version): v.version
               for v in IngestedArtifactVersion.objects.filter(run=record)}
    changed = False
    for entry in doc["artifacts"]:
        if not isinstance(entry, dict):
            continue
        key = (entry.get("type"), entry.get("name"), entry.get("version"))
        if key in mapping and mapping[key] != entry["version"]:
            entry["version"] = mapping[key]
            changed = True
    if not changed:
        return body
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")


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
