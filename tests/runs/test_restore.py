"""POST /api/recycle-bin/restore: removes the ``.deleted`` marker, the run is listed again."""

from __future__ import annotations

import pytest

from tests.factories import make_run
from tests.runs.conftest import tree

pytestmark = pytest.mark.django_db

URL = "/api/recycle-bin/restore"
UNKNOWN = "20990101_000000_abcdef"
MARKER = {"deleted_at": 1700000000.0, "reason": "user_deleted", "original_status": "finished"}


def test_it_restores_deleted_runs(api, post_json, storage_root, reindex):
    run = make_run(storage_root, "vision", "resnet", status="failed", deleted=MARKER)
    reindex()
    assert api.get("/api/runs").json() == []

    resp = post_json(URL, {"run_ids": [run.name]})

    assert resp.status_code == 200
    assert resp.json() == {
        "restored_count": 1,
        "results": {run.name: {"success": True}},
        "message": "Restored 1 of 1 runs",
    }
    assert not (run / ".deleted").exists()
    [item] = api.get("/api/runs").json()
    # The status on disk was never changed by deleting, so it comes back as it was.
    assert item["id"] == run.name and item["status"] == "failed"
    assert api.get("/api/recycle-bin").json() == {"deleted_runs": []}


def test_it_reports_live_and_unknown_runs(post_json, storage_root, reindex):
    live = make_run(storage_root)
    deleted = make_run(storage_root, deleted=MARKER)
    reindex()

    resp = post_json(URL, {"run_ids": [live.name, UNKNOWN, deleted.name]})

    assert resp.json() == {
        "restored_count": 1,
        "results": {
            live.name: {"success": False, "error": "run not deleted"},
            UNKNOWN: {"success": False, "error": "run not found"},
            deleted.name: {"success": True},
        },
        "message": "Restored 1 of 3 runs",
    }


def test_a_soft_delete_then_restore_round_trips(api, post_json, storage_root, reindex):
    run = make_run(storage_root)
    reindex()
    before = tree(storage_root)
    post_json("/api/runs/soft-delete", {"run_ids": [run.name]})
    post_json(URL, {"run_ids": [run.name]})
    assert tree(storage_root) == before
    assert [r["id"] for r in api.get("/api/runs").json()] == [run.name]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"run_ids": [f"20990101_000000_{i:06x}" for i in range(101)]}, "Cannot restore more than 100 runs at once"),
        ({"run_ids": ["x/../y"]}, "Invalid run_id format: x/../y"),
        ({"run_ids": []}, "run_ids is required and must be a list"),
        ({"run_ids": {"a": 1}}, "run_ids is required and must be a list"),
        ({"confirm": True}, "run_ids is required and must be a list"),
    ],
)
def test_it_rejects_bad_run_ids(post_json, storage_root, reindex, body, detail):
    make_run(storage_root, deleted=MARKER)
    reindex()
    before = tree(storage_root)
    resp = post_json(URL, body)
    assert resp.status_code == 400
    assert resp.json() == {"detail": detail}
    assert tree(storage_root) == before


def test_it_rejects_a_body_that_is_not_json(post_json, storage_root, reindex):
    make_run(storage_root, deleted=MARKER)
    reindex()
    before = tree(storage_root)
    resp = post_json(URL, "run_ids=1")
    assert resp.status_code == 400 and "detail" in resp.json()
    assert tree(storage_root) == before
