"""Mirror a remote storage root into a local cache over SFTP (manifest first, directory walk else).

    client = ManifestSyncClient(sftp, "/data/runs", Path("~/.cache/runicorn/gpu01"), jitter_max=0)
    stats = client.sync(progress_callback=lambda done, total, path: ...)

The cache is itself a storage root: point the viewer (or ``apps.runs.indexer.sync_index``) at it.
"""

from .manifest_client import ManifestSyncClient, ManifestUnavailable
from .mirror import SyncStats
from .service import MetadataSyncService
from .walk import DirectoryWalkSync, list_remote_runs

__all__ = [
    "DirectoryWalkSync",
    "ManifestSyncClient",
    "ManifestUnavailable",
    "MetadataSyncService",
    "SyncStats",
    "list_remote_runs",
]
