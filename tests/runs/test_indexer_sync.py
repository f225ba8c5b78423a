"""sync_index / sync_locations: incremental reconcile of the index with the disk."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from runicorn import layout, records

from apps.runs import indexer
from apps.runs.models import Run
from tests.factories import make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The run ids read from disk by the indexer, in order."""
    seen: list[str] = []
    real = records.read_run

    def counting(loc):  # type: ignore[no-untyped-def]
        seen.append(loc.run_id)
        return real(loc)

    monkeypatch.setattr(records, "read_run", counting)
    return seen


def _ids() -> set[str]:
    return set(Run.objects.values_list("run_id", flat=True))


def test_it_indexes_new_runs(storage_root, reindex):
    runs = [make_run(storage_root, f"p{i}", "n") for i in range(3)]
    stats = reindex()
    assert stats.scanned == 3 and stats.updated == 3 and stats.removed == 0
    assert _ids() == {r.name for r in runs}


def test_an_unchanged_run_is_not_read_again(storage_root, reindex, reads):
    runs = [make_run(storage_root, name=f"n{i}") for i in range(5)]
    reindex()
    assert sorted(reads) == sorted(r.name for r in runs)
    generation = indexer.current_generation()
    reads.clear()

    stats = reindex()

    assert reads == []
    assert stats.scanned == 5 and stats.updated == 0 and not stats.changed
    # Unchanged index, unchanged generation: cached lists and their ETags stay valid.
    assert indexer.current_generation() == generation


def test_a_changed_file_is_read_again(storage_root, reindex, reads):
    run = make_run(storage_root)
    make_run(storage_root)
    reindex()
    reads.clear()
    generation = indexer.current_generation()

    (run / "summary.json").write_text(json.dumps({"best_metric_value": 0.5, "best_metric_name": "acc"}))
    stats = reindex()

    assert reads == [run.name] and stats.updated == 1
    assert Run.objects.get(run_id=run.name).best_metric_value == 0.5
    assert indexer.current_generation() != generation


def test_events_and_logs_do_not_trigger_a_read(storage_root, reindex, reads):
    # They grow all the time during training and never change an index row.
    run = make_run(storage_root, logs="a\n")
    reindex()
    reads.clear()
    with open(run / "logs.txt", "a") as fh:
        fh.write("b\n")
    with open(run / "events.jsonl", "a") as fh:
        fh.write('{"ts": 1, "type": "metrics", "data": {"x": 1}}\n')
    reindex()
    assert reads == []


def test_a_full_sync_reads_everything(storage_root, reindex, reads):
    make_run(storage_root)
    make_run(storage_root)
    reindex()
    reads.clear()
    reindex(full=True)
    assert len(reads) == 2


def test_a_removed_directory_leaves_the_index(api, storage_root, reindex):
    gone = make_run(storage_root, "p", "a")
    kept = make_run(storage_root, "p", "b")
    make_run(storage_root, "q", "c")
    reindex()

    shutil.rmtree(gone)
    shutil.rmtree(storage_root / "q")
    stats = reindex()

    assert stats.removed == 2
    assert _ids() == {kept.name}
    assert api.get("/api/projects").json() == {"projects": ["p"]}


def test_a_deleted_marker_appears_and_disappears(api, storage_root, reindex):
    run = make_run(storage_root, status="failed")
    reindex()

    (run / ".deleted").write_text(json.dumps({"deleted_at": 5.0, "reason": "cli", "original_status": "failed"}))
    reindex()
    row = Run.objects.get(run_id=run.name)
    assert row.deleted and row.deleted_at == 5.0 and row.delete_reason == "cli"
    assert api.get("/api/runs").json() == []

    (run / ".deleted").unlink()
    reindex()
    row = Run.objects.get(run_id=run.name)
    assert not row.deleted and row.deleted_at is None and row.delete_reason is None
    assert [r["id"] for r in api.get("/api/runs").json()] == [run.name]


def test_a_moved_run_follows_its_directory(api, storage_root, reindex):
    run = make_run(storage_root, "old", "exp")
    reindex()
    target = storage_root / "new" / "exp" / "runs"
    target.mkdir(parents=True)
    os.rename(run, target / run.name)
    reindex()
    row = Run.objects.get(run_id=run.name)
    assert (row.project, row.name, row.run_dir) == ("new", "exp", str(target / run.name))


def test_switching_roots_forgets_the_old_runs(storage_root, tmp_path, reindex):
    make_run(storage_root)
    reindex()
    other = tmp_path / "other-root"
    new = make_run(other)
    indexer.sync_index(other)
    assert _ids() == {new.name}


def test_sync_locations_reads_only_the_runs_given(storage_root, reindex, reads):
    a = make_run(storage_root)
    b = make_run(storage_root)
    reindex()
    reads.clear()
    (a / "status.json").write_text(json.dumps({"status": "interrupted"}))
    (b / "status.json").write_text(json.dumps({"status": "interrupted"}))

    stats = indexer.sync_locations(storage_root, [layout.location_of(storage_root, a / "status.json")])

    assert reads == [a.name] and stats.updated == 1
    assert Run.objects.get(run_id=a.name).status == "interrupted"
    assert Run.objects.get(run_id=b.name).status == "finished"


def test_sync_locations_drops_a_vanished_run(storage_root, reindex):
    run = make_run(storage_root)
    reindex()
    shutil.rmtree(run)
    stats = indexer.sync_locations(storage_root, [layout.location_of(storage_root, run)])
    assert stats.removed == 1 and _ids() == set()


def test_sync_locations_skips_a_run_whose_files_did_not_change(storage_root, reindex):
    run = make_run(storage_root)
    reindex()
    generation = indexer.current_generation()
    stats = indexer.sync_locations(storage_root, [layout.location_of(storage_root, run)])
    assert stats.updated == 0 and indexer.current_generation() == generation


def _queries_to_index(root, count: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Queries of a first sync and of a no-op resync of ``count`` new runs."""
    for i in range(count):
        make_run(root, name=f"n{i % 6}")
    with CaptureQueriesContext(connection) as first:
        assert indexer.sync_index(root).updated == count
    with CaptureQueriesContext(connection) as again:
        assert indexer.sync_index(root).updated == 0
    return len(first), len(again)


def test_the_number_of_queries_does_not_grow_with_the_runs(storage_root, tmp_path):
    small = _queries_to_index(storage_root, 20)
    Run.objects.all().delete()
    large = _queries_to_index(tmp_path / "larger-root", 200)
    # Ten times the runs: a few more batches at most, never a query per run.
    assert large[0] < 2 * small[0]
    assert large[1] == small[1]
