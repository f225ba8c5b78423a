"""Importing a checked run archive into a storage root: the preview, then the writing.

Modes:

* ``merge`` (default): runs go back to their own project and experiment.
* ``isolate``: runs go into one new project, ``imported-<archive name>`` (or the one given), so
  they sit apart from the runs already there.

In both modes a run whose id is already in the root is skipped (run ids are unique per root), and
an artifact version already there with the same manifest digest is reused; one there with other
content is a conflict: it is reported and left as it is, and the archive's version is skipped.

Writing: the members are unpacked into a hidden staging directory inside the root, then artifact
versions are built (blobs into the dedup pool, ``files/`` linked from it, records byte for byte)
and each run directory is renamed into place. A failure removes the staging directory.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from .. import layout
from ..artifacts import paths as artifact_paths
from ..artifacts import pool
from ..artifacts import records as rec
from ..artifacts.locks import file_lock
from ..jsonio import read_json
from .check import ArchiveContents, RunKey, VersionKey
from .members import digest_of

MODES = ("merge", "isolate")


@dataclass
class Preview:
    mode: str
    project: Optional[str]  # the project of isolate mode
    new_runs: List[RunKey] = field(default_factory=list)
    duplicate_runs: List[RunKey] = field(default_factory=list)
    new_versions: List[VersionKey] = field(default_factory=list)
    present_versions: List[VersionKey] = field(default_factory=list)
    conflicts: List[Dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        def run(key: RunKey) -> Dict[str, str]:
            return {"id": key[2], "project": self.target_project(key[0]), "name": key[1]}

        def version(key: VersionKey) -> Dict[str, Any]:
            return {"type": key[0], "name": key[1], "version": key[2]}

        return {
            "mode": self.mode,
            "runs": {"new": [run(k) for k in self.new_runs], "duplicates": [run(k) for k in self.duplicate_runs]},
            "artifacts": {"new": [version(k) for k in self.new_versions],
                          "present": [version(k) for k in self.present_versions]},
            "conflicts": self.conflicts,
        }

    def target_project(self, project: str) -> str:
        return self.project if self.mode == "isolate" and self.project else project


def isolate_project(archive_name: str) -> str:
    stem = Path(archive_name).name
    stem = stem[: -len(".zip")] if stem.lower().endswith(".zip") else stem
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem).strip("._") or "archive"
    return f"imported-{cleaned}"[: layout.MAX_SEGMENT_LENGTH]


def existing_run_ids(root: Path) -> Set[str]:
    return {loc.run_id for loc in layout.iter_run_dirs(root)}


def preview(root: Path, contents: ArchiveContents, mode: str = "merge", project: Optional[str] = None) -> Preview:
    """What importing ``contents`` into ``root`` would add, skip and leave in conflict."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "isolate" and project is not None:
        layout.check_segment(project, "project")
    result = Preview(mode, project if mode == "isolate" else None)
    have = existing_run_ids(root)
    for key in sorted(contents.runs):
        (result.duplicate_runs if key[2] in have else result.new_runs).append(key)
    for key in sorted(contents.versions):
        type_, name, version = key
        theirs = contents.version_docs[key]["metadata"].get("manifest_digest")
        ours = read_json(artifact_paths.version_dir(root, type_, name, version) / artifact_paths.METADATA_FILE)
        if not isinstance(ours, dict):
            result.new_versions.append(key)
        elif ours.get("manifest_digest") == theirs:
            result.present_versions.append(key)
        else:
            result.conflicts.append({"artifact": f"{name}:v{version}", "type": type_,
                                     "reason": "a different version with this number is already in the root; "
                                               "kept the root's, skipped the archive's"})
    for key in result.duplicate_runs:
        result.conflicts.append({"run": key[2], "reason": "a run with this id is already in the root; skipped"})
    return result


Progress = Optional[Callable[[int, int], None]]


def apply(root: Path, archive: os.PathLike[str] | str, contents: ArchiveContents, plan: Preview,
          progress: Progress = None) -> Dict[str, Any]:
    """Write what ``plan`` (a :func:`preview` of ``contents``) says is new; a summary of what happened.

    ``progress(done, total)`` is called after each artifact version and each run."""
    root = Path(root)
    staging = root / f".runicorn-import-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    total = len(plan.new_versions) + len(plan.new_runs)
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    try:
        with zipfile.ZipFile(archive) as zf:
            _import_versions(root, zf, contents, plan.new_versions, staging, step)
            written = _import_runs(root, zf, contents, plan, staging, step)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = plan.as_dict()
    summary["imported_runs"] = written
    summary["imported_versions"] = len(plan.new_versions)
    return summary


def _unpack(zf: zipfile.ZipFile, member: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(member) as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def _import_runs(root: Path, zf: zipfile.ZipFile, contents: ArchiveContents, plan: Preview, staging: Path,
                 step: Callable[[], None]) -> int:
    written = 0
    for key in plan.new_runs:
        project, name, run_id = key
        target = layout.run_dir(root, plan.target_project(project), name, run_id)
        unpacked = staging / "runs" / run_id
        for member, rel in contents.runs[key]:
            _unpack(zf, member, layout.safe_join(unpacked, *rel.split("/")))
        step()
        if target.exists():
            continue  # appeared since the preview: skip rather than mix two runs
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(unpacked, target)
        written += 1
    return written


def _import_versions(root: Path, zf: zipfile.ZipFile, contents: ArchiveContents, keys: List[VersionKey],
                     staging: Path, step: Callable[[], None]) -> None:
    if not keys:
        return
    blobs_dir = staging / "blobs"
    with pool.pool_lock(root, shared=True):
        pooled: Dict[str, Path] = {}
        for key in keys:
            for entry in contents.version_docs[key]["manifest"].get("files") or []:
                hexdigest = digest_of(entry.get("digest"))
                if hexdigest is None or hexdigest in pooled:
                    continue
                blob = blobs_dir / hexdigest
                _unpack(zf, contents.blobs[hexdigest], blob)
                pooled[hexdigest] = pool.put(root, blob).path
        by_artifact: Dict[Tuple[str, str], List[VersionKey]] = {}
        for key in keys:
            by_artifact.setdefault((key[0], key[1]), []).append(key)
        for (type_, name), versions in by_artifact.items():
            _import_artifact(root, zf, contents, type_, name, versions, pooled)
            for _ in versions:
                step()


def _import_artifact(root: Path, zf: zipfile.ZipFile, contents: ArchiveContents, type_: str, name: str,
                     versions: List[VersionKey], pooled: Dict[str, Path]) -> None:
    adir = artifact_paths.artifact_dir(root, type_, name)
    adir.mkdir(parents=True, exist_ok=True)
    with file_lock(adir / artifact_paths.LOCK_FILE):
        imported: List[int] = []
        for key in versions:
            vdir = adir / f"v{key[2]}"
            if vdir.exists():
                continue
            building = adir / f".building-{uuid.uuid4().hex}"
            try:
                for filename, member in contents.versions[key].items():
                    _unpack(zf, member, building / filename)
                files_dir = building / artifact_paths.FILES_DIR
                files_dir.mkdir(parents=True, exist_ok=True)
                for entry in contents.version_docs[key]["manifest"].get("files") or []:
                    member_path = artifact_paths.clean_member_path(entry["path"])
                    pool.materialize(pooled[digest_of(entry["digest"]) or ""], layout.safe_join(files_dir, member_path))
                os.rename(building, vdir)
                imported.append(key[2])
            finally:
                if building.exists():
                    shutil.rmtree(building, ignore_errors=True)
        if imported:
            _merge_index(adir, zf.read(contents.indexes[(type_, name)]), set(imported))


def _merge_index(adir: Path, archive_index: bytes, imported: Set[int]) -> None:
    """versions.json after adding ``imported``: the archive's bytes when the root had none, else the
    root's index with the new versions added (its aliases win)."""
    import json

    target = adir / artifact_paths.VERSIONS_FILE
    theirs = json.loads(archive_index)
    ours = rec.read_index(adir)
    if ours is None:
        tmp = adir / f".versions-{uuid.uuid4().hex}.tmp"
        tmp.write_bytes(archive_index)
        os.replace(tmp, target)
        return
    known = {v["version"] for v in ours["versions"]}
    for entry in theirs.get("versions") or []:
        if isinstance(entry, dict) and entry.get("version") in imported and entry.get("version") not in known:
            ours["versions"].append(entry)
    ours["versions"].sort(key=lambda v: v["version"])
    for alias, number in (theirs.get("aliases") or {}).items():
        if number in imported and alias not in ours["aliases"]:
            ours["aliases"][alias] = number
    rec.write_index(adir, ours)
