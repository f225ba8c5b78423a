"""Custom columns of the experiments table: ``summary.*``, ``config.*`` and a metric's last value.

A column is named ``summary.<key>``, ``config.<key>`` (the dotted path of the facet index, so
``config.optim.lr`` reaches ``{"optim": {"lr": ...}}``) or ``metric.<name>``. Summary and config
columns sort server-side through the facet index (``Facet(run, kind, key, num)`` answers each run's
value with one index probe); a metric's last value is read from the metrics column cache for the
runs of the page only, so it is shown but not a sort key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from apps.runs.models import Run

from .facets import BEST_METRIC_KEYS
from .models import KEY_MAX_LENGTH, Facet

K = Facet.Kind
Root = Literal["summary", "config", "metric"]
ROOTS: tuple[Root, ...] = ("summary", "config", "metric")
SORTABLE_ROOTS = frozenset({"summary", "config"})
MAX_COLUMNS = 50
# The picker lists at most this many keys per root: a config dump of thousands of keys is searched
# by prefix (``prefix=``), not listed whole.
MAX_KEYS = 500
_KINDS = {"summary": K.SUMMARY, "config": K.CONFIG}


class InvalidColumn(ValueError):
    """A column name that is not ``summary.<key>``, ``config.<key>`` or ``metric.<name>``."""


@dataclass(frozen=True)
class ColumnRef:
    root: Root
    key: str

    @property
    def name(self) -> str:
        return f"{self.root}.{self.key}"


def parse(name: str) -> ColumnRef:
    """``"config.optim.lr"`` -> ColumnRef("config", "optim.lr"); raises InvalidColumn."""
    root, dot, key = name.partition(".")
    if not dot or root not in ROOTS or not key:
        raise InvalidColumn(f"{name!r} is not a column; use summary.<key>, config.<key> or metric.<name>")
    if len(key) > KEY_MAX_LENGTH:
        raise InvalidColumn(f"{name!r}: keys are at most {KEY_MAX_LENGTH} characters")
    return ColumnRef(root, key)  # type: ignore[arg-type]  # root checked against ROOTS above


def sorted_ids(base: QuerySet[Run], column: ColumnRef, desc: bool, offset: int, limit: int) -> list[int]:
    """Ids of one page of ``base`` ordered by the column's value.

    Runs with a number come first (by the number), then runs with a string (by the string), then
    the runs without a value (a boolean, a list, or no key at all); ties by id, all in the one
    direction, as the other sort keys do.
    """
    kind = _KINDS[column.root]
    facet = Facet.objects.filter(run_id=OuterRef("pk"), kind=kind, key=column.key).order_by()
    qs = base.annotate(
        _num=Subquery(facet.filter(num__isnull=False).values("num")[:1]),
        _text=Subquery(facet.filter(text__isnull=False).values("text")[:1]),
    )
    if desc:
        ordered = qs.order_by(F("_num").desc(nulls_last=True), F("_text").desc(nulls_last=True), "-pk")
    else:
        ordered = qs.order_by(F("_num").asc(nulls_last=True), F("_text").asc(nulls_last=True), "pk")
    return list(ordered.values_list("pk", flat=True)[offset : offset + limit])


def walk_ids(column: ColumnRef, desc: bool, offset: int, limit: int) -> list[int]:
    """The same page as ``sorted_ids`` over every live run, read by walking the facet indexes.

    Unfiltered, the order is the index order itself: numbers from ``facet_kind_key_del_num``
    (kind, key, deleted, num, run), strings from ``facet_kind_key_del_text``, so a page costs
    ``offset + limit`` index entries instead of a probe and a sort of every run (~250 ms at
    100,000 runs on SQLite). Only pages past the runs with a value read the runs without one.
    """
    sign = "-" if desc else ""
    base = Facet.objects.filter(kind=_KINDS[column.root], key=column.key, deleted__in=[False])
    parts = [
        base.filter(num__isnull=False).order_by(f"{sign}num", f"{sign}run_id").values_list("run_id", flat=True),
        base.filter(text__isnull=False).order_by(f"{sign}text", f"{sign}run_id").values_list("run_id", flat=True),
    ]
    ids: list[int] = []
    skipped = 0  # rows of the earlier parts before this one
    for part in parts:
        start = max(0, offset - skipped)
        found = list(part[start : start + limit - len(ids)])
        ids += found
        if len(ids) == limit:
            return ids
        skipped += start + len(found) if found or start == 0 else part.count()
    with_value = base.filter(Q(num__isnull=False) | Q(text__isnull=False)).values("run_id")
    rest = Run.objects.filter(deleted__in=[False]).exclude(pk__in=with_value).order_by(f"{sign}pk")
    start = max(0, offset - skipped)
    return ids + list(rest.values_list("pk", flat=True)[start : start + limit - len(ids)])


def lookup(doc: Any, dotted: str) -> Any:
    """The value at ``dotted`` in ``doc`` (nested objects first, then a key holding dots), or None."""
    if isinstance(doc, dict) and dotted in doc:
        return doc[dotted]
    value = doc
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN; the table shows "none"
    return value


def row_values(row: dict[str, Any], columns: Sequence[ColumnRef], last: dict[str, float | None]) -> dict[str, Any]:
    """The values of ``columns`` for one run row (with ``summary`` and ``config``) and its metrics."""
    out: dict[str, Any] = {}
    for col in columns:
        if col.root == "metric":
            out[col.name] = last.get(col.key)
        else:
            out[col.name] = _plain(lookup(row.get(col.root) or {}, col.key))
    return out


def available(project: str | None, prefix: str = "") -> dict[str, list[str]]:
    """The summary and config keys of the live runs (of ``project``), sorted, at most MAX_KEYS each."""
    out: dict[str, list[str]] = {}
    for root, kind in _KINDS.items():
        keys = _distinct_keys(kind, project, prefix)
        if root == "summary":
            keys = [k for k in keys if k not in BEST_METRIC_KEYS]
        out[root] = keys
    return out


def _distinct_keys(kind: int, project: str | None, prefix: str) -> list[str]:
    if project is None:
        return _skip_scan(kind, prefix)
    qs = Facet.objects.filter(kind=kind, deleted__in=[False], run__project=project)
    if prefix:
        qs = qs.filter(key__startswith=prefix)
    return list(qs.order_by("key").values_list("key", flat=True).distinct()[:MAX_KEYS])


def _skip_scan(kind: int, prefix: str) -> list[str]:
    """Distinct keys by one seek each in ``facet_kind_key_del_num`` (see apps.runs.projects):
    a root of 100,000 runs holds about a million facet rows but only tens of keys."""
    table = connection.ops.quote_name(Facet._meta.db_table)
    key = connection.ops.quote_name("key")
    kind_col = connection.ops.quote_name("kind")
    sql = f"""
        WITH RECURSIVE found(k, n) AS (
            SELECT (SELECT MIN({key}) FROM {table} WHERE {kind_col} = %s AND {key} >= %s), 1
            UNION ALL
            SELECT (SELECT MIN({key}) FROM {table} WHERE {kind_col} = %s AND {key} > found.k), n + 1
            FROM found WHERE found.k IS NOT NULL AND n < %s
        )
        SELECT k FROM found WHERE k IS NOT NULL
    """  # noqa: S608 - fixed names; the values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, prefix, kind, MAX_KEYS * 2])
        keys = [row[0] for row in cursor.fetchall() if row[0].startswith(prefix)]
    # The walk above also meets keys that only deleted runs still hold: keep those with a live run.
    live = set(
        Facet.objects.filter(kind=kind, key__in=keys, deleted__in=[False]).values_list("key", flat=True).distinct()
    ) if keys else set()
    return [k for k in keys if k in live][:MAX_KEYS]


def metric_names(columns: Iterable[ColumnRef]) -> list[str]:
    return [c.key for c in columns if c.root == "metric"]
