"""Flatten a run's summary, config, tags and words into facet rows, and keep them in step.

``on_runs_saved`` receives the indexer's upserted rows (inside its transaction) and replaces those
runs' facets, so a run is queryable by V2 the moment it is in the index. Deleting a Run row
removes its facets through the foreign key's cascade.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection

from .models import KEY_MAX_LENGTH, Facet

log = logging.getLogger(__name__)

Row = tuple[int, int, str, float | None, str | None, bool | None, bool]

# Columns of the Run row already; ``summary.best_metric_value`` is answered from the column.
BEST_METRIC_KEYS = frozenset({"best_metric_value", "best_metric_name", "best_metric_step", "best_metric_mode"})
# PostgreSQL caps a B-tree entry at ~2.7 kB: longer strings are kept out of the text index.
TEXT_MAX_BYTES = 1000
MAX_DEPTH = 8
# A config dump with thousands of entries must not make one run cost thousands of rows.
MAX_VALUES_PER_RUN = 1000
MAX_WORDS_PER_RUN = 200
MAX_WORD_LENGTH = 64
_WORD_RE = re.compile(r"[^\W_]+")

K = Facet.Kind


def split_words(text: str) -> list[str]:
    """Runs of letters and digits of ``text``, case-folded, in order, unique."""
    return list(dict.fromkeys(_WORD_RE.findall(text.casefold())))


def words(text: str) -> list[str]:
    """The indexed search words of ``text`` (words longer than MAX_WORD_LENGTH are not indexed)."""
    return [w for w in split_words(text) if len(w) <= MAX_WORD_LENGTH]


def scalar(value: Any) -> tuple[float | None, str | None, bool | None] | None:
    """``(num, text, flag)`` for a JSON scalar; None for containers and unstorable values."""
    if value is None:
        return (None, None, None)
    if isinstance(value, bool):
        return (None, None, value)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range
            return None
        return (number, None, None) if math.isfinite(number) else None
    if isinstance(value, str):
        if len(value.encode("utf-8", "surrogatepass")) > TEXT_MAX_BYTES:
            return None
        return (None, value, None)
    return None


def _walk(value: Any, path: tuple[str, ...], depth: int) -> Iterator[tuple[str, Any, bool]]:
    """``(dotted key, scalar, is_list_element)`` for every scalar below ``value``."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return
        for k, v in value.items():
            yield from _walk(v, (*path, str(k)), depth + 1)
    elif isinstance(value, list):
        key = ".".join(path)
        for item in value:
            if not isinstance(item, (dict, list)):
                yield key, item, True
    elif path:
        yield ".".join(path), value, False


def value_rows(
    run_pk: int, doc: Any, kind: int, item_kind: int, skip: frozenset[str] = frozenset(), deleted: bool = False
) -> list[Row]:
    if not isinstance(doc, dict):
        return []
    rows: list[Row] = []
    for key, value, is_item in _walk({k: v for k, v in doc.items() if k not in skip}, (), 0):
        if len(key) > KEY_MAX_LENGTH:
            continue
        stored = scalar(value)
        if stored is None:
            continue
        rows.append((run_pk, item_kind if is_item else kind, key, *stored, deleted))
        if len(rows) >= MAX_VALUES_PER_RUN:
            log.info("run %s: only the first %d values of its %s are queryable", run_pk, MAX_VALUES_PER_RUN,
                     "summary" if kind == K.SUMMARY else "config")
            break
    return rows


def run_rows(
    run_pk: int, project: str, name: str, description: str | None, tags: Any, summary: Any, config: Any,
    deleted: bool = False,
) -> list[Row]:
    """Every facet row of one run."""
    rows = value_rows(run_pk, summary, K.SUMMARY, K.SUMMARY_ITEM, BEST_METRIC_KEYS, deleted)
    rows += value_rows(run_pk, config, K.CONFIG, K.CONFIG_ITEM, deleted=deleted)
    tag_list = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
    rows += [(run_pk, K.TAG, t, None, None, None, deleted) for t in dict.fromkeys(tag_list) if len(t) <= KEY_MAX_LENGTH]
    text = " ".join([project, name, description or "", *tag_list])
    rows += [(run_pk, K.WORD, w, None, None, None, deleted) for w in words(text)[:MAX_WORDS_PER_RUN]]
    return rows


def _insert_sql() -> str:
    table = connection.ops.quote_name(Facet._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in ("run_id", "kind", "key", "num", "text", "flag", "deleted"))
    return f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s, %s)"  # noqa: S608 - fixed names


def replace(run_pks: Sequence[int], rows: Iterable[Row]) -> int:
    """Delete the facets of ``run_pks`` and insert ``rows`` instead (call inside a transaction)."""
    if run_pks:
        Facet.objects.filter(run_id__in=list(run_pks)).delete()
    batch = list(rows)
    if batch:
        # executemany, not bulk_create: at 100,000 runs this is about a million rows, and building
        # model instances for them would cost more than the inserts.
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(), batch)
    return len(batch)


def on_runs_saved(sender: Any, rows: Sequence[Any], **kwargs: Any) -> None:
    """Receiver of ``apps.runs.indexer.runs_saved``: ``rows`` are Run instances with pks set."""
    saved = [r for r in rows if r.pk is not None]
    if len(saved) != len(rows):
        # bulk_create returns pks on SQLite and PostgreSQL; anything else is looked up.
        from apps.runs.models import Run

        pks = dict(Run.objects.filter(run_id__in=[r.run_id for r in rows]).values_list("run_id", "pk"))
        for r in rows:
            r.pk = pks.get(r.run_id)
        saved = [r for r in rows if r.pk is not None]
    facet_rows: list[Row] = []
    for r in saved:
        facet_rows += run_rows(r.pk, r.project, r.name, r.description, r.tags, r.summary, r.config, r.deleted)
    replace([r.pk for r in saved], facet_rows)


def rebuild(batch: int = 2000, using_model: Any = None) -> int:
    """Recompute the facets of every indexed run (after an upgrade, or to repair); returns rows written."""
    from apps.runs.models import Run

    model = using_model or Run
    total = 0
    last = 0
    Facet.objects.all().delete()
    while True:
        chunk = list(
            model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "project", "name", "description", "tags", "summary", "config", "deleted")[:batch]
        )
        if not chunk:
            return total
        rows: list[Row] = []
        for pk, project, name, description, tags, summary, config, deleted in chunk:
            rows += run_rows(pk, project, name, description, tags, summary, config, deleted)
        total += replace([], rows)
        last = chunk[-1][0]
