"""GET /api/runs/{run_id}: one run, the reference's fields plus a few additive ones."""

from __future__ import annotations

import pytest

from tests.factories import make_run

pytestmark = pytest.mark.django_db

REFERENCE_FIELDS = {
    "id", "status", "pid", "run_dir", "project", "name", "logs", "metrics", "metrics_step",
    "artifacts_created_count", "artifacts_used_count",
}


def test_it_returns_the_reference_fields(api, storage_root, reindex):
    run = make_run(
        storage_root, "vision", "resnet", pid=31337, status="failed",
        summary={"best_metric_value": 0.93, "best_metric_name": "acc", "best_metric_step": 7, "lr": 0.1},
    )
    (run / "artifacts_created.json").write_text('{"artifacts": [{"name": "m"}, {"name": "n"}]}')
    (run / "artifacts_used.json").write_text('{"artifacts": [{"name": "d"}]}')
    reindex()

    resp = api.get(f"/api/runs/{run.name}")

    assert resp.status_code == 200
    body = resp.json()
    assert REFERENCE_FIELDS <= set(body)
    assert {k: body[k] for k in REFERENCE_FIELDS} == {
        "id": run.name,
        "status": "failed",
        "pid": 31337,
        "run_dir": str(run),
        "project": "vision",
        "name": "resnet",
        "logs": str(run / "logs.txt"),
        "metrics": str(run / "events.jsonl"),
        "metrics_step": str(run / "events.jsonl"),
        "artifacts_created_count": 2,
        "artifacts_used_count": 1,
    }
    assert body["best_metric_value"] == 0.93 and body["best_metric_step"] == 7
    assert body["summary"]["lr"] == 0.1


@pytest.mark.parametrize(
    "run_id",
    ["20990101_000000_abcdef", "not-a-run", "20990101_000000_ABCDEF", "..", "%2e%2e", "20990101_000000_abcdef%00"],
)
def test_it_answers_404_for_an_unknown_or_malformed_id(api, storage_root, reindex, run_id):
    make_run(storage_root)
    reindex()
    resp = api.get(f"/api/runs/{run_id}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Run not found"}


def test_it_answers_404_for_a_deleted_run(api, storage_root, reindex):
    run = make_run(storage_root, deleted={"deleted_at": 1.0, "reason": "user_deleted"})
    reindex()
    resp = api.get(f"/api/runs/{run.name}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Run not found"}


def test_it_answers_with_few_queries(api, storage_root, reindex, django_assert_max_num_queries):
    run = make_run(storage_root)
    reindex()
    with django_assert_max_num_queries(1):
        assert api.get(f"/api/runs/{run.name}").status_code == 200
