"""Every V2 filter and sort is served by an index: the database's own plans, on SQLite and PostgreSQL.

SQLite: no step scans a whole table or index (``SCAN runs_run``) and an index-backed sort needs no
temporary B-tree. PostgreSQL (when the suite runs on it): with sequential scans disabled, no step
falls back to ``Seq Scan`` on the runs or facets (the small test tables would otherwise be read
whole, which says nothing about 100,000 runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from apps.experiments.explain import explain_list
from apps.experiments.params import parse_list_query

pytestmark = pytest.mark.django_db

TABLES = ("runs_run", "experiments_facet")

# (query parameters, does the first page come straight off the sort index?)
HOT: list[tuple[dict[str, Any], bool]] = [
    ({}, True),
    ({"project": "vision"}, True),
    ({"project": "vision", "status": "finished"}, True),
    ({"name": "bert"}, True),
    ({"status": "failed"}, True),
    ({"order_by": "best_metric_value"}, True),
    ({"order_by": "best_metric_value", "order_desc": "false"}, True),
    ({"order_by": "updated_at"}, True),
    ({"order_by": "status"}, True),
    ({"created_after": "1735700000", "created_before": "1735900000"}, True),
    ({"best_metric_min": "0.5", "order_by": "best_metric_value"}, True),
    ({"tags": "baseline"}, True),
    ({"search": "resnet"}, True),
    ({"search": "vision base"}, True),
    ({"q": "summary.accuracy > 0.5 and config.lr <= 0.01"}, True),
    ({"q": 'config.optimizer.name = "adam" or tags contains "prod"'}, True),
    ({"q": 'config.layers contains "attn" and not summary.scores exists'}, True),
    ({"q": 'project = "vision" and status in ("finished","failed") and summary.accuracy > 0.3 '
           'and config.lr <= 0.01 and tags contains "baseline"'}, False),
]


@pytest.fixture
def postgres_without_seqscan() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
    else:
        yield


def _full_scans(lines: list[str]) -> list[str]:
    if connection.vendor == "sqlite":
        return [line for line in lines if any(line.startswith(f"SCAN {t}") for t in TABLES)]
    return [line for line in lines if any(f"Seq Scan on {t}" in line for t in TABLES)]


@pytest.mark.parametrize(("params", "sorted_by_index"), HOT, ids=[str(p)[:60] for p, _ in HOT])
def test_each_query_uses_indexes(runs, postgres_without_seqscan, params, sorted_by_index):
    plans = explain_list(parse_list_query(params))
    for part, lines in plans.items():
        assert lines and not _full_scans(lines), f"{part}: {lines}"
    if sorted_by_index and connection.vendor == "sqlite":
        assert not any("TEMP B-TREE FOR ORDER BY" in line for line in plans["page"]), plans["page"]


def test_few_matches_are_read_from_the_facet_indexes(runs, postgres_without_seqscan):
    plans = explain_list(parse_list_query({"tags": "prod", "project": "audio"}))
    assert not _full_scans(plans["few"]), plans["few"]
    assert any("facet" in line for line in plans["few"]), plans["few"]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_named_indexes_serve_the_sorts(runs):
    expectations = {
        "created_at": "run_v2_created", "updated_at": "run_v2_updated",
        "best_metric_value": "run_v2_best", "status": "run_v2_status",
    }
    for order_by, index in expectations.items():
        page = explain_list(parse_list_query({"order_by": order_by}))["page"]
        assert any(index in line for line in page), (order_by, page)
