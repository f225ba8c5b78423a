"""GET /api/projects, /api/projects/{project}/names and /api/projects/{project}/names/{name}/runs."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.runs import projects
from apps.runs.models import Run
from tests.factories import make_run

pytestmark = pytest.mark.django_db

DELETED = {"deleted_at": 1.0, "reason": "user_deleted"}
BAD_SEGMENTS = ["a..b", "..", "a%5Cb", "x" * 101]


@pytest.fixture
def tree_of_runs(storage_root, reindex):  # type: ignore[no-untyped-def]
    runs = {
        "resnet": make_run(storage_root, "vision", "resnet", created_at=100.0),
        "resnet2": make_run(storage_root, "vision", "resnet", created_at=200.0),
        "vit": make_run(storage_root, "vision", "vit"),
        "bert": make_run(storage_root, "nlp", "bert"),
        "hidden": make_run(storage_root, "nlp", "gpt", deleted=DELETED),
        "only_deleted": make_run(storage_root, "audio", "wav2vec", deleted=DELETED),
    }
    reindex()
    return runs


def test_it_lists_projects_sorted_without_deleted_only_ones(api, tree_of_runs):
    resp = api.get("/api/projects")
    assert resp.status_code == 200
    assert resp.json() == {"projects": ["nlp", "vision"]}


def test_the_project_list_answers_304_until_it_changes(api, storage_root, tree_of_runs, reindex):
    first = api.get("/api/projects")
    assert api.get("/api/projects", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    make_run(storage_root, "speech", "whisper")
    reindex()
    again = api.get("/api/projects", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json() == {"projects": ["nlp", "speech", "vision"]}


def test_it_lists_names_of_a_project(api, tree_of_runs):
    assert api.get("/api/projects/vision/names").json() == {"names": ["resnet", "vit"]}
    assert api.get("/api/projects/nlp/names").json() == {"names": ["bert"]}


def test_an_unknown_project_has_no_names(api, tree_of_runs):
    resp = api.get("/api/projects/nope/names")
    assert resp.status_code == 200
    assert resp.json() == {"names": []}


def test_it_lists_runs_of_a_name_newest_first(api, tree_of_runs):
    resp = api.get("/api/projects/vision/names/resnet/runs")
    assert resp.status_code == 200
    items = resp.json()
    assert [r["id"] for r in items] == [tree_of_runs["resnet2"].name, tree_of_runs["resnet"].name]
    assert set(items[0]) == {
        "id", "run_dir", "created_time", "status", "pid", "best_metric_value", "best_metric_name",
        "project", "name", "artifacts_created_count", "artifacts_used_count",
    }
    assert all(r["project"] == "vision" and r["name"] == "resnet" for r in items)


def test_deleted_runs_are_not_listed_under_their_name(api, tree_of_runs):
    assert api.get("/api/projects/nlp/names/gpt/runs").json() == []


@pytest.mark.parametrize("segment", BAD_SEGMENTS)
def test_it_rejects_a_bad_project(api, tree_of_runs, segment):
    for url in (f"/api/projects/{segment}/names", f"/api/projects/{segment}/names/resnet/runs"):
        resp = api.get(url)
        assert resp.status_code == 400, url
        assert resp.json()["detail"].startswith("Invalid project: ")


@pytest.mark.parametrize("segment", BAD_SEGMENTS)
def test_it_rejects_a_bad_name(api, tree_of_runs, segment):
    resp = api.get(f"/api/projects/vision/names/{segment}/runs")
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("Invalid name: ")


def test_a_100_character_name_is_fine(api, storage_root, reindex):
    make_run(storage_root, "p" * 100, "n" * 100)
    reindex()
    assert api.get(f"/api/projects/{'p' * 100}/names").json() == {"names": ["n" * 100]}
    assert len(api.get(f"/api/projects/{'p' * 100}/names/{'n' * 100}/runs").json()) == 1


def test_the_lists_do_not_query_per_run(api, storage_root, reindex, django_assert_max_num_queries):
    for i in range(10):
        for j in range(3):
            make_run(storage_root, f"proj{i}", f"exp{j}")
    reindex()
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/projects").json()["projects"]) == 10
    with django_assert_max_num_queries(1):
        assert len(api.get("/api/projects/proj1/names").json()["names"]) == 3
    with django_assert_max_num_queries(1):
        assert len(api.get("/api/projects/proj1/names/exp1/runs").json()) == 1


def test_the_project_list_is_one_query_that_seeks_through_an_index(api, tree_of_runs, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert projects.live_projects() == ["nlp", "vision"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            sql = "EXPLAIN QUERY PLAN SELECT MIN(project) FROM runs_run WHERE deleted IN (0) AND project > 'a'"
            plan = " ".join(str(row[-1]) for row in cursor.execute(sql).fetchall())
        # A seek in the index led by ``deleted`` (at 100,000 runs: ~0.02 ms instead of a scan).
        assert "SEARCH runs_run USING COVERING INDEX run_v2_project" in plan


def test_every_live_project_is_listed_once_in_order(api, storage_root, reindex):
    names = ["zeta", "alpha", "Beta", "项目", "alpha2", "a b"]
    for i, project in enumerate(names):
        make_run(storage_root, project, "exp", created_at=100.0 + i)
        make_run(storage_root, project, "exp2", created_at=200.0 + i)
    make_run(storage_root, "gone", "exp", deleted=DELETED)
    reindex()

    # In the database's own order (its collation), as ORDER BY project gives it.
    expected = list(Run.objects.filter(deleted=False).order_by("project").values_list("project", flat=True).distinct())
    assert sorted(expected) == sorted(names)
    assert api.get("/api/projects").json() == {"projects": expected}
