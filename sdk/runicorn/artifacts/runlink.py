"""What ties artifacts to runs: ``artifacts_created.json`` and ``artifacts_used.json`` in the run
directory (the reference's shapes), and the two calls a run makes.

``log_artifact`` / ``use_artifact`` take any object with ``id``, ``run_dir`` and
``storage_root`` (the SDK's ``Run``), so ``Run`` only delegates here.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .. import layout
from ..jsonio import atomic_write_json, read_json
from . import store
from .artifact import Artifact

logger = logging.getLogger("runicorn")

_record_lock = threading.Lock()  # one writer at a time for a run's two JSON lists


def read_entries(run_dir: Path, filename: str) -> List[Dict[str, Any]]:
    """The entries of artifacts_created.json / artifacts_used.json; [] when missing or malformed."""
    data = read_json(Path(run_dir) / filename)
    items = data.get("artifacts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("type"), str):
            version = item.get("version")
            if isinstance(version, int) and not isinstance(version, bool) and version > 0:
                out.append(item)
    return out


def _append(run_dir: Path, filename: str, entry: Dict[str, Any], unique: bool) -> None:
    path = Path(run_dir) / filename
    with _record_lock:
        data = read_json(path)
        items = data.get("artifacts") if isinstance(data, dict) else None
        items = items if isinstance(items, list) else []
        if unique and any(
            isinstance(i, dict) and i.get("name") == entry["name"] and i.get("type", entry["type"]) == entry["type"]
            and i.get("version") == entry["version"]
            for i in items
        ):
            return
        items.append(entry)
        atomic_write_json(path, {"artifacts": items})


def _report(run: Any, what: str, exc: OSError) -> None:
    # The run's disk guard reports each kind of failure once; a bare run-like object gets a warning.
    disk = getattr(run, "_disk", None)
    if disk is not None:
        disk.failed(what, exc)
    else:
        logger.warning("runicorn: could not write %s in %s: %s", what, run.run_dir, exc)


def log_artifact(run: Any, artifact: Artifact, aliases: Sequence[str] = ("latest",)) -> int:
    """Save ``artifact`` as a new version created by ``run``; the version number."""
    if not isinstance(artifact, Artifact):
        raise TypeError(f"log_artifact expects a runicorn.Artifact, got {type(artifact).__name__}")
    aliases = (aliases,) if isinstance(aliases, str) else tuple(aliases)  # "production" is one alias
    parents = [f"{e['name']}:v{e['version']}" for e in read_entries(run.run_dir, layout.ARTIFACTS_USED_FILE)]
    version = store.save_version(Path(run.storage_root), artifact, run.id, aliases=aliases, parent_artifacts=parents)
    manifest = artifact.manifest or {}
    try:
        _append(run.run_dir, layout.ARTIFACTS_CREATED_FILE, {
            "name": artifact.name, "type": artifact.type, "version": version, "created_at": time.time(),
            "size_bytes": sum(f["size"] for f in manifest.get("files", [])),
            "num_files": manifest.get("total_files", 0), "num_references": manifest.get("total_references", 0),
        }, unique=False)
    except OSError as exc:  # the version exists; a lost record must not fail the training job
        _report(run, layout.ARTIFACTS_CREATED_FILE, exc)
    return version


def use_artifact(run: Any, spec: str, type: Optional[str] = None) -> Artifact:  # noqa: A002
    """Load ``"name:latest"`` / ``"name:v3"`` / ``"name:alias"`` and record that ``run`` used it."""
    root = Path(run.storage_root)
    type_, name, version = store.resolve(root, spec, type)
    artifact = store.load(root, type_, name, version)
    info = artifact.info or {}
    try:
        _append(run.run_dir, layout.ARTIFACTS_USED_FILE, {
            "name": name, "type": type_, "version": version, "used_at": time.time(),
            "size_bytes": info.get("size_bytes", 0), "num_files": info.get("num_files", 0),
            # Which content was used, whatever number another root gives it: a team server that
            # numbers versions itself maps the entry to its own number by this digest.
            "manifest_digest": info.get("manifest_digest"),
        }, unique=True)
    except OSError as exc:
        _report(run, layout.ARTIFACTS_USED_FILE, exc)
    return artifact
