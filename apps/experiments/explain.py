"""The database's plans for the queries behind one V2 list request (tests and docs/v2-query-plans.md).

    >>> explain_list(parse_list_query({"project": "vision"}))
    {"count": [...], "page": [...]}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.runs.models import Run

from .listing import LIST_DRIVEN_MAX, NULLABLE_SORT, SORT_COLUMNS, _ordered, where
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


def explain_list(lq: ListQuery, matches: int | None = None) -> dict[str, list[str]]:
    """Plans of the count and of the first page of ``lq``; ``matches`` picks the page style as
    the list view would (default: many matches, the sort index walk)."""
    count_qs = Run.objects.filter(where(lq, "in"))
    style = "in" if matches is not None and matches <= LIST_DRIVEN_MAX else "exists"
    base = Run.objects.filter(where(lq, style))
    column = SORT_COLUMNS[lq.order_by]
    if column in NULLABLE_SORT:
        base = base.filter(**{f"{column}__isnull": False})
    page_qs = _ordered(base, column, lq.order_desc).values_list("pk", flat=True)[: lq.per_page]
    return {"count": plan(count_qs.count), "page": plan(lambda: list(page_qs))}
