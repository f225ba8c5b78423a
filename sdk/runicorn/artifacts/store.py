"""Saving, finding and materialising artifact versions.

Saving a version: (1) each staged file goes into the dedup pool (hashed while copied; content
already pooled is only read), (2) the version is assembled in a hidden temporary directory
(hard links into the pool, manifest.json), (3) under the artifact's lock the next number is
taken, metadata.json written, the directory renamed to ``v<N>`` and versions.json replaced
atomically. Readers therefore never see half a version, and two processes saving the same
name get two distinct numbers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..layout import InvalidName, safe_join
from . import paths, pool
from . import records as rec
from .artifact import Artifact
from .hashing import copy_sha256
from .locks import file_lock
from .paths import ArtifactNotFound


class ArtifactCorrupted(IOError):
    """A stored file whose size or digest no longer matches the manifest."""


def lock_path(root: Path, type_: str, name: str) -> Path:
    return paths.artifact_dir(root, type_, name) / paths.LOCK_FILE


def _versions_on_disk(adir: Path) -> List[int]:
    try:
        names = os.listdir(adir)
    except OSError:
        return []
    return [n for n in (paths.version_from_dirname(d) for d in names) if n is not None]


def save_version(
    root: Path,
    artifact: Artifact,
    run_id: str,
    aliases: Sequence[str] = ("latest",),
    parent_artifacts: Sequence[str] = (),
    user: Optional[str] = None,
) -> int:
    """Store ``artifact``'s staged files and references as its next version; the version number.

    ``latest`` always moves to the new version; the other ``aliases`` move to it as well.
    """
    staged, references = artifact.staged_files, artifact.staged_references
    if not staged and not references:
        raise ValueError(f"artifact {artifact.name} has no files or references to save")
    wanted_aliases = ["latest"] + [paths.check_alias(a) for a in aliases if a != "latest"]
    adir = paths.artifact_dir(root, artifact.type, artifact.name)
    adir.mkdir(parents=True, exist_ok=True)
    building = adir / f".building-{uuid.uuid4().hex}"
    with pool.pool_lock(root, shared=True):
        try:
            files_dir = building / paths.FILES_DIR
            files_dir.mkdir(parents=True)
            entries = []
            for source, member in staged:
                stat = source.stat()
                stored = pool.put(root, source)
                pool.materialize(stored.path, safe_join(files_dir, member))
                entries.append({"path": member, "size": stored.size, "digest": f"sha256:{stored.hexdigest}",
                                "modified_at": stat.st_mtime})
            manifest = rec.build_manifest(entries, references)
            manifest_digest = rec.write_manifest(building, manifest)
            number, metadata = commit_version(
                adir, building, artifact.name, artifact.type, run_id, user, wanted_aliases, manifest,
                manifest_digest, {"metadata": artifact.metadata, "description": artifact.description,
                                  "tags": list(artifact.tags), "parent_artifacts": list(parent_artifacts)},
            )
        finally:
            if building.exists():
                shutil.rmtree(building, ignore_errors=True)
    artifact.version = number
    artifact.storage_root = Path(root)
    artifact.aliases = wanted_aliases
    artifact.created_by_run = run_id
    artifact.manifest = manifest
    artifact.info = metadata
    return number


def commit_version(
    adir: Path,
    building: Path,
    name: str,
    type_: str,
    run_id: str,
    user: Optional[str],
    aliases: Sequence[str],
    manifest: Dict[str, Any],
    manifest_digest: str,
    fields: Dict[str, Any],
    numbered: Optional[Callable[[int], None]] = None,
) -> Tuple[int, Dict[str, Any]]:
    """Under the artifact's lock: take the next number, write metadata.json into the assembled
    ``building`` directory, rename it to ``v<N>`` and update versions.json; (number, metadata).

    ``fields``: metadata, description, tags, parent_artifacts. ``numbered(n)`` runs under the
    lock once the version is in place (the ingest server records which upload it answered).
    """
    with file_lock(adir / paths.LOCK_FILE):
        index = rec.read_index(adir) or rec.new_index(name, type_)
        known = [v["version"] for v in index["versions"]] + _versions_on_disk(adir) + [index["last_version"]]
        number = max(known, default=0) + 1
        now = time.time()
        for alias in aliases:
            index["aliases"][alias] = number
        metadata = {
            "name": name, "type": type_, "version": number,
            "created_at": now, "updated_at": now, "created_by_run": run_id, "created_by_user": user,
            "size_bytes": manifest["total_size"], "num_files": manifest["total_files"],
            "num_references": manifest["total_references"], "status": rec.STATUS_READY,
            "metadata": fields.get("metadata") or {}, "description": fields.get("description") or "",
            "tags": list(fields.get("tags") or []), "aliases": list(aliases),
            "parent_artifacts": list(fields.get("parent_artifacts") or []), "manifest_digest": manifest_digest,
        }
        rec.write_metadata(building, metadata)
        os.rename(building, adir / f"v{number}")
        index["versions"].append({
            "version": number, "created_at": now, "created_by_run": run_id,
            "size_bytes": metadata["size_bytes"], "num_files": metadata["num_files"],
            "status": rec.STATUS_READY, "aliases": list(aliases),
        })
        _commit_aliases(adir, index)
        if numbered is not None:
            numbered(number)
    return number, metadata


def _commit_aliases(adir: Path, index: Dict[str, Any]) -> None:
    """Write versions.json, and the metadata.json of every version whose alias list changed."""
    changed = rec.sync_alias_lists(index)
    index["updated_at"] = time.time()
    rec.write_index(adir, index)
    for number in changed:
        vdir = adir / f"v{number}"
        if vdir.is_dir():
            rec.update_metadata(vdir, aliases=rec.aliases_of(index, number))


# ---- finding ------------------------------------------------------------------------------
def find_type(root: Path, name: str) -> Optional[str]:
    """The type directory holding an artifact called ``name`` (types searched in a fixed order)."""
    paths.check_name(name)
    for type_ in paths.ARTIFACT_TYPES:
        if (paths.artifact_dir(root, type_, name) / paths.VERSIONS_FILE).is_file():
            return type_
    return None


def resolve(root: Path, spec: str, type_: Optional[str] = None) -> Tuple[str, str, int]:
    """(type, name, version) for ``"name:vN"``, ``"name:alias"`` or ``"name"`` (= ``latest``)."""
    parsed = paths.parse_spec(spec)
    type_ = paths.check_type(type_) if type_ else find_type(root, parsed.name)
    if type_ is None:
        raise ArtifactNotFound(f"Artifact not found: {parsed.name}")
    adir = paths.artifact_dir(root, type_, parsed.name)
    index = rec.read_index(adir)
    if index is None:
        raise ArtifactNotFound(f"Artifact not found: {parsed.name} (type={type_})")
    version = parsed.version
    if version is None:
        version = index["aliases"].get(parsed.alias)
        if version is None:
            raise ArtifactNotFound(
                f"Alias {parsed.alias!r} not found for artifact {parsed.name}; "
                f"available aliases: {sorted(index['aliases'])}"
            )
    vdir = adir / f"v{version}"
    if not (vdir / paths.METADATA_FILE).is_file():
        raise ArtifactNotFound(f"Version not found: {parsed.name}:v{version}")
    if rec.is_deleted(vdir):
        raise ArtifactNotFound(f"{parsed.name}:v{version} is deleted; restore it first")
    return type_, parsed.name, version


def load(root: Path, type_: str, name: str, version: int) -> Artifact:
    vdir = paths.version_dir(root, type_, name, version)
    metadata = rec.read_metadata(vdir)
    if metadata is None:
        raise ArtifactNotFound(f"Version not found: {name}:v{version}")
    index = rec.read_index(vdir.parent) or rec.new_index(name, type_)
    art = Artifact(name, type=type_, description=metadata.get("description") or "",
                   metadata=metadata.get("metadata") if isinstance(metadata.get("metadata"), dict) else {})
    art.add_tags(*(metadata.get("tags") or []))
    art.version = int(version)
    art.storage_root = Path(root)
    art.aliases = rec.aliases_of(index, int(version))
    art.created_by_run = metadata.get("created_by_run")
    art.manifest = rec.read_manifest(vdir)
    art.info = metadata
    return art


def member_path(root: Path, type_: str, name: str, version: int, member: str) -> Path:
    """The stored file ``member`` of a version; refuses paths that leave the version's files."""
    files_dir = paths.version_dir(root, type_, name, version) / paths.FILES_DIR
    return safe_join(files_dir, paths.clean_member_path(member))


def download(root: Path, type_: str, name: str, version: int, target: Optional[Any] = None,
             progress: Optional[Callable[[int, int], None]] = None) -> Path:
    """Copy a version's files out under ``target`` (a new temporary directory by default) and
    verify each one against the manifest; the directory. ``progress(files_done, files)`` after each file."""
    vdir = paths.version_dir(root, type_, name, version)
    manifest = rec.read_manifest(vdir)
    if target is None:
        dest = Path(tempfile.mkdtemp(prefix=f"runicorn_{name}_v{version}_"))
    else:
        dest = Path(target)
        dest.mkdir(parents=True, exist_ok=True)
    for done, entry in enumerate(manifest["files"]):
        member = paths.clean_member_path(entry["path"])
        expected = paths.digest_hex(entry["digest"])
        source = member_path(root, type_, name, version, member)
        if not source.is_file() and expected:
            source = paths.pool_object(root, expected)  # the version's link is gone; the pool may still hold it
        if not source.is_file():
            raise ArtifactCorrupted(f"{name}:v{version}: file {member} is missing from storage")
        out = safe_join(dest, member)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            digest, size = copy_sha256(source, tmp, sync=False)
            if size != entry["size"] or (expected and digest != expected):
                raise ArtifactCorrupted(
                    f"{name}:v{version}: {member} does not match its manifest "
                    f"(size {size} vs {entry['size']}, sha256 {digest} vs {expected})"
                )
            os.replace(tmp, out)
        finally:
            if tmp.exists():
                tmp.unlink()
        if entry.get("modified_at"):
            os.utime(out, (entry["modified_at"], entry["modified_at"]))
        if progress is not None:
            progress(done + 1, len(manifest["files"]))
    return dest


__all__ = [
    "ArtifactCorrupted", "ArtifactNotFound", "InvalidName", "commit_version", "download", "find_type", "load",
    "member_path", "resolve", "save_version",
]
