"""Client side of manifest sync: read the server's manifest, fetch only new or changed files.

An unchanged server costs a handful of SFTP requests whatever the number of runs: the first bytes
of each manifest carry its ``snapshot_id``, compared with the last one applied. A changed manifest
is downloaded (gzip first) and applied through :class:`Mirror`.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
import zlib
from pathlib import Path
from typing import Any

from runicorn.manifest.models import ManifestType, SyncManifest

from .mirror import Mirror, ProgressCallback, SyncStats, run_prefix
from .state import SyncState
from .transfer import CHUNK, SftpPool

log = logging.getLogger(__name__)

MANIFEST_DIR = ".runicorn"
MAX_MANIFEST_BYTES = 512 * 1024 * 1024  # uncompressed; a bigger document is refused
HEAD_BYTES = 512
_SNAPSHOT_RE = re.compile(rb'"snapshot_id"\s*:\s*"([^"]{1,100})"')


class ManifestUnavailable(OSError):
    """The server has no usable manifest (none generated, unreadable, or malformed)."""


class ManifestSyncClient:
    """Mirror the runs of ``remote_root`` on an SFTP server into ``cache_dir`` using its manifests.

    ``sync(progress_callback)`` returns a stats dict (``files_synced``, ``bytes_downloaded``,
    ``skipped``, ``reason``, ...). ``progress_callback(completed, total, current_file)`` is called
    after each file; an exception raised from it stops the sync, keeping the files completed.
    """

    def __init__(
        self,
        sftp_client: Any,
        remote_root: str,
        cache_dir: Path,
        jitter_max: float = 5.0,
        max_workers: int = 4,
    ) -> None:
        self.sftp = sftp_client
        self.remote_root = str(remote_root).rstrip("/") or "/"
        self.cache_dir = Path(cache_dir)
        self.jitter_max = jitter_max
        self.max_workers = max(1, max_workers)

    def sync(self, progress_callback: ProgressCallback | None = None) -> dict[str, Any]:
        started = time.monotonic()
        if self.jitter_max > 0:
            # Many clients polling one server spread out instead of arriving together.
            time.sleep(random.uniform(0, self.jitter_max))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        state = SyncState(self.cache_dir)
        stats = SyncStats(mode="manifest")
        full_snapshot = self._head_snapshot(ManifestType.FULL)
        full = self._load_if_new(ManifestType.FULL, full_snapshot, state, stats, required=True)
        active_snapshot = self._head_snapshot(ManifestType.ACTIVE)
        active = self._load_if_new(ManifestType.ACTIVE, active_snapshot, state, stats, required=False)
        applied_full = state.manifests.get(ManifestType.FULL.value, {})
        if active is not None and active.generated_at <= float(
            full.generated_at if full is not None else applied_full.get("generated_at", 0.0)
        ):
            active = None  # older than the full listing: nothing in it is news
        if full is None and active is None:
            stats.skipped, stats.reason = True, "no_changes"
            stats.duration = time.monotonic() - started
            return stats.as_dict()

        pool = SftpPool(self.sftp, self.max_workers)
        state.reset_tmp()
        try:
            mirror = Mirror(pool, self.remote_root, state)
            for manifest in (full, active):
                if manifest is None:
                    continue
                entries = [f for e in manifest.experiments for f in e.files]
                actions, listed = mirror.plan(entries, stats)
                mirror.execute(actions, stats, progress_callback)
                scope = None if manifest.manifest_type is ManifestType.FULL else {
                    run_prefix(e.files[0].path) for e in manifest.experiments if e.files
                }
                mirror.remove_unlisted(listed, scope, stats)
                stats.manifest_revision = manifest.revision
                stats.manifest_snapshot_id = manifest.snapshot_id
                if stats.failed_count == 0:
                    # Only a manifest applied completely is skipped next time; otherwise the next
                    # sync re-plans against it and fetches what is still missing.
                    state.manifests[manifest.manifest_type.value] = {
                        "snapshot_id": manifest.snapshot_id,
                        "revision": manifest.revision,
                        "generated_at": manifest.generated_at,
                    }
        finally:
            state.save()
            pool.close()
            state.reset_tmp()
        if stats.files_synced == 0 and stats.files_removed == 0 and stats.failed_count == 0:
            stats.skipped, stats.reason = True, "no_file_changes"
        stats.duration = time.monotonic() - started
        log.info(
            "manifest sync of %s: %d files, %d bytes, %d removed, %d failed in %.2fs",
            self.remote_root, stats.files_synced, stats.bytes_downloaded, stats.files_removed,
            stats.failed_count, stats.duration,
        )
        return stats.as_dict()

    # -- manifests ---------------------------------------------------------------------------

    def _path(self, name: str) -> str:
        return f"{self.remote_root}/{MANIFEST_DIR}/{name}"

    def _head_snapshot(self, kind: ManifestType) -> str | None:
        """The snapshot id in the first bytes of ``<kind>_manifest.json``, or None if unreadable."""
        try:
            with self.sftp.open(self._path(kind.filename), "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            return None
        match = _SNAPSHOT_RE.search(head)
        return match.group(1).decode("utf-8", "replace") if match else None

    def _load_if_new(
        self, kind: ManifestType, head_snapshot: str | None, state: SyncState, stats: SyncStats, *, required: bool
    ) -> SyncManifest | None:
        applied = state.manifests.get(kind.value, {}).get("snapshot_id")
        if head_snapshot is not None and head_snapshot == applied:
            return None
        if head_snapshot is None and not required:
            return None  # the .json is written before its .gz: no .json, no manifest of this kind
        try:
            manifest = self._download(kind, stats)
        except ManifestUnavailable:
            if required:
                raise
            return None
        if manifest.manifest_type is not kind:
            if required:
                raise ManifestUnavailable(f"{kind.filename} holds a {manifest.manifest_type.value} manifest")
            return None
        if manifest.snapshot_id == applied:
            return None
        return manifest

    def _download(self, kind: ManifestType, stats: SyncStats) -> SyncManifest:
        errors = []
        for name in (kind.filename + ".gz", kind.filename):
            try:
                raw = self._read_remote(self._path(name))
            except OSError as exc:
                errors.append(f"{name}: {exc}")
                continue
            stats.manifest_bytes += len(raw)
            try:
                body = _gunzip_bounded(raw) if name.endswith(".gz") else raw
                if len(body) > MAX_MANIFEST_BYTES:
                    raise ValueError("manifest too large")
                return SyncManifest.from_dict(json.loads(body))
            except (ValueError, OSError, EOFError, zlib.error) as exc:
                errors.append(f"{name}: {exc}")
                log.warning("ignoring manifest %s: %s", self._path(name), exc)
        raise ManifestUnavailable(f"no usable {kind.value} manifest under {self.remote_root}/{MANIFEST_DIR}: "
                                  + "; ".join(errors))

    def _read_remote(self, path: str) -> bytes:
        with self.sftp.open(path, "rb") as fh:
            size = fh.stat().st_size or 0
            if size > MAX_MANIFEST_BYTES:
                raise ManifestUnavailable(f"{path} is {size} bytes")
            if size > CHUNK:
                fh.prefetch(size)
            chunks = []
            got = 0
            while got < size:
                data = fh.read(min(CHUNK * 8, size - got))
                if not data:
                    break
                chunks.append(data)
                got += len(data)
            return b"".join(chunks)


def _gunzip_bounded(raw: bytes) -> bytes:
    """Decompress, refusing to inflate past ``MAX_MANIFEST_BYTES`` (a gzip bomb)."""
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    body = decomp.decompress(raw, MAX_MANIFEST_BYTES + 1)
    if len(body) > MAX_MANIFEST_BYTES or decomp.unconsumed_tail:
        raise ValueError("manifest too large once decompressed")
    if not decomp.eof:
        raise ValueError("truncated gzip manifest")
    return body

