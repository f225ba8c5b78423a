"""GET /api/v2/experiments: each filter, sort and page boundary against the truth read from the files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.experiments import dataset
from tests.experiments.dataset import Truth, fetch_all, ids, live

pytestmark = pytest.mark.django_db


def test_the_dataset_has_what_the_filters_need(runs):
    assert len(runs) == 48 and sum(r.deleted for r in runs) == 5
    assert {r.status for r in runs} == {"finished", "failed", "running", "interrupted"}
    assert any(r.best is None for r in runs) and any(r.tags == [] for r in runs)


def test_it_lists_every_live_run_with_the_reference_fields(api, runs):
    items = fetch_all(api)
    assert ids(items) == {r.run_id for r in live(runs)}
    reference_fields = {"id", "run_dir", "created_time", "status", "pid", "best_metric_value", "best_metric_name",
                        "project", "name", "logs", "metrics", "metrics_step"}
    ours = {"ended_at", "duration", "tags", "description", "created_at", "updated_at"}
    assert reference_fields | ours <= set(items[0])
    by_id = {r.run_id: r for r in runs}
    for item in items:
        truth = by_id[item["id"]]
        assert (item["project"], item["name"], item["status"]) == (truth.project, truth.name, truth.status)
        assert item["tags"] == truth.tags and item["description"] == truth.description
        assert item["best_metric_value"] == truth.best and item["created_time"] == truth.created_at


FILTERS: list[tuple[dict[str, Any], Callable[[Truth], bool]]] = [
    ({"project": "vision"}, lambda r: r.project == "vision"),
    ({"name": "bert"}, lambda r: r.name == "bert"),
    ({"project": "nlp", "name": "vit"}, lambda r: r.project == "nlp" and r.name == "vit"),
    ({"status": "failed"}, lambda r: r.status == "failed"),
    ({"status": "finished,interrupted"}, lambda r: r.status in ("finished", "interrupted")),
    ({"tags": "baseline"}, lambda r: "baseline" in r.tags),
    ({"tags": "baseline,prod"}, lambda r: {"baseline", "prod"} <= set(r.tags)),
    ({"tags": "baseline,Mixed Case"}, lambda r: {"baseline", "Mixed Case"} <= set(r.tags)),
    ({"tags": "Mixed Case"}, lambda r: "Mixed Case" in r.tags),
    ({"tags": "mixed case"}, lambda r: "mixed case" in r.tags),  # tags are exact
    ({"search": "resnet"}, lambda r: "resnet" in (r.name + " " + (r.description or "")).lower()),
    ({"search": "RES"}, lambda r: r.name == "resnet" or "resnet" in (r.description or "").lower()),
    ({"search": "vision base"}, lambda r: r.project == "vision" and (
        "baseline" in r.tags or "baseline" in (r.description or "").lower())),
    ({"search": "mixed"}, lambda r: "Mixed Case" in r.tags),
    ({"search": "checkpoint"}, lambda r: "checkpoint" in (r.description or "")),
    ({"search": "100%"}, lambda r: "100%" in (r.description or "")),
    ({"search": "zzz"}, lambda r: False),
    ({"created_after": dataset.BASE_TIME + 5 * 21_601.5}, lambda r: r.created_at >= dataset.BASE_TIME + 5 * 21_601.5),
    ({"created_before": dataset.BASE_TIME + 9 * 21_601.5}, lambda r: r.created_at <= dataset.BASE_TIME + 9 * 21_601.5),
    ({"created_after": "2025-01-05", "created_before": "2025-01-08T12:00:00Z"},
     lambda r: 1_736_035_200 <= r.created_at <= 1_736_337_600),
    ({"best_metric_min": 0.52}, lambda r: r.best is not None and r.best >= 0.52),
    ({"best_metric_max": 0.51}, lambda r: r.best is not None and r.best <= 0.51),
    ({"best_metric_min": 0.51, "best_metric_max": 0.53}, lambda r: r.best is not None and 0.51 <= r.best <= 0.53),
    ({"project": "audio", "status": "finished", "tags": "prod"},
     lambda r: r.project == "audio" and r.status == "finished" and "prod" in r.tags),
]


@pytest.mark.parametrize(("params", "predicate"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_matches_the_files(api, runs, paths, params, predicate):
    expected = {r.run_id for r in live(runs) if predicate(r)}
    assert ids(fetch_all(api, **params)) == expected


def test_include_deleted_adds_the_soft_deleted_runs(api, runs):
    items = fetch_all(api, include_deleted="true")
    assert ids(items) == {r.run_id for r in runs}
    assert {i["id"] for i in items if i["deleted"]} == {r.run_id for r in runs if r.deleted}


def _expected_order(runs: list[Truth], key: str, desc: bool) -> tuple[list[str], set[str]]:
    """Ids with a value for ``key`` in order, and the set of those without (they come last)."""
    value = {"created_at": lambda r: r.created_at, "updated_at": lambda r: r.updated_at,
             "best_metric_value": lambda r: r.best}[key]
    known = sorted((r for r in runs if value(r) is not None), key=value, reverse=desc)
    return [r.run_id for r in known], {r.run_id for r in runs if value(r) is None}


@pytest.mark.parametrize("key", ["created_at", "updated_at", "best_metric_value"])
@pytest.mark.parametrize("desc", [True, False])
@pytest.mark.parametrize("tag", [None, "Mixed Case"])
def test_it_sorts_with_runs_without_a_value_last(api, runs, paths, key, desc, tag):
    filters = {"tags": tag} if tag else {}
    got = [i["id"] for i in fetch_all(api, order_by=key, order_desc=str(desc).lower(), **filters)]
    ordered, missing = _expected_order([r for r in live(runs) if not tag or tag in r.tags], key, desc)
    assert got[: len(ordered)] == ordered
    assert set(got[len(ordered):]) == missing


@pytest.mark.parametrize("desc", [True, False])
@pytest.mark.parametrize("search", [None, "resnet"])
def test_it_sorts_by_status_then_creation(api, runs, paths, desc, search):
    filters = {"search": search} if search else {}
    got = [i["id"] for i in fetch_all(api, order_by="status", order_desc=str(desc).lower(), **filters)]
    chosen = [r for r in live(runs) if not search or search in (r.name + (r.description or "")).lower()]
    expected = sorted(chosen, key=lambda r: (r.status, r.created_at), reverse=desc)
    assert got == [r.run_id for r in expected]


@pytest.mark.parametrize(
    ("order_by", "per_page", "filters"),
    [
        ("created_at", 7, {}), ("best_metric_value", 5, {}), ("status", 43, {}),
        ("best_metric_value", 3, {"tags": "baseline"}), ("updated_at", 4, {"q": "config.lr <= 0.01"}),
    ],
)
def test_pages_tile_the_whole_list(api, runs, paths, order_by, per_page, filters):
    everything = [i["id"] for i in fetch_all(api, order_by=order_by, **filters)]
    pages, page = [], 1
    while True:
        params = {"order_by": order_by, "per_page": per_page, "page": page, **filters}
        body = api.get("/api/v2/experiments", params).json()
        assert body["total"] == len(everything) and body["page"] == page and body["per_page"] == per_page
        assert body["has_prev"] == (page > 1)
        assert body["has_next"] == (page * per_page < len(everything))
        pages.extend(i["id"] for i in body["experiments"])
        if not body["has_next"]:
            break
        page += 1
    assert pages == everything
    assert page == -(-len(everything) // per_page)


def test_a_page_past_the_end_is_empty(api, runs):
    body = api.get("/api/v2/experiments", {"per_page": 10, "page": 99}).json()
    assert body["experiments"] == [] and body["total"] == len(live(runs))
    assert body["has_next"] is False and body["has_prev"] is True


def test_per_page_limits_are_inclusive(api, runs):
    assert len(api.get("/api/v2/experiments", {"per_page": 1}).json()["experiments"]) == 1
    assert api.get("/api/v2/experiments", {"per_page": 1000}).status_code == 200


BAD_PARAMS = [
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"per_page": "0"}, "per_page"),
    ({"per_page": "1001"}, "per_page"),
    ({"order_by": "name"}, "order_by"),
    ({"order_by": "created_at; DROP TABLE runs_run"}, "order_by"),
    ({"order_desc": "maybe"}, "order_desc"),
    ({"include_deleted": "2"}, "include_deleted"),
    ({"status": "finished,done"}, "status"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"best_metric_min": "nan"}, "best_metric_min"),
    ({"best_metric_max": "high"}, "best_metric_max"),
    ({"project": "p" * 101}, "project"),
    ({"search": " ".join(f"w{i}" for i in range(11))}, "search"),
    ({"q": "status = "}, "q"),
]


@pytest.mark.parametrize(("params", "param"), BAD_PARAMS, ids=[str(p)[:40] for p, _ in BAD_PARAMS])
def test_bad_parameters_are_refused_naming_the_parameter(api, runs, params, param):
    resp = api.get("/api/v2/experiments", params)
    assert resp.status_code == 400
    body = resp.json()
    assert body["param"] == param and body["detail"].startswith(f"{param}: ")


def test_it_answers_with_few_queries(api, runs, django_assert_max_num_queries):
    from apps.experiments import listing

    listing.clear_caches()
    # generation + count + page ids + page rows; a second page reuses the cached count.
    with django_assert_max_num_queries(4):
        assert api.get("/api/v2/experiments", {"project": "nlp", "per_page": 3}).status_code == 200
    with django_assert_max_num_queries(3):
        assert api.get("/api/v2/experiments", {"project": "nlp", "per_page": 3, "page": 2}).status_code == 200
    # A facet filter with few matches: generation + the matching ids from the facet indexes +
    # their sort keys + page rows; the next page comes from memory.
    with django_assert_max_num_queries(4):
        assert api.get("/api/v2/experiments", {"tags": "baseline", "per_page": 3}).status_code == 200
    with django_assert_max_num_queries(2):
        assert api.get("/api/v2/experiments", {"tags": "baseline", "per_page": 3, "page": 2}).status_code == 200


def test_unknown_parameters_are_ignored_as_in_the_reference(api, runs):
    assert ids(fetch_all(api, unknown="1")) == {r.run_id for r in live(runs)}
