"""A long scan commits its runs in chunks and reports how far it is in /api/health."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from runicorn import layout, records

from apps.runs import indexer, reading
from apps.runs.models import IndexState, Run
from tests.factories import make_run

pytestmark = pytest.mark.django_db


def generation() -> int:
    return IndexState.objects.get(pk=1).generation


def test_a_long_scan_commits_chunk_by_chunk(storage_root, reindex, monkeypatch):
    monkeypatch.setattr(indexer, "COMMIT_CHUNK", 3)
    reindex()
    before = generation()
    for i in range(7):
        make_run(storage_root, name=f"exp{i}")

    stats = reindex()

    assert stats.updated == 7
    assert generation() - before == 3  # two chunks of 3, then the last run with the scan's end
    assert Run.objects.count() == 7


def test_progress_while_scanning_and_after(api, storage_root, reindex, monkeypatch):
    monkeypatch.setattr(indexer, "COMMIT_CHUNK", 2)
    for i in range(5):
        make_run(storage_root, name=f"exp{i}")
    seen: list[dict[str, Any]] = []

    def record(sender: Any, rows: Any, **kwargs: Any) -> None:
        seen.append(indexer.progress.as_dict())

    indexer.runs_saved.connect(record, dispatch_uid="test-progress")
    try:
        reindex()
    finally:
        indexer.runs_saved.disconnect(dispatch_uid="test-progress")

    assert [p["active"] for p in seen] == [True, True, True]
    assert [p["total"] for p in seen] == [5, 5, 5]
    assert [p["scanned"] for p in seen] == [2, 4, 5]
    assert 0 < seen[0]["fraction"] < seen[1]["fraction"] < 1.0
    after = api.get("/api/health").json()["index"]["progress"]
    assert after == {"active": False, "scanned": 5, "total": 5, "written": 5, "fraction": 1.0, "seconds": 0.0}


def test_worker_processes_read_what_this_process_reads(storage_root, reindex, monkeypatch):
    for i in range(7):
        make_run(storage_root, name=f"exp{i % 3}", summary={"acc": i / 10}, status=["finished", "failed"][i % 2])
    reindex()
    inline = list(Run.objects.order_by("run_id").values())
    Run.objects.all().delete()
    monkeypatch.setattr(reading, "CHUNK", 2)  # several tasks, answered in order
    monkeypatch.setattr(reading, "workers_for", lambda count, minimum: 2)

    stats = reindex()

    assert stats.updated == 7
    spawned = list(Run.objects.order_by("run_id").values())
    drop = {"id", "indexed_at"}
    assert [{k: v for k, v in r.items() if k not in drop} for r in spawned] == [
        {k: v for k, v in r.items() if k not in drop} for r in inline
    ]


def test_runs_are_read_here_when_the_workers_die(storage_root, monkeypatch):
    for i in range(5):
        make_run(storage_root, name=f"exp{i}")
    locations = sorted(layout.iter_run_dirs(storage_root))
    monkeypatch.setattr(reading, "CHUNK", 2)
    monkeypatch.setattr(reading, "worker_argv", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])

    got = list(reading.read_runs(locations, 2))

    assert [r.run_id for r in got] == [loc.run_id for loc in locations]
    assert got == [records.read_run(loc) for loc in locations]
