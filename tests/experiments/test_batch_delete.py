"""POST /api/v2/experiments/batch-delete, and V1 and V2 agreeing on which runs are deleted."""

from __future__ import annotations

import json

import pytest

from apps.experiments.services import BATCH_DELETE_MAX
from tests.experiments.dataset import make_experiment

pytestmark = pytest.mark.django_db(transaction=True)


def _v2_ids(api, **params) -> set[str]:  # type: ignore[no-untyped-def]
    return {e["id"] for e in api.get("/api/v2/experiments", {"per_page": 1000, **params}).json()["experiments"]}


def _v1_ids(api) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["id"] for r in api.get("/api/runs").json()}


def _bin_ids(api) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["id"] for r in api.get("/api/recycle-bin").json()["deleted_runs"]}


def _post(api, body):  # type: ignore[no-untyped-def]
    return api.post("/api/v2/experiments/batch-delete", body, format="json")


def test_it_soft_deletes_and_every_view_agrees(api, storage_root, reindex):
    runs = [make_experiment(storage_root, name=f"n{i}", tags=["t"]) for i in range(4)]
    reindex()
    gone = [runs[0].name, runs[2].name]
    resp = _post(api, {"exp_ids": gone, "reason": "cleanup_old_experiments"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["deleted"] == 2 and body["failed"] == 0 and body["deleted_count"] == 2
    assert body["results"] == {gone[0]: {"success": True}, gone[1]: {"success": True}}
    # On disk, as the V1 soft delete writes it.
    marker = json.loads((runs[0] / ".deleted").read_text())
    assert marker["reason"] == "cleanup_old_experiments" and marker["original_status"] == "finished"
    remaining = {runs[1].name, runs[3].name}
    assert _v2_ids(api) == remaining and _v1_ids(api) == remaining
    assert _bin_ids(api) == set(gone) == _v2_ids(api, include_deleted="true") - remaining
    # Tag filters and the query language see the same.
    assert _v2_ids(api, tags="t") == remaining == _v2_ids(api, q='tags contains "t"')


def test_v1_deletes_and_restores_are_seen_by_v2(api, storage_root, reindex):
    runs = [make_experiment(storage_root, name=f"n{i}") for i in range(3)]
    reindex()
    target = runs[1].name
    assert api.post("/api/runs/soft-delete", {"run_ids": [target]}, format="json").status_code == 200
    assert target not in _v2_ids(api)
    detail = api.get(f"/api/v2/experiments/{target}").json()["experiment"]
    assert detail["deleted"] is True and detail["delete_reason"] == "user_deleted"
    assert api.post("/api/recycle-bin/restore", {"run_ids": [target]}, format="json").status_code == 200
    assert target in _v2_ids(api)
    assert api.get(f"/api/v2/experiments/{target}").json()["experiment"]["deleted"] is False


def test_the_default_reason_is_the_references(api, storage_root, reindex):
    run = make_experiment(storage_root)
    reindex()
    _post(api, {"exp_ids": [run.name]})
    assert json.loads((run / ".deleted").read_text())["reason"] == "user_batch_delete"


def test_each_id_gets_its_own_result(api, storage_root, reindex):
    run = make_experiment(storage_root)
    already = make_experiment(storage_root, name="other", deleted={"deleted_at": 1.0, "reason": "x"})
    reindex()
    unknown = "20250101_000000_abcdef"
    body = _post(api, {"exp_ids": [run.name, already.name, unknown, "../../etc", run.name]}).json()
    assert body["deleted"] == 1 and body["failed"] == 3
    assert body["results"] == {
        run.name: {"success": True},
        already.name: {"success": False, "error": "already deleted"},
        unknown: {"success": False, "error": "run not found"},
        "../../etc": {"success": False, "error": "invalid experiment id"},
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "exp_ids is required"),
        ({"exp_ids": []}, "exp_ids is required"),
        ({"exp_ids": "20250101_000000_abcdef"}, "exp_ids must be a list of experiment id strings"),
        ({"exp_ids": [1, 2]}, "exp_ids must be a list of experiment id strings"),
        ({"exp_ids": ["20250101_000000_abcdef"] * (BATCH_DELETE_MAX + 1)},
         "Cannot delete more than 1000 experiments at once"),
        ({"exp_ids": ["20250101_000000_abcdef"], "reason": 5},
         "reason must be a non-empty string of at most 255 characters"),
        ({"exp_ids": ["20250101_000000_abcdef"], "reason": "r" * 256},
         "reason must be a non-empty string of at most 255 characters"),
        (["20250101_000000_abcdef"], "Request body must be a JSON object"),
    ],
)
def test_bad_bodies_are_400_with_the_reason(api, storage_root, body, detail):
    resp = _post(api, body)
    assert resp.status_code == 400
    assert resp.json() == {"detail": detail}


def test_a_body_that_is_not_json_is_400(api, storage_root):
    resp = api.post("/api/v2/experiments/batch-delete", "{not json", content_type="application/json")
    assert resp.status_code == 400 and "detail" in resp.json()


def test_a_thousand_ids_are_accepted(api, storage_root, reindex):
    run = make_experiment(storage_root)
    reindex()
    ids = [run.name] + [f"20250101_000000_{i:06x}" for i in range(BATCH_DELETE_MAX - 1)]
    body = _post(api, {"exp_ids": ids}).json()
    assert body["deleted"] == 1 and body["failed"] == BATCH_DELETE_MAX - 1


def test_get_is_not_allowed(api, storage_root):
    assert api.get("/api/v2/experiments/batch-delete").status_code == 405
