"""The WHERE of a V2 list request, split by what can answer each part.

* ``columns``: conditions on Run columns (``deleted``, project, status, times, best metric),
  served by the Run indexes;
* ``preds``: top-level facet conditions (tags, search words, ``summary.*`` / ``config.*``
  comparisons), all of which must hold; they are intersected inside the facet indexes, starting
  from the rarest, before a single Run row is read;
* ``rest``: the other top-level parts of ``q`` (``or``, ``not``, column comparisons).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from . import qlang
from .models import Facet
from .params import ListQuery
from .qcompile import Compiler, FacetPred, Style, all_facets_queryset, uses_facets

# Facet conditions are ordered by how many rows they match, counted up to this many (a bounded
# walk of the facet index): the rarest drives the intersection.
ESTIMATE_CAP = 10_000


@dataclass
class Filter:
    lq: ListQuery
    columns: Q
    preds: list[FacetPred] = field(default_factory=list)
    rest: list[qlang.Node] = field(default_factory=list)
    # True when ``columns`` holds nothing but the deleted flag.
    only_live: bool = True

    @property
    def live_only(self) -> bool:
        return not self.lq.include_deleted

    @property
    def facets_only(self) -> bool:
        """Whether the facet indexes alone can answer the filter (and count its matches)."""
        return bool(self.preds) and self.only_live and not self.rest

    @property
    def uses_facets(self) -> bool:
        return bool(self.preds) or any(uses_facets(node) for node in self.rest)

    def q(self, style: Style) -> Q:
        """The whole filter as one condition on Run."""
        compiler = Compiler(style, connection.vendor)
        cond = self.columns
        if style == "in" and self.facets_only:
            # The facet intersection already keeps live runs only. Leaving ``deleted`` out of the
            # outer query leaves the database one way in: from the (short) list of matches, not by
            # scanning every live run and probing the list. (With column conditions in ``q`` it
            # stays: it leads the covering project/status indexes.)
            cond = Q()
        if self.preds:
            cond &= compiler.runs_with_all(self.preds, self.live_only)
        for node in self.rest:
            cond &= compiler.compile(node)
        return cond

    def count_in_facets(self) -> int:
        """The number of matching runs, from the facet indexes (``facets_only`` filters)."""
        return all_facets_queryset(self.preds, self.live_only).values("run_id").distinct().count()

    def rarest_first(self) -> None:
        """Order ``preds`` by how many facet rows each matches (a bounded count per condition)."""
        if len(self.preds) < 2:
            return
        sizes = []
        for pred in self.preds:
            qs = Facet.objects.filter(pred.q())
            if self.live_only:
                qs = qs.filter(deleted__in=[False])  # not "NOT deleted": see build()
            sizes.append(qs.order_by()[:ESTIMATE_CAP].count())
        self.preds = [pred for _, _, pred in sorted(zip(sizes, range(len(sizes)), self.preds, strict=True))]


def build(lq: ListQuery) -> Filter:
    """The filter of ``lq``; raises ``CompileError`` for a ``q`` that cannot be answered."""
    compiler = Compiler("in", connection.vendor)
    # ``deleted IN (false)`` rather than ``deleted = false``: Django writes the latter as
    # ``NOT deleted``, which SQLite cannot match to an index.
    columns = Q() if lq.include_deleted else Q(deleted__in=[False])
    parts = [
        ("project", lq.project),
        ("name", lq.name),
        ("status__in", list(lq.statuses) or None),
        ("created_at__gte", lq.created_after),
        ("created_at__lte", lq.created_before),
        ("best_metric_value__gte", lq.best_metric_min),
        ("best_metric_value__lte", lq.best_metric_max),
    ]
    only_live = True
    for lookup, value in parts:
        if value is not None:
            columns &= Q(**{lookup: value})
            only_live = False
    result = Filter(lq, columns, only_live=only_live)
    result.preds += [compiler.tag_pred(tag) for tag in lq.tags]
    result.preds += [compiler.word_pred(word) for word in lq.search_words]
    if lq.q_tree is not None:
        conjuncts = lq.q_tree.operands if isinstance(lq.q_tree, qlang.And) else (lq.q_tree,)
        for node in conjuncts:
            pred = compiler.pure(node)
            if pred is not None:
                result.preds.append(pred)
            else:
                compiler.compile(node)  # raises CompileError now, not in the middle of a page
                result.rest.append(node)
    return result
