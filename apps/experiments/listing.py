"""``GET /api/v2/experiments``: every filter answered by indexes (docs/v2-query-plans.md).

A request costs a few small queries: the index generation (the key of the caches below); the
total (a COUNT on the Run indexes, or the distinct runs of a facet intersection), cached per
generation and filter so that pages 2, 3, ... and a UI polling a list reuse it until any run
changes; the ids of the page; the columns of those ids.

The ids of a page come either from an in-memory list (a facet filter with few matches: all of
them read once and sorted here) or from a walk of the sort index, LIMIT/OFFSET over ids only so
deep pages stay cheap. Runs without a value for the sort key (no best metric yet) come last in
both directions, on SQLite and PostgreSQL alike: the page is read from the runs with a value
first, then from those without.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from runicorn import layout

from apps.common.paths import NotContained, contained
from apps.runs import indexer
from apps.runs.lookup import run_dir
from apps.runs.models import Run

from . import columns as custom_columns
from . import filters, metrics_summary, presenters
from .filters import Filter
from .params import ListQuery
from .qcompile import all_facets_queryset

SORT_COLUMNS = {
    "created_at": "created_at",
    "updated_at": "last_write",
    "best_metric_value": "best_metric_value",
    "status": "status",
}
NULLABLE_SORT = frozenset({"created_at", "last_write", "best_metric_value"})
# A facet filter matching at most this many runs is read whole once (see ``matches``).
FEW_MATCHES = 5000
_CACHE_SIZE = 256

# Per index generation: totals, and the ordered matches of facet filters that match few runs.
_counts: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()


def clear_caches() -> None:
    """Forget every cached total and match list (the benchmark's "cold" requests)."""
    with _lock:
        _counts.clear()
        _results.clear()


def _cache_get(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> Any:
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    return None


def _cache_put(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    with _lock:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def count(flt: Filter, generation: str) -> int:
    """How many runs match, from the cache while the index has not changed."""
    key = (generation, connection.alias, flt.lq.filter_key())
    hit = _cache_get(_counts, key)
    if hit is not None:
        return hit
    if flt.facets_only:
        total = flt.count_in_facets()
    else:
        total = Run.objects.filter(flt.q("in")).count()
    _cache_put(_counts, key, total)
    return total


@dataclass(frozen=True)
class Matches:
    total: int
    # Every matching id in list order, when there are at most FEW_MATCHES of them.
    ids: array[int] | None = None


def matches(flt: Filter, generation: str) -> Matches:
    """The total and, when few runs match a facet filter, all of them in order.

    A filter on tags, words, summary or config that matches few runs is answered once from the
    facet indexes (a short list, sorted here) and then paged from memory; walking the sort index
    to find a rare match, or repeating the facet lookups for each page, would cost far more.
    """
    lq = flt.lq
    if not flt.uses_facets:
        return Matches(count(flt, generation))
    key = (generation, connection.alias, lq.filter_key(), lq.order_by, lq.order_desc)
    hit = _cache_get(_results, key)
    if hit is not None:
        return hit
    count_key = (generation, connection.alias, lq.filter_key())
    known = _cache_get(_counts, count_key)
    if known is not None and known > FEW_MATCHES:
        result = Matches(known)
    else:
        flt.rarest_first()
        column = SORT_COLUMNS[lq.order_by]
        fields = ("pk", column, "created_at") if column == "status" else ("pk", column)
        if flt.facets_only:
            # The matching run ids straight from the facet intersection (it is also the total);
            # Run rows are read only for the sort keys of a short list.
            run_ids = list(all_facets_queryset(flt.preds, flt.live_only).values_list("run_id", flat=True).distinct())
            rows = list(Run.objects.filter(pk__in=run_ids).values_list(*fields)) if len(run_ids) <= FEW_MATCHES else []
            total = len(run_ids)
        else:
            rows = list(Run.objects.filter(flt.q("in")).order_by().values_list(*fields)[: FEW_MATCHES + 1])
            total = len(rows) if len(rows) <= FEW_MATCHES else count(flt, generation)
        if total <= FEW_MATCHES:
            result = Matches(total, array("q", _sorted_ids(rows, lq.order_desc)))
        else:
            result = Matches(total)
        _cache_put(_counts, count_key, total)
    _cache_put(_results, key, result)
    return result


def _sorted_ids(rows: list[tuple[Any, ...]], desc: bool) -> list[int]:
    """Ids in the order the sort indexes give: by value (None last either way), then by id."""
    with_value = [r for r in rows if r[1] is not None]
    with_value.sort(key=lambda r: r[1:] + (r[0],), reverse=desc)
    without = sorted((r[0] for r in rows if r[1] is None), reverse=desc)
    return [r[0] for r in with_value] + without


def _ordered(qs: QuerySet[Run], column: str, desc: bool) -> QuerySet[Run]:
    sign = "-" if desc else ""
    if column == "status":  # ties in created order, as the status index holds them
        return qs.order_by(f"{sign}status", f"{sign}created_at", f"{sign}pk")
    return qs.order_by(f"{sign}{column}", f"{sign}pk")


def page_ids(flt: Filter, found: Matches) -> list[int]:
    lq = flt.lq
    offset = (lq.page - 1) * lq.per_page
    if offset >= found.total:
        return []
    if found.ids is not None:
        return list(found.ids[offset : offset + lq.per_page])
    # Many matches: walk the sort index and probe each run's facets, stopping after one page.
    base = Run.objects.filter(flt.q("exists"))
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


def _custom_page(flt: Filter, generation: str) -> tuple[int, list[int]]:
    """The total and the page's ids when the order is a summary/config column."""
    lq = flt.lq
    assert lq.order_column is not None  # noqa: S101 - the caller checked
    total = count(flt, generation)
    offset = (lq.page - 1) * lq.per_page
    if offset >= total:
        return total, []
    if flt.only_live and not flt.preds and not flt.rest and not lq.include_deleted:
        return total, custom_columns.walk_ids(lq.order_column, lq.order_desc, offset, lq.per_page)
    base = Run.objects.filter(flt.q("in"))
    return total, custom_columns.sorted_ids(base, lq.order_column, lq.order_desc, offset, lq.per_page)


def _with_columns(row: dict[str, Any], lq: ListQuery) -> dict[str, Any]:
    item = presenters.experiment(row)
    names = custom_columns.metric_names(lq.columns)
    last: dict[str, float | None] = {}
    if names:
        try:
            events = contained(run_dir(row["project"], row["name"], row["run_id"]), layout.EVENTS_FILE)
        except NotContained:  # a run directory or events file that escapes the root: no values
            events = None
        last = metrics_summary.last_values(events, names) if events is not None else {}
    item["columns"] = custom_columns.row_values(row, lq.columns, last)
    return item


def list_experiments(lq: ListQuery) -> dict[str, Any]:
    started = time.perf_counter()
    flt = filters.build(lq)
    generation = indexer.current_generation()
    if lq.order_column is not None:
        total, ids = _custom_page(flt, generation)
    else:
        found = matches(flt, generation)
        total = found.total
        ids = page_ids(flt, found)
    fields = (*presenters.LIST_COLUMNS, "summary", "config") if lq.columns else presenters.LIST_COLUMNS
    rows = {r["id"]: r for r in Run.objects.filter(pk__in=ids).values(*fields)} if ids else {}
    if lq.columns:
        experiments = [_with_columns(rows[pk], lq) for pk in ids if pk in rows]
    else:
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
