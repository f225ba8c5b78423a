"""``MetadataSyncService``: keep a local cache of a remote storage root, by manifest when possible."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .manifest_client import ManifestSyncClient, ManifestUnavailable
from .mirror import ProgressCallback
from .walk import DirectoryWalkSync

log = logging.getLogger(__name__)


class MetadataSyncService:
    """Sync ``remote_root`` (over ``sftp_client``) into ``cache_dir``, a storage root the viewer opens.

    ``sync_all()`` uses the server's manifest when it has one (``runicorn generate-manifest``, or
    the viewer's Celery beat) and walks the remote directories when it does not; the result dict
    says which (``mode``) and why (``fallback_reason``).
    """

    def __init__(
        self,
        sftp_client: Any,
        remote_root: str,
        cache_dir: Path,
        *,
        use_manifest_sync: bool = True,
        manifest_sync_jitter: float = 5.0,
        max_workers: int = 4,
    ) -> None:
        self.sftp = sftp_client
        self.remote_root = remote_root
        self.cache_dir = Path(cache_dir)
        self.use_manifest_sync = use_manifest_sync
        self.manifest_sync_jitter = manifest_sync_jitter
        self.max_workers = max_workers
        self.last_stats: dict[str, Any] | None = None

    def sync_all(self, progress_callback: ProgressCallback | None = None) -> dict[str, Any]:
        fallback_reason = None
        if self.use_manifest_sync:
            client = ManifestSyncClient(
                self.sftp, self.remote_root, self.cache_dir,
                jitter_max=self.manifest_sync_jitter, max_workers=self.max_workers,
            )
            try:
                stats = client.sync(progress_callback)
                stats["fallback_reason"] = None
                self.last_stats = stats
                return stats
            except ManifestUnavailable as exc:
                fallback_reason = str(exc)
                log.info("no manifest on the server, walking its directories instead: %s", exc)
        stats = DirectoryWalkSync(self.sftp, self.remote_root, self.cache_dir, self.max_workers).sync(
            progress_callback
        )
        stats["fallback_reason"] = fallback_reason or "manifest sync disabled"
        self.last_stats = stats
        return stats
