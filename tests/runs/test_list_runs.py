from __future__ import annotations

import time

import pytest

from tests.factories import make_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lists_runs_with_reference_fields(api, storage_root, reindex):
    make_run(storage_root, "vision", "resnet", summary={"best_metric_value": 0.9, "best_metric_name": "acc"})
    reindex()
    resp = api.get("/api/runs")
    assert resp.status_code == 200
    [item] = resp.json()
    assert set(item) == {
        "id", "run_dir", "created_time", "status", "pid", "best_metric_value", "best_metric_name",
        "project", "name", "artifacts_created_count", "artifacts_used_count",
    }
    assert item["project"] == "vision" and item["name"] == "resnet"
    assert item["best_metric_value"] == 0.9
    assert item["status"] == "finished"


def test_it_lists_newest_first_and_hides_deleted(api, storage_root, reindex):
    now = time.time()
    old = make_run(storage_root, created_at=now - 100)
    new = make_run(storage_root, created_at=now)
    make_run(storage_root, created_at=now - 50, deleted={"deleted_at": now, "reason": "user_deleted"})
    reindex()
    ids = [r["id"] for r in api.get("/api/runs").json()]
    assert ids == [new.name, old.name]


def test_it_lists_by_project_then_name_then_newest_as_the_reference(api, storage_root, reindex):
    now = time.time()
    # Case-insensitive and by code point, as the reference's walk of the root (sorted by lower()).
    made = [
        make_run(storage_root, "vision", "resnet", created_at=now - 300),
        make_run(storage_root, "vision", "resnet", created_at=now - 10),
        make_run(storage_root, "Vision", "alexnet", created_at=now),
        make_run(storage_root, "nlp", "bert_base", created_at=now - 200),
        make_run(storage_root, "nlp", "bertbase", created_at=now - 100),
        make_run(storage_root, "a-team", "z", created_at=now - 400),
    ]
    reindex()
    ids = [r["id"] for r in api.get("/api/runs").json()]
    old_resnet, new_resnet, alexnet, bert_base, bertbase, team = (m.name for m in made)
    assert ids == [team, bert_base, bertbase, alexnet, new_resnet, old_resnet]


def test_it_answers_304_for_an_unchanged_list(api, storage_root, reindex):
    make_run(storage_root)
    reindex()
    first = api.get("/api/runs")
    again = api.get("/api/runs", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    make_run(storage_root, "other")
    reindex()
    changed = api.get("/api/runs", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and len(changed.json()) == 2


def test_it_does_not_query_per_run(api, storage_root, reindex, django_assert_max_num_queries):
    for i in range(30):
        make_run(storage_root, name=f"exp{i}")
    reindex()
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/runs").json()) == 30
