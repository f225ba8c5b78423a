"""Writing a run archive: the chosen runs, the artifact versions they created or used, and each
distinct artifact file content once (format in :mod:`.members`).

:func:`write_archive` writes to any binary stream, seekable or not, so the viewer can stream the
ZIP to the browser as it is built (:func:`stream_archive`) without a temporary file.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Dict, Iterable, List, Optional, Set, Tuple

from .. import layout
from ..artifacts import paths as artifact_paths
from ..artifacts.runlink import read_entries
from ..jsonio import read_json
from .members import BLOBS_DIR, FORMAT, FORMAT_VERSION, MANIFEST_NAME, RUN_HIDDEN_FILES

VersionKey = Tuple[str, str, int]


@dataclass
class ExportPlan:
    root: Path
    runs: List[layout.RunLocation]
    versions: Set[VersionKey] = field(default_factory=set)


def select_runs(root: Path, project: Optional[str] = None, name: Optional[str] = None,
                run_ids: Iterable[str] = (), include_deleted: bool = False) -> List[layout.RunLocation]:
    """Runs under ``root`` matching every given filter (all runs when none is given), by id."""
    wanted = set(run_ids)
    found = []
    for loc in layout.iter_run_dirs(root, only_projects=[project] if project else None):
        if name is not None and loc.name != name:
            continue
        if wanted and loc.run_id not in wanted:
            continue
        if not include_deleted and os.path.lexists(loc.path / layout.DELETED_MARKER):
            continue
        found.append(loc)
    return sorted(found, key=lambda loc: loc.run_id)


def plan_export(root: Path, runs: List[layout.RunLocation]) -> ExportPlan:
    """The runs and every artifact version they created or used that exists under ``root``."""
    plan = ExportPlan(Path(root), runs)
    for loc in runs:
        for filename in (layout.ARTIFACTS_CREATED_FILE, layout.ARTIFACTS_USED_FILE):
            for entry in read_entries(loc.path, filename):
                type_, name, version = entry["type"], entry["name"], entry["version"]
                if artifact_paths.type_error(type_) or artifact_paths.name_error(name):
                    continue
                if (artifact_paths.version_dir(root, type_, name, version) / artifact_paths.METADATA_FILE).is_file():
                    plan.versions.add((type_, name, version))
    return plan


def _run_files(run_path: Path) -> Iterator[Tuple[str, Path]]:
    """``(path inside the run, file)`` for every regular file; symlinks and temporaries left out."""
    for dirpath, dirnames, filenames in os.walk(run_path):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d)))
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            rel = full.relative_to(run_path).as_posix()
            if filename.startswith(".") and rel not in RUN_HIDDEN_FILES:
                continue
            if full.is_symlink() or not full.is_file():
                continue
            yield rel, full


def _versions_doc(adir: Path, exported: Set[int]) -> bytes:
    """versions.json limited to the exported versions (the original bytes when that is all of them)."""
    raw = (adir / artifact_paths.VERSIONS_FILE).read_bytes()
    doc = json.loads(raw)
    versions = [v for v in doc.get("versions", []) if isinstance(v, dict) and v.get("version") in exported]
    if len(versions) == len(doc.get("versions", [])):
        return raw
    doc["versions"] = versions
    doc["aliases"] = {k: v for k, v in (doc.get("aliases") or {}).items() if v in exported}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _blob_source(root: Path, vdir: Path, entry: Dict[str, Any], hexdigest: str) -> Optional[Path]:
    pooled = artifact_paths.pool_object(root, hexdigest)
    if pooled.is_file():
        return pooled
    try:
        copy = vdir / artifact_paths.FILES_DIR / artifact_paths.clean_member_path(entry.get("path"))
    except ValueError:
        return None
    return copy if copy.is_file() and not copy.is_symlink() else None


def _archive_steps(plan: ExportPlan, zf: zipfile.ZipFile, manifest: Dict[str, Any]) -> Iterator[bool]:
    """Write the archive into ``zf``; yields after every member (True once a run or version is done)."""
    root = plan.root
    by_artifact: Dict[Tuple[str, str], Set[int]] = {}
    for type_, name, version in plan.versions:
        by_artifact.setdefault((type_, name), set()).add(version)
    blobs_written: Set[str] = set()
    zf.writestr(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2))
    for loc in plan.runs:
        base = f"{loc.project}/{loc.name}/{layout.RUNS_DIR}/{loc.run_id}"
        for rel, full in _run_files(loc.path):
            zf.write(full, f"{base}/{rel}")
            yield False
        yield True
    for (type_, name), versions in sorted(by_artifact.items()):
        adir = artifact_paths.artifact_dir(root, type_, name)
        zf.writestr(f"artifacts/{type_}/{name}/{artifact_paths.VERSIONS_FILE}", _versions_doc(adir, versions))
        for version in sorted(versions):
            vdir = adir / f"v{version}"
            for filename in (artifact_paths.METADATA_FILE, artifact_paths.MANIFEST_FILE, artifact_paths.DELETED_MARKER):
                if (vdir / filename).is_file():
                    zf.write(vdir / filename, f"artifacts/{type_}/{name}/v{version}/{filename}")
            vmanifest = read_json(vdir / artifact_paths.MANIFEST_FILE)
            for entry in (vmanifest or {}).get("files") or []:
                hexdigest = artifact_paths.digest_hex(entry.get("digest")) if isinstance(entry, dict) else None
                if hexdigest is None or hexdigest in blobs_written:
                    continue
                source = _blob_source(root, vdir, entry, hexdigest)
                if source is not None:
                    zf.write(source, f"{BLOBS_DIR}/{hexdigest}")
                    blobs_written.add(hexdigest)
                    yield False
            yield True


def archive_manifest(plan: ExportPlan) -> Dict[str, Any]:
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": time.time(),
        "runs": [{"id": loc.run_id, "project": loc.project, "name": loc.name} for loc in plan.runs],
        "artifacts": [{"type": t, "name": n, "version": v} for t, n, v in sorted(plan.versions)],
    }


def _zip(out: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def write_archive(plan: ExportPlan, out: BinaryIO,
                  progress: Optional[Callable[[int, int], None]] = None) -> Dict[str, Any]:
    """Write ``plan`` as a ZIP into ``out``; returns the archive's own manifest."""
    manifest = archive_manifest(plan)
    total = len(plan.runs) + len(plan.versions)
    done = 0
    with _zip(out) as zf:
        for item_done in _archive_steps(plan, zf, manifest):
            if item_done:
                done += 1
                if progress:
                    progress(done, total)
    return manifest


class _ChunkSink:
    """A write-only stream that hands over what was written since the last call to ``take``."""

    def __init__(self) -> None:
        self._chunks: List[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_archive(plan: ExportPlan) -> Iterator[bytes]:
    """The archive as chunks, produced while it is built: one member's compressed bytes at a time,
    so memory stays at about one file however many runs go out."""
    sink = _ChunkSink()
    with _zip(sink) as zf:
        for _ in _archive_steps(plan, zf, archive_manifest(plan)):
            chunk = sink.take()
            if chunk:
                yield chunk
    yield sink.take()
