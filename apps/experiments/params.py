"""Validation of the ``GET /api/v2/experiments`` query string into one ``ListQuery``.

Every bad value is refused with a message that names the parameter and says what it accepts; the
view answers it with 400 ``{"detail": ...}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from runicorn import layout

from . import columns as custom_columns
from . import qlang
from .facets import MAX_WORD_LENGTH, split_words
from .qcompile import CompileError, parse_time

ORDER_BY = ("created_at", "updated_at", "best_metric_value", "status")
PER_PAGE_MAX = 1000
MAX_PAGE = 1_000_000
MAX_TAGS = 20
MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 500
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class InvalidParam(ValueError):
    """A query parameter that cannot be used; ``str(exc)`` is the API's ``detail``."""

    def __init__(self, param: str, message: str, position: int | None = None, expected: str | None = None) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.position = position
        self.expected = expected


@dataclass(frozen=True)
class ListQuery:
    project: str | None = None
    name: str | None = None
    statuses: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    search_words: tuple[str, ...] = ()
    created_after: float | None = None
    created_before: float | None = None
    best_metric_min: float | None = None
    best_metric_max: float | None = None
    include_deleted: bool = False
    q: str | None = None
    q_tree: qlang.Node | None = None
    page: int = 1
    per_page: int = 50
    order_by: str = "created_at"
    order_desc: bool = True
    # ``summary.<key>`` / ``config.<key>`` when the page is ordered by a custom column.
    order_column: custom_columns.ColumnRef | None = None
    # Custom columns whose values each experiment carries in ``columns``.
    columns: tuple[custom_columns.ColumnRef, ...] = ()

    def filter_key(self) -> tuple[object, ...]:
        """Everything that decides which runs match (not the page or the order): a cache key."""
        return (
            self.project, self.name, self.statuses, self.tags, self.search_words, self.created_after,
            self.created_before, self.best_metric_min, self.best_metric_max, self.include_deleted, self.q,
        )


def parse_text(params: Mapping[str, str], name: str, max_length: int = 1000) -> str | None:
    """The parameter ``name`` (None when absent or blank); refuses NUL and overlong values."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    if len(raw) > max_length:
        raise InvalidParam(name, f"longer than {max_length} characters")
    if "\x00" in raw:
        raise InvalidParam(name, "must not contain NUL characters")
    return raw


def _bool(params: Mapping[str, str], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidParam(name, f"{raw!r} is not a boolean; use true or false")


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise InvalidParam(name, f"{raw!r} is not an integer") from None
    if not low <= value <= high:
        raise InvalidParam(name, f"must be between {low} and {high}, got {value}")
    return value


def _number(params: Mapping[str, str], name: str) -> float | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise InvalidParam(name, f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InvalidParam(name, f"must be a finite number, got {raw!r}")
    return value


def _time(params: Mapping[str, str], name: str) -> float | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return _number(params, name)
    except InvalidParam:
        pass
    try:
        return parse_time(raw, 0, name)
    except CompileError:
        raise InvalidParam(
            name, f"{raw!r} is neither a Unix timestamp nor an ISO 8601 date such as 2025-01-31"
        ) from None


def _list(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = parse_text(params, name)
    if raw is None:
        return ()
    return tuple(dict.fromkeys(item.strip() for item in raw.split(",") if item.strip()))


def _order_column(order_by: str) -> custom_columns.ColumnRef | None:
    if order_by in ORDER_BY:
        return None
    try:
        column = custom_columns.parse(order_by)
    except custom_columns.InvalidColumn:
        column = None
    if column is None or column.root not in custom_columns.SORTABLE_ROOTS:
        choices = f"{', '.join(ORDER_BY)}, summary.<key> or config.<key>"
        raise InvalidParam("order_by", f"unknown sort field {order_by!r}; use one of {choices}")
    return column


def _columns(params: Mapping[str, str]) -> tuple[custom_columns.ColumnRef, ...]:
    names = _list(params, "columns")
    if len(names) > custom_columns.MAX_COLUMNS:
        raise InvalidParam("columns", f"at most {custom_columns.MAX_COLUMNS} columns")
    try:
        return tuple(custom_columns.parse(name) for name in names)
    except custom_columns.InvalidColumn as exc:
        raise InvalidParam("columns", str(exc)) from None


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    statuses = _list(params, "status")
    unknown = [s for s in statuses if s not in layout.STATUSES]
    if unknown:
        raise InvalidParam("status", f"unknown status {unknown[0]!r}; use a comma list of {', '.join(layout.STATUSES)}")
    tags = _list(params, "tags")
    if len(tags) > MAX_TAGS:
        raise InvalidParam("tags", f"at most {MAX_TAGS} tags")
    search = parse_text(params, "search", MAX_SEARCH_LENGTH)
    search_words = tuple(split_words(search)) if search else ()
    if len(search_words) > MAX_SEARCH_WORDS:
        raise InvalidParam("search", f"at most {MAX_SEARCH_WORDS} words")
    if any(len(w) > MAX_WORD_LENGTH for w in search_words):
        raise InvalidParam("search", f"words longer than {MAX_WORD_LENGTH} characters are not indexed")
    order_by = (params.get("order_by") or "created_at").strip()
    order_column = _order_column(order_by)
    columns = _columns(params)
    # The parser checks the length itself, answering with a position like any other error.
    q = parse_text(params, "q", max_length=1_000_000)
    q_tree = None
    if q is not None:
        try:
            q_tree = qlang.parse(q)
        except qlang.QuerySyntaxError as exc:
            raise InvalidParam("q", str(exc), exc.position, exc.expected) from None
    query = ListQuery(
        project=parse_text(params, "project", layout.MAX_SEGMENT_LENGTH),
        name=parse_text(params, "name", layout.MAX_SEGMENT_LENGTH),
        statuses=statuses,
        tags=tags,
        search_words=search_words,
        created_after=_time(params, "created_after"),
        created_before=_time(params, "created_before"),
        best_metric_min=_number(params, "best_metric_min"),
        best_metric_max=_number(params, "best_metric_max"),
        include_deleted=_bool(params, "include_deleted", False),
        q=q,
        q_tree=q_tree,
        page=_int(params, "page", 1, 1, MAX_PAGE),
        per_page=_int(params, "per_page", 50, 1, PER_PAGE_MAX),
        order_by=order_by,
        order_desc=_bool(params, "order_desc", True),
        order_column=order_column,
        columns=columns,
    )
    return query
