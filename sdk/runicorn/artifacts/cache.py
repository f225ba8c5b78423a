"""The per-user download cache of artifact versions: ``Artifact.download()`` without a target.

Before, every ``download()`` made a new full copy under /tmp (four runs, four copies). Now a
version is copied once into ``$RUNICORN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/runicorn/artifacts``,
``~/.cache/runicorn/artifacts``), in a folder named by its manifest digest, and later calls reuse
it. The cache is bounded (``RUNICORN_ARTIFACT_CACHE_BYTES``, default 20 GiB): after each new entry
the least recently used ones go until it fits; unfinished copies a killed process left are
removed once they are an hour old.

An entry is complete only when its ``.complete`` marker exists (written after every file was
copied and verified); a reused entry is checked against the manifest's sizes, so a file the user
deleted or changed in place brings a fresh copy. Copies, never links into the storage root: a
user editing a downloaded file must not change the stored version.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import paths
from . import records as rec

logger = logging.getLogger("runicorn")

DEFAULT_LIMIT_BYTES = 20 * 1024**3
MARKER = ".complete"
PARTIAL_PREFIX = ".partial-"
STALE_PARTIAL_SECONDS = 3600.0


def cache_dir() -> Path:
    explicit = os.environ.get("RUNICORN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "runicorn" / "artifacts"


def limit_bytes() -> int:
    raw = os.environ.get("RUNICORN_ARTIFACT_CACHE_BYTES", "")
    try:
        return max(0, int(raw)) if raw.strip() else DEFAULT_LIMIT_BYTES
    except ValueError:
        logger.warning("runicorn: RUNICORN_ARTIFACT_CACHE_BYTES=%r is not a number of bytes; using %d", raw,
                       DEFAULT_LIMIT_BYTES)
        return DEFAULT_LIMIT_BYTES


def _key(root: Path, type_: str, name: str, version: int) -> Tuple[str, Dict[str, Any]]:
    vdir = paths.version_dir(root, type_, name, version)
    metadata = rec.read_metadata(vdir) or {}
    digest = metadata.get("manifest_digest")
    if not (isinstance(digest, str) and len(digest) == 64):
        # Versions written by the reference carry no digest: the manifest's bytes stand in.
        try:
            digest = hashlib.sha256((vdir / paths.MANIFEST_FILE).read_bytes()).hexdigest()
        except OSError:
            digest = hashlib.sha256(f"{type_}/{name}/v{version}".encode()).hexdigest()
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:40]
    return f"{safe_name}-v{version}-{digest[:16]}", rec.read_manifest(vdir)


def _intact(entry: Path, manifest: Dict[str, Any]) -> bool:
    if not (entry / MARKER).is_file():
        return False
    for item in manifest["files"]:
        try:
            if (entry / paths.clean_member_path(item["path"])).stat().st_size != item["size"]:
                return False
        except (OSError, ValueError):
            return False
    return True


def fetch(root: Path, type_: str, name: str, version: int) -> Path:
    """The cached copy of a version's files (made now, verified, when missing); its directory."""
    from .store import download  # late: store imports the artifact module that imports us

    base = cache_dir()
    key, manifest = _key(root, type_, name, version)
    entry = base / key
    if _intact(entry, manifest):
        os.utime(entry / MARKER)  # the recency eviction goes by
        return entry
    base.mkdir(parents=True, exist_ok=True)
    partial = base / f"{PARTIAL_PREFIX}{key}-{uuid.uuid4().hex[:8]}"
    try:
        download(root, type_, name, version, partial)
        (partial / MARKER).write_text(f"{type_}/{name}:v{version}\n", encoding="utf-8")
        if entry.exists():  # damaged (or a parallel process finished first): the newer copy wins
            shutil.rmtree(entry, ignore_errors=True)
        try:
            os.rename(partial, entry)
        except OSError:
            if not _intact(entry, manifest):
                raise
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    clean(keep=entry)
    return entry


def _entries(base: Path) -> List[Tuple[float, int, Path]]:
    out = []
    try:
        names = os.listdir(base)
    except OSError:
        return []
    for fname in names:
        path = base / fname
        if fname.startswith(PARTIAL_PREFIX) or not path.is_dir():
            continue
        try:
            used = (path / MARKER).stat().st_mtime
        except OSError:
            used = 0.0  # no marker: incomplete, first to go
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
        out.append((used, size, path))
    return out


def clean(keep: Optional[Path] = None, now: Optional[float] = None) -> int:
    """Remove stale unfinished copies and the least recently used entries beyond the limit
    (never ``keep``); the number of entries removed."""
    base = cache_dir()
    now = time.time() if now is None else now
    removed = 0
    try:
        names = os.listdir(base)
    except OSError:
        return 0
    for fname in names:
        if fname.startswith(PARTIAL_PREFIX):
            path = base / fname
            try:
                if now - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
    entries = sorted(_entries(base))
    total = sum(size for _, size, _ in entries)
    limit = limit_bytes()
    for _used, size, path in entries:
        if total <= limit:
            break
        if keep is not None and path == keep:
            continue
        shutil.rmtree(path, ignore_errors=True)
        total -= size
        removed += 1
    return removed
