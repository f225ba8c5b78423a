"""The indexer against what real storage roots hold: partial, malformed and foreign files."""

from __future__ import annotations

import json
import math
import time

import pytest

from apps.runs.models import Run
from tests.factories import make_run, make_run_id, metric_event

pytestmark = pytest.mark.django_db


def _row(run_dir) -> Run:  # type: ignore[no-untyped-def]
    return Run.objects.get(run_id=run_dir.name)


def test_a_half_written_last_event_line_does_not_matter(api, storage_root, reindex):
    now = time.time()
    run = make_run(
        storage_root,
        events=[metric_event(1, now, loss=0.5), metric_event(2, now, loss=0.4)],
        raw_events='{"ts": 1.0, "type": "metr',
        summary={"best_metric_value": 0.4, "best_metric_name": "loss"},
    )
    reindex()
    assert api.get(f"/api/runs/{run.name}").json()["best_metric_value"] == 0.4
    assert [r["id"] for r in api.get("/api/runs").json()] == [run.name]


def test_unknown_event_types_do_not_matter(api, storage_root, reindex):
    run = make_run(
        storage_root,
        events=[{"ts": 1.0, "type": "hologram", "data": {"x": [1, 2]}}, {"no": "type"}],
        raw_events="[1, 2]\nnull\n\n",
    )
    reindex()
    assert api.get(f"/api/runs/{run.name}").status_code == 200


def test_a_run_without_status_json_is_running(storage_root, reindex):
    run = make_run(storage_root, status=None)
    reindex()
    row = _row(run)
    assert row.status == "running"
    assert row.started_at is None and row.ended_at is None


def test_a_run_without_meta_json_takes_its_creation_time_from_its_id(api, storage_root, reindex):
    created = float(int(time.time()) - 3600)
    run_id = make_run_id(created)
    make_run(storage_root, run_id=run_id, write_meta=False, status="finished")
    reindex()
    [item] = api.get("/api/runs").json()
    assert item["id"] == run_id
    assert item["created_time"] == created
    assert item["pid"] is None
    assert item["status"] == "finished"


@pytest.mark.parametrize("fname", ["meta.json", "status.json", "summary.json", "artifacts_created.json", "config.json"])
@pytest.mark.parametrize("content", ["", '{"status": "fini', "\x00\xff garbage", "[1, 2, 3]", '"a string"', "null"])
def test_malformed_files_leave_defaults(api, storage_root, reindex, fname, content):
    run = make_run(storage_root, "p", "n", summary={"best_metric_value": 1.0})
    (run / fname).write_bytes(content.encode("latin-1"))
    reindex()
    assert api.get("/api/runs").status_code == 200
    body = api.get(f"/api/runs/{run.name}").json()
    assert body["id"] == run.name and body["project"] == "p" and body["name"] == "n"
    if fname == "status.json":
        assert body["status"] == "running"
    if fname == "artifacts_created.json":
        assert body["artifacts_created_count"] == (3 if content == "[1, 2, 3]" else 0)


def test_values_of_the_wrong_type_are_ignored(api, storage_root, reindex):
    run = make_run(
        storage_root,
        meta_extra={"created_at": "yesterday", "pid": "1234", "hostname": 42, "tags": ["a", 1, None]},
        summary={"best_metric_value": "0.9", "best_metric_name": ["acc"], "best_metric_step": True},
    )
    (run / "status.json").write_text(json.dumps({"status": "exploded", "started_at": "noon"}))
    reindex()
    row = _row(run)
    assert row.pid is None and row.hostname is None and row.tags == ["a"]
    assert row.best_metric_value is None and row.best_metric_name is None and row.best_metric_step is None
    assert row.status == "running" and row.started_at is None
    assert row.created_at is not None  # from the run id
    assert api.get(f"/api/runs/{run.name}").status_code == 200


def test_extra_keys_are_tolerated(api, storage_root, reindex):
    run = make_run(storage_root, meta_extra={"future_field": {"nested": [1, 2]}, "gpu": "H100"})
    (run / "status.json").write_text(json.dumps({"status": "finished", "ended_at": 5.0, "new": True}))
    reindex()
    assert api.get(f"/api/runs/{run.name}").json()["status"] == "finished"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_best_metric_does_not_break_the_lists(api, storage_root, reindex, value):
    # json.dumps writes NaN/Infinity for a loss that diverged; the API must still answer JSON.
    run = make_run(storage_root)
    (run / "summary.json").write_text(f'{{"best_metric_value": {value}, "best_metric_name": "loss"}}')
    reindex()
    for url in ("/api/runs", f"/api/runs/{run.name}", "/api/projects/proj/names/exp/runs"):
        resp = api.get(url)
        assert resp.status_code == 200, url
        json.loads(resp.content)  # strict JSON, no bare NaN
    item = api.get("/api/runs").json()[0]
    assert item["best_metric_value"] is None or math.isfinite(item["best_metric_value"])


def test_a_run_from_another_host_is_indexed_as_it_says(storage_root, reindex):
    run = make_run(storage_root, status="running", hostname="gpu-node-7", pid=1)
    reindex()
    row = _row(run)
    assert row.hostname == "gpu-node-7" and row.status == "running"


def test_things_that_are_not_runs_are_skipped(api, storage_root, reindex):
    run = make_run(storage_root, "p", "n")
    (storage_root / "p" / "n" / "runs" / "20990101_000000_abcdef").write_text("a file, not a run")
    (storage_root / "p" / "n" / "runs" / "not_a_run_id").mkdir()
    (storage_root / "p" / "n" / "runs" / "20990101_000000_ABCDEF").mkdir()
    (storage_root / "p" / "loose_file").write_text("x")
    (storage_root / "README.txt").write_text("x")
    make_run(storage_root, ".hidden", "n")
    make_run(storage_root, "p", ".hidden")
    make_run(storage_root, "artifacts", "model")  # reserved for the artifact store
    reindex()
    assert [r["id"] for r in api.get("/api/runs").json()] == [run.name]


def test_the_same_run_id_in_two_places_is_indexed_once(api, storage_root, reindex):
    run_id = make_run_id()
    make_run(storage_root, "a", "n", run_id=run_id)
    make_run(storage_root, "b", "n", run_id=run_id)
    stats = reindex()
    assert stats.scanned == 1
    assert [r["id"] for r in api.get("/api/runs").json()] == [run_id]


def test_a_missing_root_gives_an_empty_index(api, storage_root, reindex):
    storage_root.rmdir()
    assert reindex().scanned == 0
    assert api.get("/api/runs").json() == []


def test_text_the_database_cannot_hold_is_made_storable(api, storage_root, reindex):
    # PostgreSQL refuses NUL in text and over-long values for sized columns; SQLite takes both.
    # Either way the run is indexed and the rest of the batch with it.
    other = make_run(storage_root, "p", "other")
    run = make_run(
        storage_root, "p", "n", status=None,
        meta_extra={"hostname": "h\u0000st" + "x" * 300, "python": "3" * 100, "description": "a\u0000b"},
        summary={"best_metric_name": "m" * 300, "note\u0000": "nul\u0000here", "nested": [{"v": float("nan")}]},
    )
    (run / "status.json").write_text(json.dumps({"status": "failed", "exit_reason": "e" * 100}))
    (run / ".deleted").write_text(json.dumps({"reason": "r" * 300, "original_status": "s" * 50}))
    reindex()

    row = _row(run)
    assert row.hostname.startswith("hst") and len(row.hostname) <= 255
    assert row.description == "ab"
    assert len(row.best_metric_name) <= 255 and len(row.exit_reason) <= 64
    assert row.summary["note"] == "nulhere" and row.summary["nested"] == [{"v": None}]
    assert row.deleted and len(row.delete_reason) <= 255 and len(row.original_status) <= 16
    assert [r["id"] for r in api.get("/api/runs").json()] == [other.name]
    assert api.get("/api/recycle-bin").status_code == 200


def test_integers_beyond_the_columns_are_dropped(api, storage_root, reindex):
    run = make_run(storage_root, pid=2**40, summary={"best_metric_value": 1.0, "best_metric_step": 10**20})
    reindex()
    row = _row(run)
    assert row.pid is None and row.best_metric_step is None and row.best_metric_value == 1.0
    assert row.summary["best_metric_step"] == 10**20  # JSON holds it as written

def test_a_run_that_cannot_be_stored_does_not_keep_the_others_out(api, storage_root, reindex):
    # A project directory longer than the column (and the API's 100-character limit for names).
    good = make_run(storage_root, "p", "n")
    make_run(storage_root, "x" * 150, "n")
    reindex()
    ids = [r["id"] for r in api.get("/api/runs").json()]
    assert good.name in ids
