"""Turn ``q=`` parse trees, tags and search words into ORM filters on ``Run``.

Fields of the Run row compare their columns; ``summary.*``, ``config.*``, ``tags`` and search words
become conditions on ``Facet`` rows (see ``apps.experiments.models``), so a number is only ever
compared with numbers, a string with strings, a boolean with booleans.

Facet conditions come in two styles with the same meaning: ``IN`` (``id IN (SELECT run_id ...)``:
the database starts from the facet index, good for counting and for few matches) and ``EXISTS``
(a per-run probe, good when walking a sort index and stopping after one page). ``listing`` picks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal as Lit

from django.db.models import Exists, OuterRef, Q, QuerySet
from runicorn import layout

from . import qlang
from .facets import BEST_METRIC_KEYS
from .models import Facet

Style = Lit["in", "exists"]
K = Facet.Kind
# The largest code point: every string that starts with ``w`` sorts below ``w + _TOP`` byte-wise.
_TOP = "\U0010ffff"


class CompileError(ValueError):
    """A query that parses but cannot be answered (unknown field, wrong value type)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Column:
    column: str
    type: Lit["text", "number", "time", "bool", "status"]


COLUMNS: dict[str, Column] = {
    "id": Column("run_id", "text"),
    "run_id": Column("run_id", "text"),
    "project": Column("project", "text"),
    "name": Column("name", "text"),
    "status": Column("status", "status"),
    "description": Column("description", "text"),
    "hostname": Column("hostname", "text"),
    "exit_reason": Column("exit_reason", "text"),
    "best_metric_name": Column("best_metric_name", "text"),
    "best_metric_mode": Column("best_metric_mode", "text"),
    "best_metric_value": Column("best_metric_value", "number"),
    "best_metric_step": Column("best_metric_step", "number"),
    "created_at": Column("created_at", "time"),
    # The newest modification time of the run's files when the index last read it.
    "updated_at": Column("last_write", "time"),
    "started_at": Column("started_at", "time"),
    "ended_at": Column("ended_at", "time"),
    "deleted_at": Column("deleted_at", "time"),
    "deleted": Column("deleted", "bool"),
    "imported_from": Column("imported_from", "text"),  # tensorboard, mlflow, ... (runicorn import)
}
# Django rounds a float towards zero for an integer column; _integer_compare keeps the meaning.
INTEGER_COLUMNS = frozenset({"best_metric_step"})
_FACET_ROOTS = {"summary": (K.SUMMARY, K.SUMMARY_ITEM), "config": (K.CONFIG, K.CONFIG_ITEM)}
FIELD_NAMES = sorted([*COLUMNS, "tags", "summary.<key>", "config.<key>"])


def _integer_compare(col: str, op: str, value: float) -> Q:
    """``col op value`` for an integer column and a fractional ``value``."""
    low, high = math.floor(value), math.ceil(value)
    if op == "=":
        return Q(pk__in=[])
    if op == "!=":
        return Q(**{f"{col}__isnull": False})
    if op in ("<", "<="):
        return Q(**{f"{col}__lte": low})
    return Q(**{f"{col}__gte": high})


def _type_name(value: qlang.Literal) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, float) else "a string"


def parse_time(value: qlang.Literal, position: int, what: str) -> float:
    """A Unix timestamp from a number or an ISO 8601 date/time string (UTC unless it says)."""
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    raise CompileError(
        f"{what} compares with a Unix timestamp or an ISO 8601 date such as \"2025-01-31\", not {value!r}", position
    )


def uses_facets(node: qlang.Node) -> bool:
    """Whether answering ``node`` involves facet rows (tags, summary.*, config.*)."""
    if isinstance(node, (qlang.And, qlang.Or)):
        return any(uses_facets(n) for n in node.operands)
    if isinstance(node, qlang.Not):
        return uses_facets(node.operand)
    path = node.field.path
    if path[0] == "tags":
        return True
    if path[0] == "summary":
        return not (len(path) == 2 and path[1] in BEST_METRIC_KEYS)
    return path[0] == "config"


@dataclass(frozen=True)
class FacetPred:
    """A condition on one run's facet rows: "has a row of one of ``kinds`` matching ``cond``"."""

    kinds: tuple[int, ...]
    cond: Q

    def q(self) -> Q:
        kind_q = Q(kind=self.kinds[0]) if len(self.kinds) == 1 else Q(kind__in=self.kinds)
        return kind_q & self.cond


class Compiler:
    def __init__(self, style: Style, vendor: str) -> None:
        self.style = style
        self.vendor = vendor

    # ------------------------------------------------------------------ facet building blocks

    def facet(self, kinds: tuple[int, ...], condition: Q) -> Q:
        return self.runs_with(FacetPred(kinds, condition))

    def runs_with(self, pred: FacetPred) -> Q:
        """The runs that have a facet row matching ``pred``, as a condition on Run."""
        if self.style == "in":
            return Q(pk__in=Facet.objects.filter(pred.q()).values("run_id"))
        return Q(Exists(Facet.objects.filter(pred.q(), run_id=OuterRef("pk"))))

    def runs_with_all(self, preds: list[FacetPred], live_only: bool) -> Q:
        """Runs matching every one of ``preds`` (the first one drives: put the rarest first)."""
        if self.style == "exists":
            result = Q()
            for pred in preds:
                result &= self.runs_with(pred)
            return result
        return Q(pk__in=all_facets_queryset(preds, live_only).values("run_id"))

    def word_pred(self, word: str) -> FacetPred:
        """Runs with a search word that starts with ``word`` (already case-folded)."""
        if self.vendor == "sqlite":
            # SQLite's LIKE ignores case and so cannot use a binary index: a byte range can.
            return FacetPred((K.WORD,), Q(key__gte=word, key__lt=word + _TOP))
        return FacetPred((K.WORD,), Q(key__startswith=word))  # LIKE 'w%', served by the pattern-ops index

    def tag_pred(self, tag: str) -> FacetPred:
        return FacetPred((K.TAG,), Q(key=tag))

    def pure(self, node: qlang.Node) -> FacetPred | None:
        """``node`` as one facet condition, when it is one (``tags contains``, ``summary.x > 1`` ...)."""
        if not isinstance(node, (qlang.Compare, qlang.In, qlang.Contains, qlang.Exists)):
            return None
        path = node.field.path
        if path[0] == "tags" and len(path) == 1:
            if isinstance(node, qlang.Contains) and isinstance(node.value, str):
                return self.tag_pred(node.value)
            if isinstance(node, qlang.Exists):
                return FacetPred((K.TAG,), Q())
            if isinstance(node, qlang.In) and all(isinstance(v, str) for v in node.values):
                return FacetPred((K.TAG,), Q(key__in=list(node.values)))
            return None
        if path[0] not in _FACET_ROOTS or len(path) < 2:
            return None
        if path[0] == "summary" and len(path) == 2 and path[1] in BEST_METRIC_KEYS:
            return None
        if isinstance(node, qlang.Contains) and isinstance(node.value, str):
            return None  # a string value containing it OR a list holding it: two kinds of rows
        return self._json_pred(node, path[0], ".".join(path[1:]))


    # ------------------------------------------------------------------ tree

    def compile(self, node: qlang.Node) -> Q:
        if isinstance(node, qlang.And):
            result = Q()
            for operand in node.operands:
                result &= self.compile(operand)
            return result
        if isinstance(node, qlang.Or):
            result = self.compile(node.operands[0])
            for operand in node.operands[1:]:
                result |= self.compile(operand)
            return result
        if isinstance(node, qlang.Not):
            return ~self.compile(node.operand)
        field = node.field
        root = field.path[0]
        if root in _FACET_ROOTS:
            rest = field.path[1:]
            if not rest:
                raise CompileError(f"{root} needs a key, e.g. {root}.accuracy", field.position)
            if root == "summary" and len(rest) == 1 and rest[0] in BEST_METRIC_KEYS:
                return self._column(node, COLUMNS[rest[0]])
            return self._json(node, root, ".".join(rest))
        if len(field.path) > 1:
            raise CompileError(
                f"{field.dotted!r}: only summary and config have keys; fields are {', '.join(FIELD_NAMES)}",
                field.position,
            )
        if root == "tags":
            return self._tags(node)
        spec = COLUMNS.get(root)
        if spec is None:
            raise CompileError(f"unknown field {root!r}; fields are {', '.join(FIELD_NAMES)}", field.position)
        return self._column(node, spec)

    # ------------------------------------------------------------------ summary.* / config.*

    def _json(self, node: qlang.Node, root: str, key: str) -> Q:
        scalar_kind, item_kind = _FACET_ROOTS[root]
        if isinstance(node, qlang.Contains) and isinstance(node.value, str):
            # A string value containing the text, or a list holding exactly this string.
            return self.facet((scalar_kind,), Q(key=key, text__isnull=False, text__icontains=node.value)) | (
                self.facet((item_kind,), Q(key=key, text=node.value))
            )
        return self.runs_with(self._json_pred(node, root, key))

    def _json_pred(self, node: qlang.Node, root: str, key: str) -> FacetPred:
        scalar_kind, item_kind = _FACET_ROOTS[root]
        if isinstance(node, qlang.Exists):
            return FacetPred((scalar_kind, item_kind), Q(key=key))
        if isinstance(node, qlang.Contains):
            return FacetPred((item_kind,), Q(key=key) & self._equal(node.value))
        if isinstance(node, qlang.In):
            either = Q()
            for value in node.values:
                either |= self._equal(value)
            return FacetPred((scalar_kind,), Q(key=key) & either)
        assert isinstance(node, qlang.Compare)
        return FacetPred((scalar_kind,), Q(key=key) & self._compare_value(node, f"{root}.{key}"))

    @staticmethod
    def _equal(value: qlang.Literal) -> Q:
        if isinstance(value, bool):
            return Q(flag=value)
        if isinstance(value, float):
            return Q(num=value)
        return Q(text=value)

    @staticmethod
    def _compare_value(node: qlang.Compare, what: str) -> Q:
        value, op = node.value, node.op
        if isinstance(value, float):
            return {
                "=": Q(num=value),
                "!=": Q(num__lt=value) | Q(num__gt=value),
                "<": Q(num__lt=value),
                "<=": Q(num__lte=value),
                ">": Q(num__gt=value),
                ">=": Q(num__gte=value),
            }[op]
        if op not in ("=", "!="):
            raise CompileError(f"{what} {op} {value!r}: '{op}' compares numbers; use = or != with {_type_name(value)}",
                               node.position)
        if isinstance(value, bool):
            return Q(flag=value if op == "=" else not value)
        return Q(text=value) if op == "=" else Q(text__isnull=False) & ~Q(text=value)

    # ------------------------------------------------------------------ tags

    def _tags(self, node: qlang.Node) -> Q:
        pred = self.pure(node)
        if pred is not None:
            return self.runs_with(pred)
        position = getattr(node, "position", 0)
        raise CompileError('tags holds a list of strings: use tags contains "x", tags in ("x", "y") or tags exists',
                           position)

    # ------------------------------------------------------------------ columns

    def _column(self, node: qlang.Node, spec: Column) -> Q:
        name, col = node.field.dotted, spec.column  # type: ignore[union-attr]
        position = getattr(node, "position", 0)
        if isinstance(node, qlang.Exists):
            return Q(**{f"{col}__isnull": False})
        if isinstance(node, qlang.Contains):
            if spec.type != "text" or not isinstance(node.value, str):
                raise CompileError(f"'contains' needs a text field and a string; {name} is not text", position)
            return Q(**{f"{col}__icontains": node.value})
        values = node.values if isinstance(node, qlang.In) else (node.value,)  # type: ignore[union-attr]
        checked = [self._column_value(spec, name, v, position) for v in values]
        if isinstance(node, qlang.In):
            return Q(**{f"{col}__in": checked})
        assert isinstance(node, qlang.Compare)
        op, value = node.op, checked[0]
        if op in ("<", "<=", ">", ">=") and spec.type not in ("number", "time"):
            raise CompileError(f"{name} {op} ...: '{op}' compares numbers and times; {name} is not one", position)
        if col in INTEGER_COLUMNS and isinstance(value, float) and not value.is_integer():
            return _integer_compare(col, op, value)
        lookup = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
        if op == "!=":
            if spec.type in ("number", "time"):
                return Q(**{f"{col}__lt": value}) | Q(**{f"{col}__gt": value})
            return Q(**{f"{col}__isnull": False}) & ~Q(**{col: value})
        return Q(**{f"{col}__{lookup[op]}": value})

    @staticmethod
    def _column_value(spec: Column, name: str, value: qlang.Literal, position: int) -> object:
        if spec.type == "time":
            return parse_time(value, position, name)
        if spec.type == "number":
            if not isinstance(value, float):
                raise CompileError(f"{name} compares with numbers, not {_type_name(value)}", position)
            return int(value) if spec.column in INTEGER_COLUMNS and value.is_integer() else value
        if spec.type == "bool":
            if not isinstance(value, bool):
                raise CompileError(f"{name} compares with true or false", position)
            return value
        if not isinstance(value, str):
            raise CompileError(f"{name} compares with strings, not {_type_name(value)}", position)
        if spec.type == "status" and value not in layout.STATUSES:
            raise CompileError(f"unknown status {value!r}; statuses are {', '.join(layout.STATUSES)}", position)
        return value


def all_facets_queryset(preds: list[FacetPred], live_only: bool) -> QuerySet[Facet]:
    """Facet rows matching ``preds[0]`` of runs that also match every other pred: the
    intersection is found in the facet indexes before any run row is read."""
    first, rest = preds[0], preds[1:]
    qs = Facet.objects.filter(first.q())
    if live_only:
        # ``deleted IN (false)``: Django writes ``deleted=False`` as ``NOT deleted``, which SQLite
        # cannot use as an index column (and the num range after it in the index would be lost).
        qs = qs.filter(deleted__in=[False])
    for pred in rest:
        qs = qs.filter(Exists(Facet.objects.filter(pred.q(), run_id=OuterRef("run_id"))))
    return qs
