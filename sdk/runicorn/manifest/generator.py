"""Server side of manifest sync: scan the storage root and publish ``<type>_manifest.json(.gz)``.

Regeneration is incremental: the previous scan is kept in ``.manifest_cache.json`` next to the
manifests, and a run is re-read only when its directory changed (a file created, renamed or
removed: how every atomic write shows up), when it was still running (appends to events.jsonl and
logs.txt do not touch the directory), or when it had been written to shortly before the previous
scan (an in-place rewrite may have followed it). Everything else costs one ``stat`` per run.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import socket
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from .. import layout, records
from ..jsonio import atomic_write_bytes, atomic_write_json, read_json
from .models import (
    APPEND_ONLY_FILES,
    FORMAT_VERSION,
    GENERATOR_VERSION,
    METADATA_FILES,
    PRIORITY_DATA,
    PRIORITY_MEDIA,
    PRIORITY_METADATA,
    ExperimentEntry,
    FileEntry,
    ManifestType,
    SyncManifest,
    manifest_path_error,
)

log = logging.getLogger(__name__)

OUTPUT_DIRNAME = ".runicorn"
STATE_FILE = ".manifest_state.json"  # same name and keys as the reference: the revision survives a switch
CACHE_FILE = ".manifest_cache.json"
LOCK_FILE = ".manifest.lock"
CACHE_VERSION = 1
# A run last written to less than this long before it was scanned is scanned again next time,
# because a writer that rewrites files in place (the reference SDK does) leaves the directory alone.
SETTLE_SECONDS = 60.0

ProgressCallback = Callable[[int, int], None]


@dataclass
class ScanStats:
    runs: int = 0
    rescanned: int = 0
    reused: int = 0
    seconds: float = 0.0


class ManifestGenerator:
    """Builds and writes sync manifests for the runs under ``remote_root``.

    ``generate()`` returns ``(manifest, output_path)``; the manifest is written atomically (a
    reader sees the previous or the new document, never part of one) with a ``.gz`` copy beside
    it, and ``revision`` goes up by one with every generation.
    """

    settle_seconds = SETTLE_SECONDS

    def __init__(
        self,
        remote_root: Path,
        output_dir: Optional[Path] = None,
        active_window_seconds: int = 3600,
        incremental: bool = True,
        progress: Optional[ProgressCallback] = None,
    ) -> None:
        self.remote_root = Path(remote_root).resolve()
        self.output_dir = Path(output_dir) if output_dir is not None else self.remote_root / OUTPUT_DIRNAME
        self.active_window_seconds = active_window_seconds
        self.incremental = incremental
        self.progress = progress
        self.server_hostname = socket.gethostname()
        self.last_scan = ScanStats()

    # -- public ------------------------------------------------------------------------------

    def generate(
        self, manifest_type: ManifestType = ManifestType.FULL, output_path: Optional[Path] = None
    ) -> Tuple[SyncManifest, Path]:
        manifest_type = ManifestType(manifest_type)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        target = Path(output_path) if output_path is not None else self.output_dir / manifest_type.filename
        with _exclusive_lock(self.output_dir / LOCK_FILE):
            started = time.time()
            experiments = self._scan(started)
            if manifest_type is ManifestType.ACTIVE:
                cutoff = started - self.active_window_seconds
                experiments = [e for e in experiments if e.updated_at >= cutoff]
            manifest = SyncManifest(
                format_version=FORMAT_VERSION,
                manifest_type=manifest_type,
                revision=self._last_revision() + 1,
                snapshot_id=str(uuid.uuid4()),
                generated_at=time.time(),
                server_hostname=self.server_hostname,
                remote_root=str(self.remote_root),
                experiments=experiments,
                generator_version=GENERATOR_VERSION,
            )
            manifest.compute_statistics()
            write_manifest(manifest, target)
            atomic_write_json(
                self.output_dir / STATE_FILE,
                {"last_revision": manifest.revision, "last_generated": manifest.generated_at},
            )
            self.last_scan.seconds = time.time() - started
        log.info(
            "%s manifest r%d: %d runs (%d re-read), %d files, %d bytes in %.2fs -> %s",
            manifest_type.value, manifest.revision, manifest.total_experiments, self.last_scan.rescanned,
            manifest.total_files, manifest.total_bytes, self.last_scan.seconds, target,
        )
        return manifest, target

    # -- scanning ----------------------------------------------------------------------------

    def _last_revision(self) -> int:
        state = read_json(self.output_dir / STATE_FILE)
        value = state.get("last_revision") if isinstance(state, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

    def _load_cache(self) -> Dict[str, Any]:
        if not self.incremental:
            return {}
        data = read_json(self.output_dir / CACHE_FILE)
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        if data.get("root") != str(self.remote_root):  # the root moved: paths no longer match
            return {}
        runs = data.get("runs")
        return runs if isinstance(runs, dict) else {}

    def _scan(self, now: float) -> List[ExperimentEntry]:
        previous = self._load_cache()
        current: Dict[str, Any] = {}
        experiments: List[ExperimentEntry] = []
        stats = ScanStats()
        locations = sorted(layout.iter_run_dirs(self.remote_root), key=lambda loc: loc.path)
        total = len(locations)
        for done, loc in enumerate(locations, 1):
            rel = f"{loc.project}/{loc.name}/{layout.RUNS_DIR}/{loc.run_id}"
            if manifest_path_error(f"{rel}/{layout.META_FILE}") is None:
                signature = _dir_signature(loc.path)
                entry = self._reuse(previous.get(rel), signature)
                if entry is None:
                    entry, scanned_at = scan_run(loc), now
                    stats.rescanned += 1
                else:
                    scanned_at = previous[rel]["scanned_at"]
                    stats.reused += 1
                if signature is not None and entry.files:
                    experiments.append(entry)
                    current[rel] = {"sig": signature, "scanned_at": scanned_at, "entry": entry.to_dict()}
            if self.progress is not None:
                self.progress(done, total)
        stats.runs = len(experiments)
        self.last_scan = stats
        if self.incremental:
            cache = {"version": CACHE_VERSION, "root": str(self.remote_root), "runs": current}
            atomic_write_bytes(self.output_dir / CACHE_FILE, json.dumps(cache, separators=(",", ":")).encode())
        return experiments

    def _reuse(self, cached: Any, signature: Optional[List[int]]) -> Optional[ExperimentEntry]:
        if not isinstance(cached, dict) or signature is None or cached.get("sig") != signature:
            return None
        try:
            entry = ExperimentEntry.from_dict(cached["entry"])
            scanned_at = float(cached["scanned_at"])
        except (KeyError, TypeError, ValueError):
            return None
        if entry.status == "running" or entry.updated_at >= scanned_at - self.settle_seconds:
            return None
        return entry


def _dir_signature(run_path: Path) -> Optional[List[int]]:
    """mtimes (ns) of the run directory and its media directory: they move when files come or go."""
    try:
        run_mtime = os.stat(run_path).st_mtime_ns
    except OSError:
        return None
    try:
        media_mtime = os.stat(run_path / layout.MEDIA_DIR).st_mtime_ns
    except OSError:
        media_mtime = 0
    return [run_mtime, media_mtime]


def scan_run(loc: layout.RunLocation) -> ExperimentEntry:
    """One run's manifest entry: its status and times, and every file a client should mirror."""
    rec = records.read_run(loc)
    rel = f"{loc.project}/{loc.name}/{layout.RUNS_DIR}/{loc.run_id}"
    files: List[FileEntry] = []
    newest = 0.0
    try:
        dir_stat = os.stat(loc.path)
        newest = dir_stat.st_mtime
        fallback_created = dir_stat.st_ctime
    except OSError:
        fallback_created = 0.0
    for fname in METADATA_FILES + APPEND_ONLY_FILES:
        entry = _file_entry(loc.path / fname, f"{rel}/{fname}")
        if entry is not None:
            append_only = fname in APPEND_ONLY_FILES
            entry.priority = PRIORITY_DATA if append_only else PRIORITY_METADATA
            entry.is_append_only = append_only
            files.append(entry)
    for sub in _iter_media(loc.path / layout.MEDIA_DIR):
        entry = _file_entry(loc.path / layout.MEDIA_DIR / sub, f"{rel}/{layout.MEDIA_DIR}/{sub}")
        if entry is not None:
            entry.priority = PRIORITY_MEDIA
            files.append(entry)
    for f in files:
        newest = max(newest, f.mtime)
    return ExperimentEntry(
        run_id=loc.run_id,
        project=loc.project,
        name=loc.name,
        status=rec.status,
        created_at=rec.created_at or fallback_created,
        updated_at=newest,
        files=files,
        tags=rec.tags,
    )


def _file_entry(path: Path, rel: str) -> Optional[FileEntry]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return FileEntry(path=rel, size=st.st_size, mtime=st.st_mtime)


def _iter_media(media: Path) -> Iterator[str]:
    """Relative POSIX paths of the files under ``media/``, skipping hidden and temporary names."""
    for dirpath, dirnames, filenames in os.walk(media):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath).relative_to(media).as_posix()
        for fname in sorted(filenames):
            if fname.startswith(".") or fname.endswith(".tmp"):
                continue
            yield fname if base == "." else f"{base}/{fname}"


# -- writing ---------------------------------------------------------------------------------


def write_manifest(manifest: SyncManifest, target: Path) -> Path:
    """Write ``target`` and ``target.gz``, each replaced atomically; returns the ``.gz`` path."""
    for exp in manifest.experiments:
        for f in exp.files:
            error = manifest_path_error(f.path)
            if error:
                raise ValueError(f"refusing to publish {f.path!r}: {error}")
    body = json.dumps(manifest.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    gz_target = target.with_name(target.name + ".gz")
    atomic_write_bytes(target, body)
    # mtime=0 keeps the gzip header free of a timestamp: equal manifests give equal bytes.
    atomic_write_bytes(gz_target, gzip.compress(body, compresslevel=6, mtime=0))
    return gz_target


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """One generation at a time per output directory (cron, Celery beat and the API may overlap)."""
    with open(path, "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # Windows: msvcrt locks a byte range instead
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
