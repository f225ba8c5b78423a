"""Changes to stored versions: soft delete and restore, permanent delete, moving aliases, and
collecting pool garbage. The viewer's admin and API call these; so can scripts.

Lock order everywhere: the pool lock first, then the artifact's lock (a saver holds the pool
lock shared while it waits for the artifact lock, so the other order could deadlock).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Dict, NamedTuple

from . import paths, pool
from . import records as rec
from .locks import file_lock
from .paths import ArtifactNotFound


class DeleteResult(NamedTuple):
    removed_objects: int
    freed_bytes: int


def _locked_index(root: Path, type_: str, name: str, version: int):  # type: ignore[no-untyped-def]
    adir = paths.artifact_dir(root, type_, name)
    index = rec.read_index(adir)
    vdir = paths.version_dir(root, type_, name, version)
    if index is None:
        raise ArtifactNotFound(f"Artifact not found: {name}")
    if not vdir.is_dir():
        raise ArtifactNotFound(f"Version not found: {name}:v{version}")
    return adir, vdir, index


def _entry(index: Dict[str, Any], version: int) -> Dict[str, Any]:
    for entry in index["versions"]:
        if entry["version"] == version:
            return entry
    # A version directory the index lost (e.g. a crash between rename and index write).
    entry = {"version": version, "created_at": 0.0, "created_by_run": "", "size_bytes": 0, "num_files": 0,
             "status": rec.STATUS_READY, "aliases": []}
    index["versions"].append(entry)
    index["versions"].sort(key=lambda v: v["version"])
    return entry


def _newest_live(adir: Path, index: Dict[str, Any]) -> Any:
    live = [v["version"] for v in index["versions"] if not rec.is_deleted(adir / f"v{v['version']}")]
    return max(live) if live else None


def _save(adir: Path, index: Dict[str, Any]) -> None:
    from .store import _commit_aliases

    _commit_aliases(adir, index)


def soft_delete(root: Path, type_: str, name: str, version: int) -> bool:
    """Mark a version deleted (hidden, files kept); False when it already was.

    ``latest`` moves to the newest version still live; other aliases stay so a restore brings
    them back, but they no longer resolve while the version is deleted.
    """
    with file_lock(paths.artifact_dir(root, type_, name) / paths.LOCK_FILE):
        adir, vdir, index = _locked_index(root, type_, name, version)
        if rec.is_deleted(vdir):
            return False
        entry = _entry(index, version)
        original = entry["status"] if entry["status"] != rec.STATUS_DELETED else rec.STATUS_READY
        rec.write_deleted_marker(vdir, name, version, original)
        entry["status"] = rec.STATUS_DELETED
        rec.update_metadata(vdir, status=rec.STATUS_DELETED)
        if index["aliases"].get("latest") == version:
            newest = _newest_live(adir, index)
            if newest is None:
                index["aliases"].pop("latest")
            else:
                index["aliases"]["latest"] = newest
        _save(adir, index)
    return True


def restore(root: Path, type_: str, name: str, version: int) -> bool:
    """Undo a soft delete; False when the version was not deleted. ``latest`` comes back to it
    when it is newer than the version ``latest`` points at."""
    with file_lock(paths.artifact_dir(root, type_, name) / paths.LOCK_FILE):
        adir, vdir, index = _locked_index(root, type_, name, version)
        if not rec.is_deleted(vdir):
            return False
        marker = rec.read_deleted_marker(vdir) or {}
        status = marker.get("original_status")
        status = status if isinstance(status, str) and status != rec.STATUS_DELETED else rec.STATUS_READY
        os.unlink(vdir / paths.DELETED_MARKER)
        _entry(index, version)["status"] = status
        rec.update_metadata(vdir, status=status)
        latest = index["aliases"].get("latest")
        if latest is None or latest < version:
            index["aliases"]["latest"] = version
        _save(adir, index)
    return True


def delete_permanently(root: Path, type_: str, name: str, version: int) -> DeleteResult:
    """Remove a version's directory, then every pool object of it that nothing else links to."""
    with pool.pool_lock(root, shared=False), file_lock(paths.artifact_dir(root, type_, name) / paths.LOCK_FILE):
        adir, vdir, index = _locked_index(root, type_, name, version)
        digests = [d for d in (paths.digest_hex(f["digest"]) for f in rec.read_manifest(vdir)["files"]) if d]
        # Rename first: the version disappears at once for readers, and a crash mid-removal
        # leaves a hidden directory (cleaned by collect_garbage) instead of a half version.
        trash = adir / f".trash-{uuid.uuid4().hex}"
        os.rename(vdir, trash)
        index["versions"] = [v for v in index["versions"] if v["version"] != version]
        index["aliases"] = {a: v for a, v in index["aliases"].items() if v != version}
        if "latest" not in index["aliases"]:
            newest = _newest_live(adir, index)
            if newest is not None:
                index["aliases"]["latest"] = newest
        _save(adir, index)
        shutil.rmtree(trash, ignore_errors=True)
        removed, freed = pool.release(root, digests)
    return DeleteResult(removed, freed)


def move_alias(root: Path, type_: str, name: str, alias: str, version: int) -> None:
    """Point ``alias`` at ``version`` (taking it from whichever version held it)."""
    paths.check_alias(alias)
    with file_lock(paths.artifact_dir(root, type_, name) / paths.LOCK_FILE):
        adir, vdir, index = _locked_index(root, type_, name, version)
        if rec.is_deleted(vdir):
            raise ValueError(f"{name}:v{version} is deleted; restore it before giving it an alias")
        _entry(index, version)
        index["aliases"][alias] = version
        _save(adir, index)


def _stale_build_dirs(root: Path) -> list:
    found = []
    base = paths.artifacts_root(root)
    for type_ in paths.ARTIFACT_TYPES:
        try:
            artifacts = list(os.scandir(base / type_))
        except OSError:
            continue
        for art in artifacts:
            if not art.is_dir(follow_symlinks=False):
                continue
            try:
                found.extend(Path(e.path) for e in os.scandir(art.path)
                             if e.name.startswith((".building-", ".trash-")) and e.is_dir(follow_symlinks=False))
            except OSError:
                continue
    return found


def collect_garbage(root: Path) -> pool.GcResult:
    """Remove leftovers of crashed saves and deletes, then pool objects nothing links to."""
    with pool.pool_lock(root, shared=False):
        # Savers hold the pool lock shared for as long as their build directory exists.
        for leftover in _stale_build_dirs(root):
            shutil.rmtree(leftover, ignore_errors=True)
    return pool.collect_garbage(root)
