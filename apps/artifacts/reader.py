"""Artifacts on disk in the shapes the API returns (the reference's fields).

The disk is read directly, not through the index tables: an artifact directory is two scandir
levels deep and versions.json is parsed again only when its stat changes, so a list stays cheap
and is never behind the SDK. Soft-deleted versions are hidden from the lists; their detail stays
readable with ``status: "deleted"``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runicorn import layout
from runicorn.artifacts import paths, store
from runicorn.artifacts import records as rec
from runicorn.artifacts.runlink import read_entries

from apps.common.paths import NotContained, contained
from apps.runs.lookup import get_run
from apps.system.errors import NotFound


class ArtifactMissing(LookupError):
    """The artifact, version or file does not exist (a 404 with this message)."""


@dataclass(frozen=True)
class Artifact:
    type: str
    name: str
    path: Path
    index: dict[str, Any]

    def deleted_versions(self) -> set[int]:
        # String paths: a list walks thousands of versions, and pathlib would cost more than the stats.
        base = os.fspath(self.path)
        return {n for n in (v["version"] for v in self.index["versions"])
                if os.path.lexists(f"{base}/v{n}/{paths.DELETED_MARKER}")}

    def live_versions(self) -> list[dict[str, Any]]:
        deleted = self.deleted_versions()
        return [v for v in self.index["versions"] if v["version"] not in deleted]


_cache: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _read_index_cached(adir: Path | str) -> dict[str, Any] | None:
    key = os.path.join(adir, paths.VERSIONS_FILE)
    try:
        st = os.stat(key)
    except OSError:
        return None
    token = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == token:
        return hit[1]
    index = rec.read_index(Path(adir))
    if index is not None:
        with _cache_lock:
            _cache[key] = (token, index)
            if len(_cache) > 4096:
                _cache.pop(next(iter(_cache)))
    return index


def iter_artifacts(root: Path, type_: str | None = None) -> list[Artifact]:
    found = []
    for t in (type_,) if type_ else paths.ARTIFACT_TYPES:
        try:
            entries = list(os.scandir(paths.artifacts_root(root) / t))
        except OSError:
            continue
        for entry in entries:
            if paths.name_error(entry.name) or not entry.is_dir():
                continue
            index = _read_index_cached(entry.path)
            if index is not None:
                found.append(Artifact(t, entry.name, Path(entry.path), index))
    return found


def get_artifact(root: Path, name: str, type_: str | None) -> Artifact:
    type_ = type_ or store.find_type(root, name)
    adir = paths.artifact_dir(root, type_, name) if type_ else None
    try:
        index = _read_index_cached(contained(adir, root=root)) if adir else None
    except NotContained:
        index = None  # an artifact directory linked to elsewhere is not ours to show
    if index is None:
        raise ArtifactMissing(f"Artifact not found: {name}" + (f" (type={type_})" if type_ else ""))
    return Artifact(type_, name, adir, index)  # type: ignore[arg-type]


def list_artifacts(root: Path, type_: str | None = None) -> list[dict[str, Any]]:
    items = []
    for art in iter_artifacts(root, type_):
        live = art.live_versions()
        if not live:
            continue
        latest = max(live, key=lambda v: v["version"])
        live_numbers = {v["version"] for v in live}
        items.append({
            "name": art.name,
            "type": art.type,
            "num_versions": len(live),
            "latest_version": latest["version"],
            "size_bytes": latest["size_bytes"],
            "created_at": art.index["created_at"],
            "updated_at": art.index["updated_at"],
            "aliases": {a: v for a, v in art.index["aliases"].items() if v in live_numbers},
        })
    items.sort(key=lambda item: item["updated_at"], reverse=True)
    return items


def list_versions(root: Path, name: str, type_: str | None = None) -> list[dict[str, Any]]:
    art = get_artifact(root, name, type_)
    return [
        {**{k: v[k] for k in rec.VERSION_INFO_KEYS}, "aliases": rec.aliases_of(art.index, v["version"])}
        for v in art.live_versions()
    ]


def _version_dir(root: Path, art: Artifact, version: int) -> Path:
    """The version's directory, resolved; it must lie inside the storage root."""
    try:
        vdir = contained(art.path / f"v{version}", root=root)
        if contained(vdir, paths.METADATA_FILE, root=root).is_file():
            return vdir
    except NotContained:
        pass
    raise ArtifactMissing(f"Version not found: {art.name}:v{version}")


_DETAIL_KEYS = tuple(k for k in rec.METADATA_KEYS if k != "parent_artifacts")


def version_detail(root: Path, name: str, version: int, type_: str | None = None) -> dict[str, Any]:
    art = get_artifact(root, name, type_)
    vdir = _version_dir(root, art, version)
    meta = rec.read_metadata(vdir)
    if meta is None:
        raise ArtifactMissing(f"Version not found: {name}:v{version} (metadata.json is unreadable)")
    out = {k: meta.get(k) for k in _DETAIL_KEYS}
    out.update({
        "name": art.name, "type": art.type, "version": version,
        "metadata": meta.get("metadata") if isinstance(meta.get("metadata"), dict) else {},
        "description": meta.get("description") if isinstance(meta.get("description"), str) else "",
        "tags": meta.get("tags") if isinstance(meta.get("tags"), list) else [],
        "aliases": rec.aliases_of(art.index, version),
        "status": rec.STATUS_DELETED if rec.is_deleted(vdir) else (meta.get("status") or rec.STATUS_READY),
        "parent_artifacts": meta.get("parent_artifacts") if isinstance(meta.get("parent_artifacts"), list) else [],
    })
    for key in ("size_bytes", "num_files", "num_references"):
        out[key] = out[key] if isinstance(out[key], int) else 0
    return out


def version_files(root: Path, name: str, version: int, type_: str | None = None) -> dict[str, Any]:
    art = get_artifact(root, name, type_)
    vdir = _version_dir(root, art, version)
    manifest = rec.read_manifest(vdir)
    files_dir = art.path / f"v{version}" / paths.FILES_DIR
    files = []
    for entry in manifest["files"]:
        try:
            member = paths.clean_member_path(entry["path"])
            real = contained(vdir, paths.FILES_DIR, member, root=root)
            # Shown as the reference shows it: under the root as configured, symlinks unresolved.
            absolute = str(files_dir / member) if real.is_file() else None
        except (layout.InvalidName, NotContained):
            absolute = None  # a manifest entry pointing outside the version is never served
        files.append({**entry, "absolute_path": absolute, "is_remote": False})
    return {
        "artifact": f"{art.name}:v{version}",
        "files": files,
        "references": manifest["references"],
        "total_size": manifest["total_size"],
        "total_files": manifest["total_files"],
        "total_references": manifest["total_references"],
        "is_remote": False,
    }


@dataclass(frozen=True)
class StoredFile:
    path: Path
    size: int
    digest: str


def stored_file(root: Path, name: str, version: int, member: str, type_: str | None = None) -> StoredFile:
    """A file of a version listed in its manifest; raises ``InvalidName`` for paths that escape."""
    art = get_artifact(root, name, type_)
    vdir = _version_dir(root, art, version)
    member = paths.clean_member_path(member)
    entry = next((f for f in rec.read_manifest(vdir)["files"] if f["path"] == member), None)
    try:
        path = contained(vdir, paths.FILES_DIR, member, root=root)
    except NotContained:
        path = None  # inside the version only: a files/ linked to /etc serves nothing
    if entry is None or path is None or not path.is_file():
        raise ArtifactMissing(f"File not found: {member} in {art.name}:v{version}")
    return StoredFile(path, entry["size"], entry["digest"])


# ---- a run's artifacts --------------------------------------------------------------------
def _summary(root: Path, entry: dict[str, Any]) -> dict[str, Any]:
    name, type_, version = entry["name"], entry["type"], entry["version"]
    meta = None
    if not paths.name_error(name) and not paths.type_error(type_):
        vdir = paths.version_dir(root, type_, name, version)
        meta = rec.read_metadata(vdir)
    if meta is None:  # the version is gone or unreadable: what the run recorded
        return {"name": name, "type": type_, "version": version, "size_bytes": entry.get("size_bytes", 0),
                "created_at": entry.get("created_at", 0), "description": entry.get("description"),
                "aliases": [], "lifecycle_stage": None}
    index = _read_index_cached(vdir.parent) or {"aliases": {}}
    return {
        "name": name, "type": type_, "version": version,
        "size_bytes": meta.get("size_bytes") or 0,
        "created_at": meta.get("created_at") or 0,
        "description": meta.get("description") or "",
        "aliases": rec.aliases_of(index, version),
        "lifecycle_stage": meta.get("lifecycle_stage", "experimental"),
    }


def run_artifacts(root: Path, run_id: str) -> dict[str, list[dict[str, Any]]]:
    # The index only, like every run lookup: an unknown id no longer walks the whole root.
    try:
        _, run_dir = get_run(run_id, include_deleted=True)
    except NotFound:
        raise ArtifactMissing(f"Run not found: {run_id}") from None
    return {
        "created": [_summary(root, e) for e in read_entries(run_dir, layout.ARTIFACTS_CREATED_FILE)],
        "used": [_summary(root, e) for e in read_entries(run_dir, layout.ARTIFACTS_USED_FILE)],
    }
