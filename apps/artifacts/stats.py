"""The storage statistics scan: the index rows (refreshed incrementally) plus the pool's size.

The pool is measured shard by shard; a shard directory whose mtime has not moved since the last
scan keeps its previous count, so a scan of an unchanged root is a few hundred stats.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.db.models import Count, Sum
from runicorn.artifacts import paths, pool

from apps.runs.storage import get_storage_root

from .indexing import sync_artifact_index
from .models import ArtifactVersion, StatsSnapshot


def pool_usage(root: Path, previous: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """(objects, bytes, new shard state) of the dedup pool, re-listing only shards that changed."""
    state: dict[str, Any] = {}
    try:
        shards = [e for e in os.scandir(paths.pool_root(root)) if len(e.name) == 2 and e.is_dir(follow_symlinks=False)]
    except OSError:
        return 0, 0, {}
    for shard in shards:
        try:
            mtime = shard.stat(follow_symlinks=False).st_mtime_ns
        except OSError:
            continue
        old = previous.get(shard.name)
        if isinstance(old, list) and len(old) == 3 and old[0] == mtime:
            state[shard.name] = old
        else:
            count, size = pool.shard_usage(shard.path)
            state[shard.name] = [mtime, count, size]
    return sum(s[1] for s in state.values()), sum(s[2] for s in state.values()), state


def compute_stats(root: Path, pool_state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    sync_artifact_index(root)
    by_type: dict[str, dict[str, int]] = {}
    totals = {"artifacts": 0, "versions": 0, "size": 0, "files": 0, "file_bytes": 0}
    rows = (ArtifactVersion.objects.values("type")
            .annotate(count=Count("artifact", distinct=True), versions=Count("id"), size=Sum("size_bytes"),
                      files=Sum("num_files"), file_bytes=Sum("file_bytes"))
            .order_by("type"))
    for row in rows:
        by_type[row["type"]] = {"count": row["count"], "versions": row["versions"], "size_bytes": row["size"] or 0}
        totals["artifacts"] += row["count"]
        totals["versions"] += row["versions"]
        totals["size"] += row["size"] or 0
        totals["files"] += row["files"] or 0
        totals["file_bytes"] += row["file_bytes"] or 0
    _, pool_bytes, new_state = pool_usage(root, pool_state)
    # Saved space is measured against the files stored locally: external references' size hints
    # count in total_size_bytes (as in the reference) but never occupied this disk.
    saved = max(0, totals["file_bytes"] - pool_bytes)
    data = {
        "total_artifacts": totals["artifacts"],
        "total_versions": totals["versions"],
        "total_size_bytes": totals["size"],
        "total_files": totals["files"],
        "dedup_enabled": True,
        "dedup_pool_size_bytes": pool_bytes,
        "space_saved_bytes": saved,
        "dedup_ratio": saved / totals["file_bytes"] if totals["file_bytes"] else 0,
        "by_type": by_type,
    }
    return data, new_state


def refresh_stats_snapshot(root: Path | None = None) -> dict[str, Any]:
    """Scan ``root`` (default: the served root) and store the result as its snapshot."""
    root = Path(root) if root is not None else get_storage_root()
    previous = StatsSnapshot.objects.filter(root=str(root)).values_list("pool_state", flat=True).first() or {}
    data, state = compute_stats(root, previous)
    StatsSnapshot.objects.update_or_create(
        root=str(root),
        defaults={"data": data, "computed_at": time.time(), "pool_state": state, "refresh_queued_at": None},
    )
    return data
