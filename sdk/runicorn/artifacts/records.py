"""The JSON files of an artifact, read tolerantly and written in the reference's exact shapes.

The reference (0.5.x) rebuilds these files into dataclasses with ``cls(**data)``, so one extra
key would make it fail to read our artifacts: every writer here emits exactly its key set.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..jsonio import atomic_write_json, read_json
from . import paths

VERSION_INFO_KEYS = ("version", "created_at", "created_by_run", "size_bytes", "num_files", "status", "aliases")
METADATA_KEYS = (
    "name", "type", "version", "created_at", "updated_at", "created_by_run", "created_by_user",
    "size_bytes", "num_files", "num_references", "status", "metadata", "description", "tags",
    "aliases", "parent_artifacts", "manifest_digest",
)
FILE_ENTRY_KEYS = ("path", "size", "digest", "modified_at")
REFERENCE_KEYS = ("uri", "checksum", "size", "metadata")

STATUS_READY = "ready"
STATUS_DELETED = "deleted"


# ---- versions.json -------------------------------------------------------------------------
def new_index(name: str, type_: str) -> Dict[str, Any]:
    now = time.time()
    return {"artifact_name": name, "artifact_type": type_, "versions": [], "aliases": {},
            "created_at": now, "updated_at": now, "last_version": 0}


def read_index(artifact_dir: Path) -> Optional[Dict[str, Any]]:
    """versions.json normalised (bad entries dropped), or None when missing or unreadable."""
    data = read_json(artifact_dir / paths.VERSIONS_FILE)
    if not isinstance(data, dict):
        return None
    versions: List[Dict[str, Any]] = []
    seen = set()
    for entry in data.get("versions") or []:
        if not isinstance(entry, dict):
            continue
        number = paths.parse_version(entry.get("version"))
        if number is None or number in seen:
            continue
        seen.add(number)
        versions.append(normalise_version_info(entry, number))
    versions.sort(key=lambda v: v["version"])
    aliases = {}
    raw_aliases = data.get("aliases")
    if isinstance(raw_aliases, dict):
        for alias, number in raw_aliases.items():
            if isinstance(alias, str) and paths.parse_version(number) in seen:
                aliases[alias] = int(number)
    return {
        "artifact_name": data.get("artifact_name") if isinstance(data.get("artifact_name"), str) else artifact_dir.name,
        "artifact_type": data.get("artifact_type") if isinstance(data.get("artifact_type"), str)
        else artifact_dir.parent.name,
        "versions": versions,
        "aliases": aliases,
        "created_at": _num(data.get("created_at")),
        "updated_at": _num(data.get("updated_at")),
        "last_version": max([_int(data.get("last_version"))] + sorted(seen)),
    }


def normalise_version_info(entry: Dict[str, Any], number: int) -> Dict[str, Any]:
    aliases = entry.get("aliases")
    return {
        "version": number,
        "created_at": _num(entry.get("created_at")),
        "created_by_run": entry.get("created_by_run") if isinstance(entry.get("created_by_run"), str) else "",
        "size_bytes": _int(entry.get("size_bytes")),
        "num_files": _int(entry.get("num_files")),
        "status": entry.get("status") if isinstance(entry.get("status"), str) else STATUS_READY,
        "aliases": [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else [],
    }


def write_index(artifact_dir: Path, index: Dict[str, Any]) -> None:
    out = {
        "artifact_name": index["artifact_name"],
        "artifact_type": index["artifact_type"],
        "versions": [{k: v.get(k) for k in VERSION_INFO_KEYS} for v in index["versions"]],
        "aliases": dict(index["aliases"]),
        "created_at": index.get("created_at") or time.time(),
        "updated_at": index.get("updated_at") or time.time(),
        # Ours, not the reference's (which ignores unknown top-level keys here): the highest number
        # ever given, so a permanently deleted version's number is never handed out again.
        "last_version": max([index.get("last_version") or 0] + [v["version"] for v in index["versions"]]),
    }
    atomic_write_json(artifact_dir / paths.VERSIONS_FILE, out)


def aliases_of(index: Dict[str, Any], version: int) -> List[str]:
    """The aliases that point at ``version`` according to the alias map (the source of truth).

    The reference leaves ``latest`` in the per-version lists of older versions; the map is what
    resolves a spec, so lists shown to users are derived from it.
    """
    return [alias for alias, number in index["aliases"].items() if number == version]


def sync_alias_lists(index: Dict[str, Any]) -> List[int]:
    """Rewrite each version entry's alias list from the map; the versions whose list changed."""
    changed = []
    for entry in index["versions"]:
        wanted = aliases_of(index, entry["version"])
        if entry.get("aliases") != wanted:
            entry["aliases"] = wanted
            changed.append(entry["version"])
    return changed


# ---- v<N>/metadata.json, manifest.json, .deleted ----------------------------------------------
def read_metadata(vdir: Path) -> Optional[Dict[str, Any]]:
    data = read_json(vdir / paths.METADATA_FILE)
    return data if isinstance(data, dict) else None


def write_metadata(vdir: Path, metadata: Dict[str, Any]) -> None:
    atomic_write_json(vdir / paths.METADATA_FILE, {k: metadata.get(k) for k in METADATA_KEYS})


def update_metadata(vdir: Path, **changes: Any) -> None:
    """Change some fields of an existing metadata.json (aliases, status), keeping the rest."""
    current = read_metadata(vdir)
    if current is None:
        return
    current.update(changes)
    current["updated_at"] = time.time()
    atomic_write_json(vdir / paths.METADATA_FILE, {k: current.get(k) for k in METADATA_KEYS})


def read_manifest(vdir: Path) -> Dict[str, Any]:
    """manifest.json with malformed entries dropped; an empty manifest when missing."""
    data = read_json(vdir / paths.MANIFEST_FILE)
    data = data if isinstance(data, dict) else {}
    files = []
    for entry in data.get("files") or []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            files.append({
                "path": entry["path"],
                "size": _int(entry.get("size")),
                "digest": entry.get("digest") if isinstance(entry.get("digest"), str) else "",
                "modified_at": _num(entry.get("modified_at")),
            })
    references = []
    for entry in data.get("references") or []:
        if isinstance(entry, dict) and isinstance(entry.get("uri"), str):
            meta = entry.get("metadata")
            references.append({
                "uri": entry["uri"],
                "checksum": entry.get("checksum") if isinstance(entry.get("checksum"), str) else None,
                "size": _int(entry.get("size")) if entry.get("size") is not None else None,
                "metadata": meta if isinstance(meta, dict) else {},
            })
    return {
        "files": files,
        "references": references,
        "total_size": _int(data.get("total_size")),
        "total_files": _int(data.get("total_files")),
        "total_references": _int(data.get("total_references")),
        "created_at": _num(data.get("created_at")),
    }


def build_manifest(files: List[Dict[str, Any]], references: List[Dict[str, Any]]) -> Dict[str, Any]:
    total = sum(f["size"] for f in files) + sum(r["size"] or 0 for r in references)
    return {
        "files": [{k: f.get(k) for k in FILE_ENTRY_KEYS} for f in files],
        "references": [{k: r.get(k) for k in REFERENCE_KEYS} for r in references],
        "total_size": total,
        "total_files": len(files),
        "total_references": len(references),
        "created_at": time.time(),
    }


def write_manifest(vdir: Path, manifest: Dict[str, Any]) -> str:
    """Write manifest.json; the sha256 hex of its bytes (the version's ``manifest_digest``)."""
    data = atomic_write_json(vdir / paths.MANIFEST_FILE, manifest)
    return hashlib.sha256(data).hexdigest()


def is_deleted(vdir: Path) -> bool:
    return os.path.lexists(vdir / paths.DELETED_MARKER)


def read_deleted_marker(vdir: Path) -> Optional[Dict[str, Any]]:
    data = read_json(vdir / paths.DELETED_MARKER)
    return data if isinstance(data, dict) else None


def write_deleted_marker(vdir: Path, name: str, version: int, original_status: str) -> float:
    deleted_at = time.time()
    # The reference's marker keys, plus the status to go back to on restore.
    atomic_write_json(vdir / paths.DELETED_MARKER, {
        "deleted_at": deleted_at, "deleted_by": "user", "version": version, "artifact_name": name,
        "original_status": original_status,
    })
    return deleted_at


def _num(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value)
