"""GET /api/recycle-bin: the soft-deleted runs with their deletion details."""

from __future__ import annotations

import pytest

from tests.factories import make_run

pytestmark = pytest.mark.django_db

URL = "/api/recycle-bin"


def test_it_lists_deleted_runs_with_reference_fields(api, storage_root, reindex):
    make_run(storage_root, "vision", "resnet")
    run = make_run(
        storage_root, "vision", "vit", created_at=1700000000.5,
        deleted={"deleted_at": 1700000100.25, "reason": "user_deleted", "original_status": "finished"},
    )
    reindex()

    resp = api.get(URL)

    assert resp.status_code == 200
    assert resp.json() == {
        "deleted_runs": [
            {
                "id": run.name,
                "project": "vision",
                "name": "vit",
                "created_time": 1700000000.5,
                "deleted_at": 1700000100.25,
                "delete_reason": "user_deleted",
                "original_status": "finished",
                "run_dir": str(run),
            }
        ]
    }


def test_it_lists_the_latest_deletion_first(api, storage_root, reindex):
    first = make_run(storage_root, deleted={"deleted_at": 100.0, "reason": "user_deleted"})
    second = make_run(storage_root, deleted={"deleted_at": 200.0, "reason": "user_deleted"})
    reindex()
    assert [r["id"] for r in api.get(URL).json()["deleted_runs"]] == [second.name, first.name]


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"unexpected": 1}'])
def test_a_marker_without_details_still_counts(api, storage_root, reindex, content):
    # Any file named .deleted hides the run (as in the reference); missing details read "unknown".
    run = make_run(storage_root)
    (run / ".deleted").write_text(content)
    reindex()

    [item] = api.get(URL).json()["deleted_runs"]

    assert item["id"] == run.name
    assert item["deleted_at"] is None
    assert item["delete_reason"] == "unknown"
    assert item["original_status"] == "unknown"
    assert api.get("/api/runs").json() == []


def test_it_is_empty_without_deleted_runs(api, storage_root, reindex):
    make_run(storage_root)
    reindex()
    assert api.get(URL).json() == {"deleted_runs": []}


def test_it_does_not_query_per_run(api, storage_root, reindex, django_assert_max_num_queries):
    for i in range(20):
        make_run(storage_root, name=f"exp{i}", deleted={"deleted_at": float(i), "reason": "user_deleted"})
    reindex()
    with django_assert_max_num_queries(2):
        assert len(api.get(URL).json()["deleted_runs"]) == 20
