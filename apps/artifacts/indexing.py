"""Refresh the artifact index rows from disk, re-reading only artifacts whose stat token moved."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from runicorn.artifacts import paths
from runicorn.artifacts import records as rec

from .models import ArtifactEntry, ArtifactIndexState, ArtifactVersion


@dataclass
class IndexSync:
    scanned: int = 0
    updated: int = 0
    removed: int = 0


def _stat_part(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_mtime_ns:x}.{st.st_size:x}.{st.st_ino:x}"


def _version_dirs(adir: str) -> dict[int, str]:
    found = {}
    try:
        entries = list(os.scandir(adir))
    except OSError:
        return {}
    for entry in entries:
        number = paths.version_from_dirname(entry.name)
        if number is not None and entry.is_dir(follow_symlinks=False):
            found[number] = entry.path
    return found


def _token(parts: list[str]) -> str:
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()


def _version_row(entry: ArtifactEntry, number: int, vdir: Path, token: str, index: dict[str, Any]) -> ArtifactVersion:
    meta = rec.read_metadata(vdir) or {}
    manifest = rec.read_manifest(vdir)
    info = next((v for v in index["versions"] if v["version"] == number), {})
    marker = rec.read_deleted_marker(vdir) if rec.is_deleted(vdir) else None
    deleted = rec.is_deleted(vdir)

    def pick(key: str, default: Any) -> Any:
        value = meta.get(key, info.get(key))
        if isinstance(default, float) and isinstance(value, int):
            value = float(value)
        return value if isinstance(value, type(default)) and not isinstance(value, bool) else default

    return ArtifactVersion(
        artifact=entry, type=entry.type, name=entry.name, version=number, token=token,
        created_at=float(pick("created_at", 0.0)) or None,
        created_by_run=pick("created_by_run", ""),
        size_bytes=pick("size_bytes", 0),
        file_bytes=sum(f["size"] for f in manifest["files"]),
        num_files=pick("num_files", len(manifest["files"])),
        num_references=pick("num_references", len(manifest["references"])),
        status=rec.STATUS_DELETED if deleted else pick("status", rec.STATUS_READY),
        deleted=deleted,
        deleted_at=marker.get("deleted_at") if marker and isinstance(marker.get("deleted_at"), (int, float)) else None,
        aliases=rec.aliases_of(index, number),
        description=pick("description", ""),
    )


def _ensure_root(root: Path) -> None:
    state, _ = ArtifactIndexState.objects.get_or_create(pk=1)
    if state.root != str(root):
        with transaction.atomic():
            ArtifactEntry.objects.all().delete()
            ArtifactIndexState.objects.filter(pk=1).update(root=str(root))


def sync_artifact_index(root: Path) -> IndexSync:
    """Bring ArtifactEntry / ArtifactVersion in step with ``<root>/artifacts``."""
    _ensure_root(root)
    result = IndexSync()
    known = {(e.type, e.name): e for e in ArtifactEntry.objects.all()}
    seen: set[tuple[str, str]] = set()
    for type_ in paths.ARTIFACT_TYPES:
        try:
            artifact_dirs = [e for e in os.scandir(paths.artifacts_root(root) / type_)
                             if not paths.name_error(e.name) and e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        for art in artifact_dirs:
            result.scanned += 1
            key = (type_, art.name)
            seen.add(key)
            vdirs = _version_dirs(art.path)
            vtokens = {n: _stat_part(p) for n, p in vdirs.items()}
            token = _token([_stat_part(os.path.join(art.path, paths.VERSIONS_FILE))]
                           + [f"{n}:{t}" for n, t in sorted(vtokens.items())])
            entry = known.get(key)
            if entry is not None and entry.token == token:
                continue
            _refresh_artifact(Path(art.path), type_, art.name, entry, token, vdirs, vtokens)
            result.updated += 1
    gone = [e.pk for k, e in known.items() if k not in seen]
    if gone:
        ArtifactEntry.objects.filter(pk__in=gone).delete()
        result.removed = len(gone)
    ArtifactIndexState.objects.filter(pk=1).update(synced_at=time.time())
    return result


def _refresh_artifact(adir: Path, type_: str, name: str, entry: ArtifactEntry | None, token: str,
                      vdirs: dict[int, str], vtokens: dict[int, str]) -> None:
    index = rec.read_index(adir) or rec.new_index(name, type_)
    with transaction.atomic():
        if entry is None:
            entry = ArtifactEntry.objects.create(type=type_, name=name)
        rows = {v.version: v for v in entry.versions.all()}
        keep: list[ArtifactVersion] = []
        for number, vdir in sorted(vdirs.items()):
            if not os.path.isfile(os.path.join(vdir, paths.METADATA_FILE)):
                continue  # not a version (yet)
            row = rows.get(number)
            if row is not None and row.token == vtokens[number]:
                # Aliases live in versions.json, which may have changed without this directory.
                row.aliases = rec.aliases_of(index, number)
                keep.append(row)
            else:
                keep.append(_version_row(entry, number, Path(vdir), vtokens[number], index))
        ArtifactVersion.objects.filter(artifact=entry).exclude(version__in=[r.version for r in keep]).delete()
        ArtifactVersion.objects.bulk_create(
            keep, update_conflicts=True, unique_fields=["type", "name", "version"],
            update_fields=[f.name for f in ArtifactVersion._meta.concrete_fields
                           if f.name not in ("id", "type", "name", "version")],
        )
        live = [r for r in keep if not r.deleted]
        live_numbers = {r.version for r in live}
        entry.token = token
        entry.created_at = index["created_at"] or None
        entry.updated_at = index["updated_at"] or None
        entry.aliases = {a: v for a, v in index["aliases"].items() if v in live_numbers}
        entry.num_versions = len(live)
        entry.num_deleted = len(keep) - len(live)
        entry.latest_version = max(live_numbers) if live_numbers else None
        entry.size_bytes = sum(r.size_bytes for r in keep)
        entry.save()
