"""GET /api/v2/experiments with custom columns (summary.*, config.*, metric.*) and their sort,
and GET /api/v2/experiments/columns, checked against the truth read from the files."""

from __future__ import annotations

from typing import Any

import pytest

from apps.runs.models import Run
from tests.experiments.dataset import Truth, fetch_all, is_number, live, lookup

pytestmark = pytest.mark.django_db


def _value(doc: dict[str, Any], key: str) -> Any:
    try:
        return lookup(doc, key)
    except KeyError:
        return None


def expected_order(runs: list[Truth], root: str, key: str, desc: bool) -> list[str]:
    """Numbers (by number), then strings (by string), then the rest; ties and the rest in index order."""
    live_runs = live(runs)
    position = dict(Run.objects.values_list("run_id", "pk"))
    numbers = [r for r in live_runs if is_number(_value(getattr(r, root), key))]
    strings = [r for r in live_runs if isinstance(_value(getattr(r, root), key), str)]
    rest = [r for r in live_runs if r not in numbers and r not in strings]
    numbers.sort(key=lambda r: (_value(getattr(r, root), key), position[r.run_id]), reverse=desc)
    strings.sort(key=lambda r: (_value(getattr(r, root), key), position[r.run_id]), reverse=desc)
    rest.sort(key=lambda r: position[r.run_id], reverse=desc)
    return [r.run_id for r in numbers + strings + rest]


@pytest.mark.parametrize("desc", [True, False])
@pytest.mark.parametrize(("root", "key"), [("summary", "accuracy"), ("config", "lr"), ("config", "optimizer.name")])
def test_it_sorts_by_a_custom_column_numbers_then_strings_then_none(api, runs, root, key, desc):
    got = [i["id"] for i in fetch_all(api, order_by=f"{root}.{key}", order_desc=str(desc).lower())]
    assert got == expected_order(runs, root, key, desc)


def test_a_custom_sort_keeps_the_filters_and_pages_tile(api, runs):
    params = {"order_by": "summary.val/loss", "order_desc": "false", "tags": "baseline"}
    everything = [i["id"] for i in fetch_all(api, **params)]
    with_tag = {r.run_id for r in live(runs) if "baseline" in r.tags}
    assert set(everything) == with_tag and len(everything) > 3
    paged: list[str] = []
    for page in range(1, 10):
        body = api.get("/api/v2/experiments", {**params, "per_page": 3, "page": page}).json()
        assert body["total"] == len(with_tag)
        paged += [i["id"] for i in body["experiments"]]
    assert paged == everything


def test_each_run_carries_the_values_of_the_requested_columns(api, runs):
    items = fetch_all(api, columns="summary.accuracy,config.optimizer.name,config.lr,summary.missing")
    by_id = {r.run_id: r for r in runs}
    for item in items:
        truth = by_id[item["id"]]
        assert item["columns"] == {
            "summary.accuracy": _value(truth.summary, "accuracy"),
            "config.optimizer.name": _value(truth.config, "optimizer.name"),
            "config.lr": _value(truth.config, "lr"),
            "summary.missing": None,
        }


def test_without_columns_the_answer_has_no_columns_field(api, runs):
    item = api.get("/api/v2/experiments", {"per_page": 5}).json()["experiments"][0]
    assert "columns" not in item


USE = "use summary.<key>, config.<key> or metric.<name>"


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"columns": "accuracy"}, f"columns: 'accuracy' is not a column; {USE}"),
        ({"columns": "summary."}, f"columns: 'summary.' is not a column; {USE}"),
        ({"columns": ",".join(f"summary.k{i}" for i in range(51))}, "columns: at most 50 columns"),
        ({"order_by": "metric.loss"}, "order_by: unknown sort field 'metric.loss'; use one of created_at, updated_at, "
                                      "best_metric_value, status, summary.<key> or config.<key>"),
    ],
)
def test_bad_columns_are_refused_with_a_400(api, runs, params, detail):
    resp = api.get("/api/v2/experiments", params)
    assert resp.status_code == 400
    assert resp.json()["detail"] == detail


def test_the_columns_endpoint_lists_the_keys_of_live_runs(api, runs):
    body = api.get("/api/v2/experiments/columns").json()
    summary_keys: set[str] = set()
    config_keys: set[str] = set()
    for r in live(runs):
        # Lists (summary.scores, config.layers) are not columns: a cell holds one value.
        summary_keys |= {k for k, v in r.summary.items() if not isinstance(v, list)}
        for k, v in r.config.items():
            config_keys |= {f"{k}.{sub}" for sub in v} if isinstance(v, dict) else set() if isinstance(v, list) else {k}
    assert body["summary"] == sorted(k for k in summary_keys if not k.startswith("best_metric_"))
    assert body["config"] == sorted(config_keys)
    vision = api.get("/api/v2/experiments/columns", {"project": "vision", "prefix": "optimizer."}).json()
    assert vision["config"] == ["optimizer.momentum", "optimizer.name"] and vision["summary"] == []


def test_the_columns_endpoint_refuses_an_overlong_prefix(api, runs):
    resp = api.get("/api/v2/experiments/columns", {"prefix": "x" * 201})
    assert resp.status_code == 400 and resp.json() == {"detail": "prefix: longer than 200 characters",
                                                        "param": "prefix"}



@pytest.mark.parametrize("per_page", [1, 4, 7])
@pytest.mark.parametrize("desc", [True, False])
def test_pages_of_a_custom_sort_tile_the_whole_list(api, runs, per_page, desc):
    # Unfiltered pages are read by walking the facet indexes; they cross from numbers to strings
    # to runs without a value at every page size.
    expected = expected_order(runs, "summary", "accuracy", desc)
    paged: list[str] = []
    for page in range(1, len(expected) // per_page + 2):
        params = {"order_by": "summary.accuracy", "order_desc": str(desc).lower(), "per_page": per_page, "page": page}
        paged += [i["id"] for i in api.get("/api/v2/experiments", params).json()["experiments"]]
    assert paged == expected
