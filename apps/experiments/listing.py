"""``GET /api/v2/experiments``: every filter is one WHERE clause on the index, answered by indexes.

A page costs three small queries: the index generation (for the count cache), the ids of the page
(an index walk in sort order, LIMIT/OFFSET over ids only, so deep pages stay cheap), and the columns
of those ids. The total is a COUNT over the same WHERE, cached per index generation and filter:
pages 2, 3, ... and a UI polling the same list reuse it until any run changes.

Runs without a value for the sort key (no best metric yet) come last in both directions, on SQLite
and PostgreSQL alike: the page is read from the runs with a value first, then from those without.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from apps.runs import indexer
from apps.runs.models import Run

from . import presenters
from .params import ListQuery
from .qcompile import Compiler, Style

SORT_COLUMNS = {
    "created_at": "created_at",
    "updated_at": "last_write",
    "best_metric_value": "best_metric_value",
    "status": "status",
}
NULLABLE_SORT = frozenset({"created_at", "last_write", "best_metric_value"})
# At most this many matches: the page is read starting from the matching facets (a short list
# to sort). More: by walking the sort index and probing each run, which stops after one page.
LIST_DRIVEN_MAX = 2000
_COUNT_CACHE_SIZE = 512

_counts: OrderedDict[tuple[Any, ...], int] = OrderedDict()
_counts_lock = threading.Lock()


def clear_count_cache() -> None:
    with _counts_lock:
        _counts.clear()


def where(lq: ListQuery, style: Style) -> Q:
    """The filter of ``lq`` as one Q on Run; facet conditions in the given style."""
    compiler = Compiler(style, connection.vendor)
    # ``deleted IN (false)`` rather than ``deleted = false``: Django writes the latter as
    # ``NOT deleted``, which SQLite cannot match to an index.
    cond = Q() if lq.include_deleted else Q(deleted__in=[False])
    if lq.project is not None:
        cond &= Q(project=lq.project)
    if lq.name is not None:
        cond &= Q(name=lq.name)
    if lq.statuses:
        cond &= Q(status__in=list(lq.statuses))
    if lq.created_after is not None:
        cond &= Q(created_at__gte=lq.created_after)
    if lq.created_before is not None:
        cond &= Q(created_at__lte=lq.created_before)
    if lq.best_metric_min is not None:
        cond &= Q(best_metric_value__gte=lq.best_metric_min)
    if lq.best_metric_max is not None:
        cond &= Q(best_metric_value__lte=lq.best_metric_max)
    for tag in lq.tags:
        cond &= compiler.tag(tag)
    for word in lq.search_words:
        cond &= compiler.word(word)
    if lq.q_tree is not None:
        cond &= compiler.compile(lq.q_tree)
    return cond


def count(lq: ListQuery, generation: str | None = None) -> int:
    """How many runs match ``lq``, from the cache while the index has not changed."""
    generation = generation if generation is not None else indexer.current_generation()
    key = (generation, connection.alias, lq.filter_key())
    with _counts_lock:
        if key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
    total = Run.objects.filter(where(lq, "in")).count()
    with _counts_lock:
        _counts[key] = total
        while len(_counts) > _COUNT_CACHE_SIZE:
            _counts.popitem(last=False)
    return total


def _ordered(qs: QuerySet[Run], column: str, desc: bool) -> QuerySet[Run]:
    sign = "-" if desc else ""
    if column == "status":  # ties in created order, as the status index holds them
        return qs.order_by(f"{sign}status", f"{sign}created_at", f"{sign}pk")
    return qs.order_by(f"{sign}{column}", f"{sign}pk")


def page_ids(lq: ListQuery, total: int) -> list[int]:
    offset = (lq.page - 1) * lq.per_page
    if offset >= total:
        return []
    style: Style = "in" if total <= LIST_DRIVEN_MAX else "exists"
    base = Run.objects.filter(where(lq, style))
    column = SORT_COLUMNS[lq.order_by]
    limit = lq.per_page
    if column not in NULLABLE_SORT:
        return list(_ordered(base, column, lq.order_desc).values_list("pk", flat=True)[offset : offset + limit])
    with_value = _ordered(base.filter(**{f"{column}__isnull": False}), column, lq.order_desc)
    ids = list(with_value.values_list("pk", flat=True)[offset : offset + limit])
    if len(ids) == limit:
        return ids
    # The page reaches past the runs with a value: continue with those without, newest ids first.
    known = offset + len(ids) if ids or offset == 0 else with_value.count()
    without = base.filter(**{f"{column}__isnull": True}).order_by("-pk" if lq.order_desc else "pk")
    start = max(0, offset - known)
    return ids + list(without.values_list("pk", flat=True)[start : start + limit - len(ids)])


def list_experiments(lq: ListQuery) -> dict[str, Any]:
    started = time.perf_counter()
    total = count(lq)
    ids = page_ids(lq, total)
    rows = {r["id"]: r for r in Run.objects.filter(pk__in=ids).values(*presenters.LIST_COLUMNS)} if ids else {}
    experiments = [presenters.experiment(rows[pk]) for pk in ids if pk in rows]
    offset = (lq.page - 1) * lq.per_page
    return {
        "experiments": experiments,
        "total": total,
        "page": lq.page,
        "per_page": lq.per_page,
        "has_next": offset + len(experiments) < total,
        "has_prev": lq.page > 1,
        "query_time_ms": round((time.perf_counter() - started) * 1000, 2),
    }
