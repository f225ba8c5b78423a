"""GET /api/artifacts/stats: dedup shows in the numbers; answers come from the stored snapshot and a
stale one is refreshed by the stats task (in-process runner here; a real Celery worker on Redis in
test_stats_worker.py); the scan re-reads only what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import runicorn as rn
from django.test import override_settings

from apps.artifacts.indexing import sync_artifact_index
from apps.artifacts.models import StatsSnapshot
from apps.artifacts.stats import refresh_stats_snapshot
from tests.artifacts.conftest import write_file
from tests.fixtures.live_server import wait_until

MB = 1 << 20


def _log(root: Path, src: Path, name: str, content: bytes, type_: str = "model") -> None:
    run = rn.Run(project="p", name="stats", storage=root)
    run.log_artifact(rn.Artifact(name, type=type_).add_file(write_file(src / f"{name}.bin", content)))
    run.finish()


@pytest.mark.django_db
def test_identical_files_count_once_in_the_pool(api, storage_root, tmp_path):
    weights = os.urandom(MB)
    _log(storage_root, tmp_path, "ckpt", weights)
    _log(storage_root, tmp_path, "ckpt", weights)  # v2, same bytes
    _log(storage_root, tmp_path, "table", b"t" * 1000, type_="dataset")

    stats = api.get("/api/artifacts/stats").json()
    assert stats == {
        "total_artifacts": 2,
        "total_versions": 3,
        "total_size_bytes": 2 * MB + 1000,
        "total_files": 3,
        "dedup_enabled": True,
        "dedup_pool_size_bytes": MB + 1000,
        "space_saved_bytes": MB,
        "dedup_ratio": MB / (2 * MB + 1000),
        "by_type": {"dataset": {"count": 1, "versions": 1, "size_bytes": 1000},
                    "model": {"count": 1, "versions": 2, "size_bytes": 2 * MB}},
    }


@pytest.mark.django_db
def test_an_empty_root_has_zero_stats(api, storage_root):
    stats = api.get("/api/artifacts/stats").json()
    assert (stats["total_artifacts"], stats["dedup_pool_size_bytes"], stats["dedup_ratio"], stats["by_type"]) == (
        0, 0, 0, {})


@pytest.mark.django_db(transaction=True)
def test_answers_from_the_snapshot_and_refreshes_it_when_stale(api, storage_root, tmp_path):
    _log(storage_root, tmp_path, "a", b"a" * 10)
    assert api.get("/api/artifacts/stats").json()["total_artifacts"] == 1  # the first call scans
    _log(storage_root, tmp_path, "b", b"b" * 10)
    # Fresh snapshot: answered as stored, nothing queued.
    assert api.get("/api/artifacts/stats").json()["total_artifacts"] == 1
    assert StatsSnapshot.objects.get().refresh_queued_at is None

    with override_settings(RUNICORN_ARTIFACT_STATS_MAX_AGE=0):
        stale = api.get("/api/artifacts/stats").json()
        assert stale["total_artifacts"] == 1  # at once, from the old snapshot
        wait_until(lambda: api.get("/api/artifacts/stats").json()["total_artifacts"] == 2, timeout=15)


@pytest.mark.django_db(transaction=True)
def test_a_delete_through_the_api_queues_a_refresh(api, storage_root, tmp_path, reindex):
    _log(storage_root, tmp_path, "a", b"a" * 10)
    _log(storage_root, tmp_path, "b", b"b" * 20)
    reindex()
    assert api.get("/api/artifacts/stats").json()["total_size_bytes"] == 30
    assert api.delete("/api/artifacts/b/v1?permanent=true").status_code == 200
    wait_until(lambda: api.get("/api/artifacts/stats").json()["total_size_bytes"] == 10, timeout=15)


@pytest.mark.django_db
def test_the_scan_rereads_only_changed_artifacts(storage_root, tmp_path):
    for name in ("a", "b", "c"):
        _log(storage_root, tmp_path, name, name.encode() * 100)
    assert sync_artifact_index(storage_root).updated == 3
    assert sync_artifact_index(storage_root).updated == 0
    _log(storage_root, tmp_path, "b", b"new content")
    result = sync_artifact_index(storage_root)
    assert (result.scanned, result.updated) == (3, 1)

    first = refresh_stats_snapshot(storage_root)
    state = StatsSnapshot.objects.get(root=str(storage_root)).pool_state
    assert sum(s[1] for s in state.values()) == 4  # four distinct contents in the pool
    assert refresh_stats_snapshot(storage_root) == first
