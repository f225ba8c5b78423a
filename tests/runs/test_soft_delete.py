"""POST /api/runs/soft-delete: marks runs deleted with a ``.deleted`` file, per-id results."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_run
from tests.runs.conftest import tree

pytestmark = pytest.mark.django_db

URL = "/api/runs/soft-delete"
UNKNOWN = "20990101_000000_abcdef"


def test_it_marks_runs_deleted(api, post_json, storage_root, reindex):
    keep = make_run(storage_root, "vision", "resnet")
    gone = make_run(storage_root, "vision", "resnet", status="failed")
    reindex()

    resp = post_json(URL, {"run_ids": [gone.name]})

    assert resp.status_code == 200
    assert resp.json() == {
        "deleted_count": 1,
        "results": {gone.name: {"success": True}},
        "message": "Soft deleted 1 of 1 runs",
    }
    marker = json.loads((gone / ".deleted").read_text())
    assert marker["reason"] == "user_deleted"
    assert marker["original_status"] == "failed"
    assert isinstance(marker["deleted_at"], float)
    assert not (keep / ".deleted").exists()
    # The files stay: soft delete only hides the run.
    assert (gone / "meta.json").exists() and (gone / "status.json").exists()


def test_the_deleted_run_leaves_the_lists_at_once(api, post_json, storage_root, reindex):
    run = make_run(storage_root, "vision", "resnet")
    reindex()
    etag = api.get("/api/runs")["ETag"]

    post_json(URL, {"run_ids": [run.name]})

    # No reindex: the service refreshes the rows itself, and the cached list must not be reused.
    assert api.get("/api/runs", HTTP_IF_NONE_MATCH=etag).json() == []
    assert api.get(f"/api/runs/{run.name}").status_code == 404
    assert api.get("/api/projects").json() == {"projects": []}
    assert [r["id"] for r in api.get("/api/recycle-bin").json()["deleted_runs"]] == [run.name]


def test_it_reports_unknown_and_already_deleted_runs(post_json, storage_root, reindex):
    live = make_run(storage_root)
    deleted = make_run(storage_root, deleted={"deleted_at": 1.0, "reason": "user_deleted"})
    reindex()
    marker_before = (deleted / ".deleted").read_bytes()

    resp = post_json(URL, {"run_ids": [live.name, deleted.name, UNKNOWN]})

    assert resp.status_code == 200
    assert resp.json() == {
        "deleted_count": 1,
        "results": {
            live.name: {"success": True},
            deleted.name: {"success": False, "error": "already deleted"},
            UNKNOWN: {"success": False, "error": "run not found"},
        },
        "message": "Soft deleted 1 of 3 runs",
    }
    assert (deleted / ".deleted").read_bytes() == marker_before


def test_it_counts_a_repeated_id_once(post_json, storage_root, reindex):
    run = make_run(storage_root)
    reindex()
    body = post_json(URL, {"run_ids": [run.name, run.name]}).json()
    assert body["deleted_count"] == 1
    assert body["results"] == {run.name: {"success": True}}


def test_it_accepts_exactly_100_ids(post_json, storage_root, reindex):
    ids = [f"20990101_000000_{i:06x}" for i in range(100)]
    resp = post_json(URL, {"run_ids": ids})
    assert resp.status_code == 200
    assert resp.json()["message"] == "Soft deleted 0 of 100 runs"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"run_ids": [f"20990101_000000_{i:06x}" for i in range(101)]}, "Cannot delete more than 100 runs at once"),
        ({"run_ids": ["../../etc"]}, "Invalid run_id format: ../../etc"),
        ({"run_ids": ["20990101_000000_ABCDEF"]}, "Invalid run_id format: 20990101_000000_ABCDEF"),
        ({"run_ids": [7]}, "Invalid run_id format: 7"),
        ({}, "run_ids is required and must be a list"),
        ({"run_ids": "20990101_000000_abcdef"}, "run_ids is required and must be a list"),
        ({"run_ids": None}, "run_ids is required and must be a list"),
        ({"run_ids": []}, "run_ids is required and must be a list"),
    ],
)
def test_it_rejects_bad_run_ids(post_json, storage_root, reindex, body, detail):
    make_run(storage_root)
    reindex()
    before = tree(storage_root)

    resp = post_json(URL, body)

    assert resp.status_code == 400
    assert resp.json() == {"detail": detail}
    assert tree(storage_root) == before


def test_it_rejects_a_bad_id_even_beside_good_ones(post_json, storage_root, reindex):
    run = make_run(storage_root)
    reindex()
    before = tree(storage_root)
    resp = post_json(URL, {"run_ids": [run.name, "nope"]})
    assert resp.status_code == 400
    assert tree(storage_root) == before


@pytest.mark.parametrize("body", ["not json", "{\"run_ids\": [", "[\"20990101_000000_abcdef\"]", "42"])
def test_it_rejects_a_body_that_is_not_a_json_object(post_json, storage_root, reindex, body):
    make_run(storage_root)
    reindex()
    before = tree(storage_root)

    resp = post_json(URL, body)

    assert resp.status_code == 400
    assert resp["Content-Type"] == "application/json"
    assert isinstance(resp.json()["detail"], str)
    assert tree(storage_root) == before


def test_it_refuses_get(api, storage_root):
    assert api.get(URL).status_code == 405
