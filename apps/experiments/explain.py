"""The database's plans for the queries behind one V2 list request (tests and docs/v2-query-plans.md).

    >>> explain_list(parse_list_query({"tags": "baseline"}))
    {"count": [...], "page": [...], "few": [...]}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.runs.models import Run

from . import filters
from .listing import FEW_MATCHES, NULLABLE_SORT, SORT_COLUMNS, _ordered
from .params import ListQuery


def plan(run: Callable[[], Any]) -> list[str]:
    """The plan of the last SQL statement ``run()`` executes, exactly as the database received it:
    SQLite's EXPLAIN QUERY PLAN details, or PostgreSQL's EXPLAIN lines."""
    with CaptureQueriesContext(connection) as captured:
        run()
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [row[3] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN " + sql)
        return [row[0] for row in cursor.fetchall()]


def explain_list(lq: ListQuery) -> dict[str, list[str]]:
    """Plans of what a list request may run: ``count`` (the total), ``page`` (the first page
    walked off the sort index) and, for facet filters, ``few`` (every match at once, when few)."""
    flt = filters.build(lq)
    flt.rarest_first()
    column = SORT_COLUMNS[lq.order_by]
    if flt.facets_only:
        plans = {"count": plan(flt.count_in_facets)}
    else:
        plans = {"count": plan(Run.objects.filter(flt.q("in")).count)}
    base = Run.objects.filter(flt.q("exists"))
    if column in NULLABLE_SORT:
        base = base.filter(**{f"{column}__isnull": False})
    page_qs = _ordered(base, column, lq.order_desc).values_list("pk", flat=True)[: lq.per_page]
    plans["page"] = plan(lambda: list(page_qs))
    if flt.uses_facets:
        few_qs = Run.objects.filter(flt.q("in")).order_by().values_list("pk", column)[: FEW_MATCHES + 1]
        plans["few"] = plan(lambda: list(few_qs))
    return plans
