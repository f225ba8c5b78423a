"""Uploading the artifact versions a run created: blobs the server lacks, then the version record."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from .. import layout
from ..jsonio import read_json
from .state import ServerState
from .transport import Connection, Refused, run_path

MISSING_BATCH = 1000


def version_key(entry: Dict[str, Any]) -> str:
    return f"{entry['type']}/{entry['name']}:v{entry['version']}"


def pending_versions(run_dir: Path, st: ServerState) -> List[Dict[str, Any]]:
    if not (Path(run_dir) / layout.ARTIFACTS_CREATED_FILE).is_file():
        return []
    from ..artifacts.runlink import read_entries

    return [e for e in read_entries(run_dir, layout.ARTIFACTS_CREATED_FILE) if version_key(e) not in st.artifacts]


def _missing(conn: Connection, digests: List[str]) -> List[str]:
    missing: List[str] = []
    for start in range(0, len(digests), MISSING_BATCH):
        _, answer = conn.json("POST", "/api/ingest/blobs/missing", {"digests": digests[start:start + MISSING_BATCH]})
        missing.extend(d for d in answer.get("missing", []) if isinstance(d, str))
    return missing


def _source(root: Path, vdir: Path, files: List[Dict[str, Any]], hexdigest: str) -> Optional[Path]:
    from ..artifacts import paths

    pooled = paths.pool_object(root, hexdigest)
    if pooled.is_file():
        return pooled
    for entry in files:
        if paths.digest_hex(entry.get("digest")) == hexdigest:
            candidate = vdir / paths.FILES_DIR / paths.clean_member_path(entry["path"])
            if candidate.is_file():
                return candidate
    return None


def upload_version(conn: Connection, root: Path, run_id: str, entry: Dict[str, Any]) -> int:
    """Send one local version (its missing blobs first); the number the server gave it."""
    from ..artifacts import paths

    vdir = paths.version_dir(root, entry["type"], entry["name"], entry["version"])
    manifest_text = (vdir / paths.MANIFEST_FILE).read_text(encoding="utf-8")
    manifest = json.loads(manifest_text)
    files = [f for f in manifest.get("files", []) if isinstance(f, dict)]
    digests = sorted({h for h in (paths.digest_hex(f.get("digest")) for f in files) if h})
    for hexdigest in _missing(conn, digests):
        source = _source(root, vdir, files, hexdigest)
        if source is None:
            raise FileNotFoundError(f"{version_key(entry)}: no local copy of blob {hexdigest}")
        with open(source, "rb") as fh:
            conn.upload_file("PUT", f"/api/ingest/blobs/{hexdigest}", fh, os.fstat(fh.fileno()).st_size)
    metadata = read_json(vdir / paths.METADATA_FILE)
    body = {"type": entry["type"], "name": entry["name"], "version": entry["version"], "manifest": manifest_text,
            "metadata": metadata if isinstance(metadata, dict) else {}}
    try:
        _, answer = conn.json("POST", run_path(run_id, "artifacts"), body)
    except Refused as exc:
        if exc.status != 409:
            raise
        raise Refused(exc.status, f"{exc.detail} (blobs vanished meanwhile; will retry)", exc.body) from None
    return int(answer["version"])
