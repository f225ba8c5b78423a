"""``events.jsonl`` bytes → columns (one :class:`EventBatch` per block of complete lines).

Two parsers give the same result: pyarrow's JSON reader (C++, several threads, columns straight
into Arrow) for large blocks, and orjson line by line for small tails and for any block pyarrow
refuses (a broken line, a key that is a number in one line and a string in the next, ...).
``tests/benchmarks/bench_metrics.py`` measures both; pyarrow wins on large files by about 2x, orjson
on a few thousand appended lines.

What counts as a metric row follows the reference reader: an event ``{"type": "metrics", "data":
{...}}`` whose ``data`` has an integer-like ``global_step`` (or ``step``); numbers become float
columns, strings (``stage`` and any other) string columns, ``null`` is no value (a key only ever
null is no column);
``global_step`` and ``step`` are not columns of their own. ``epoch`` is one (the reference dropped
it, so a logged epoch had no chart and could not be an x axis; issue #19). Anything else is
skipped and counted, never an error.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

try:  # pyarrow is a server dependency; the orjson path alone is still complete without it.
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pa_json
except ImportError:  # pragma: no cover - exercised only where pyarrow is missing
    pa = None

NOT_COLUMNS = frozenset({"global_step", "step"})
KNOWN_TYPES = frozenset({"metrics", "image", "text", "log", "media", "artifact"})
# Below this many bytes the per-call set-up of pyarrow costs more than orjson's loop.
ARROW_MIN_BYTES = 1 << 20
# A first line with more keys than this is a "wide" run (thousands of metrics a step): pyarrow's
# JSON reader builds a struct of that many fields per block (measured: 1.8 s for 16 lines of 10,000
# keys), while the line parser takes their values as one 2-D array (``_uniform_numeric``).
WIDE_KEYS = 512


@dataclass
class EventBatch:
    """Metric events of one block, in file order. NaN marks a value an event did not carry."""

    step: np.ndarray  # int64
    ts: np.ndarray  # float64: event time (``ts``, else ``data.time``), NaN when neither
    numeric: dict[str, np.ndarray] = field(default_factory=dict)  # float64 each
    int_columns: set[str] = field(default_factory=set)  # numeric columns that held only integers
    strings: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)  # int32 codes (-1 absent), values
    first_ts: float = math.inf  # earliest ``ts`` of any event, metric or not
    skipped: int = 0  # broken lines, unknown event types, metric events without a step
    schema: Any = None  # the Arrow schema this block was read with, a hint for the next block

    @property
    def size(self) -> int:
        return int(self.step.shape[0])


def parse_block(block: bytes, use_arrow: bool | None = None, schema: Any = None) -> EventBatch:
    """Parse complete lines (``block`` ends with a newline or is empty).

    ``schema``: the previous block's Arrow schema. Reading with it skips Arrow's type inference
    (about a quarter of its time); a block that does not fit it is read again with inference.
    """
    if use_arrow is None:
        use_arrow = len(block) >= ARROW_MIN_BYTES and not _is_wide(block)
    if use_arrow and pa is not None:
        for hint in (schema, None) if schema is not None else (None,):
            try:
                return _parse_arrow(block, hint)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, _Unsupported):
                continue  # without the hint; then the tolerant line-by-line parser
    return _parse_lines(block)


def _is_wide(block: bytes) -> bool:
    end = block.find(b"\n")
    return block.count(b",", 0, end if end >= 0 else len(block)) > WIDE_KEYS


class _Unsupported(Exception):
    """The Arrow result has a shape the fast path does not handle; use the line parser."""


# ---------------------------------------------------------------------------- orjson, line by line


def _loads(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        # Python's json.dumps writes NaN/Infinity literals, which orjson refuses.
        return json.loads(line)


def _parse_lines(block: bytes) -> EventBatch:
    steps: list[int] = []
    tss: list[float] = []
    datas: list[dict[str, Any]] = []
    first_ts = math.inf
    skipped = 0
    for line in block.split(b"\n"):
        if not line or line.isspace():
            continue
        try:
            event = _loads(line)
        except (ValueError, UnicodeDecodeError):
            skipped += 1
            continue
        if type(event) is not dict:
            skipped += 1
            continue
        ts = event.get("ts")
        if type(ts) is not float and not _is_number(ts):
            ts = None
        elif ts < first_ts:
            first_ts = ts
        kind = event.get("type")
        if kind != "metrics":
            if kind not in KNOWN_TYPES:
                skipped += 1
            continue
        data = event.get("data")
        if type(data) is not dict:
            skipped += 1
            continue
        step = data.get("global_step")
        if type(step) is not int:
            step = _step_of(data)
            if step is None:
                skipped += 1
                continue
        steps.append(step)
        if ts is None:
            t = data.get("time")
            ts = t if _is_number(t) else math.nan
        tss.append(ts)
        datas.append(data)
    batch = EventBatch(np.array(steps, dtype=np.int64), np.array(tss, dtype=np.float64), first_ts=first_ts)
    batch.skipped = skipped
    if len(datas) > 1 and len(datas[0]) > WIDE_KEYS and _uniform_numeric(batch, datas):
        return batch
    keys: set[str] = set()
    for data in datas:
        keys.update(data)
    for key in keys - NOT_COLUMNS:
        _add_python_column(batch, key, [data.get(key) for data in datas])
    return batch


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _step_of(data: dict[str, Any]) -> int | None:
    for key in ("global_step", "step"):
        value = data.get(key)
        if value is None or isinstance(value, bool):
            continue
        try:
            return int(value)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _uniform_numeric(batch: EventBatch, datas: list[dict[str, Any]]) -> bool:
    """Every event has the same keys in the same order and every value besides the step keys is
    a number, none an int in the first event: then the values become one 2-D array and each
    column a row of its transpose, instead of one Python pass per key (10,000 keys × a few rows
    per block). False (nothing added) otherwise."""
    keys = tuple(datas[0])
    if any(tuple(data) != keys for data in datas):
        return False
    kept = [i for i, key in enumerate(keys) if key not in NOT_COLUMNS]
    rows = [list(data.values()) for data in datas]
    if len(kept) != len(keys):
        rows = [[row[i] for i in kept] for row in rows]
    # A column is an integer column only if its first value is an int; with none in the first
    # row, a float64 array (no None, str or nested values) is exactly what the per-key path makes
    # (bools count as 1.0/0.0 there too).
    if int in set(map(type, rows[0])):
        return False
    try:
        values = np.array(rows)
    except ValueError:  # ragged: a list or object among the values
        return False
    if values.dtype != np.float64:
        return False
    values[~np.isfinite(values)] = np.nan
    columns = np.ascontiguousarray(values.T)  # one row per key: each column contiguous
    for j, i in enumerate(kept):
        batch.numeric[keys[i]] = columns[j]
    return True


_NUMERIC_TYPES = frozenset({int, float, type(None)})
_STRING_TYPES = frozenset({str, type(None)})


def _add_python_column(batch: EventBatch, key: str, values: list[Any]) -> None:
    """One key's values (None where an event did not log it) → a numeric and/or string column."""
    kinds = set(map(type, values))
    if kinds <= _NUMERIC_TYPES and (int in kinds or float in kinds):
        try:
            column = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
        except OverflowError:  # an integer beyond float range: take the careful path
            pass
        else:
            column[~np.isfinite(column)] = np.nan  # NaN/Infinity cannot be sent as JSON numbers
            batch.numeric[key] = column
            if float not in kinds:
                batch.int_columns.add(key)
            return
    if kinds <= _STRING_TYPES:
        if str in kinds:
            batch.strings[key] = _encode([v if type(v) is str else None for v in values])
        return
    # Mixed kinds in one key (rare): numbers to the numeric column, strings to the string one.
    numbers = [float(v) if isinstance(v, (int, float)) and abs(v) < 1e308 else None for v in values]
    if any(v is not None for v in numbers):
        column = np.array([math.nan if v is None else v for v in numbers], dtype=np.float64)
        column[~np.isfinite(column)] = np.nan
        batch.numeric[key] = column
    if str in kinds:
        batch.strings[key] = _encode([v if type(v) is str else None for v in values])


def _encode(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    categories: dict[str | None, int] = {None: -1}
    codes = np.array([categories.setdefault(v, len(categories) - 1) for v in values], dtype=np.int32)
    del categories[None]
    return codes, list(categories)


# ---------------------------------------------------------------------------- pyarrow, whole block


def _parse_arrow(block: bytes, schema: Any) -> EventBatch:
    options = None
    if schema is not None:
        options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    read = pa_json.ReadOptions(block_size=1 << 20)
    table = pa_json.read_json(pa.BufferReader(block), read_options=read, parse_options=options)
    names = table.schema.names
    ts_all = _float_column(table.column("ts")) if "ts" in names else None
    first_ts = math.inf
    if ts_all is not None and ts_all.size and not np.isnan(ts_all).all():
        first_ts = float(np.nanmin(ts_all))
    if "type" not in names or not pa.types.is_string(table.schema.field("type").type):
        if "type" in names and not pa.types.is_null(table.schema.field("type").type):
            raise _Unsupported
        return EventBatch(np.empty(0, np.int64), np.empty(0), first_ts=first_ts, skipped=table.num_rows)
    kinds = table.column("type")
    is_metrics = pc.fill_null(pc.equal(kinds, "metrics"), False)
    known = pc.fill_null(pc.is_in(kinds, value_set=pa.array(sorted(KNOWN_TYPES))), False)
    skipped = table.num_rows - pc.sum(known).as_py() if table.num_rows else 0
    n_metrics = pc.sum(is_metrics).as_py() or 0
    if n_metrics == 0 or "data" not in names:
        return EventBatch(np.empty(0, np.int64), np.empty(0), first_ts=first_ts, skipped=skipped + n_metrics)
    data_type = table.schema.field("data").type
    if not pa.types.is_struct(data_type):
        raise _Unsupported
    mask = np.asarray(is_metrics.to_numpy(zero_copy_only=False), dtype=bool)
    data = table.column("data").filter(is_metrics).combine_chunks()
    fields = {data_type.field(i).name: data.field(i) for i in range(data_type.num_fields)}
    step = _step_column(fields, n_metrics)
    keep = ~np.isnan(step)
    skipped += int((~keep).sum())
    ts = ts_all[mask] if ts_all is not None else np.full(int(mask.sum()), np.nan)
    if "time" in fields and _is_arrow_number(fields["time"].type):
        ts = np.where(np.isnan(ts), _float_column(fields["time"]), ts)
    batch = EventBatch(step[keep].astype(np.int64), ts[keep], first_ts=first_ts, skipped=skipped, schema=table.schema)
    for name, column in fields.items():
        if name in NOT_COLUMNS:
            continue
        _add_arrow_column(batch, name, column, keep)
    return batch


def _float_column(column: Any) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_null(kind):
        return np.full(len(column), np.nan)
    if not (_is_arrow_number(kind) or pa.types.is_boolean(kind)):
        raise _Unsupported
    return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _is_arrow_number(kind: Any) -> bool:
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def _step_column(fields: dict[str, Any], n: int) -> np.ndarray:
    """``global_step`` where present, else ``step``; NaN where neither is a number."""
    step: np.ndarray | None = None
    for key in ("global_step", "step"):
        if key not in fields:
            continue
        kind = fields[key].type
        if pa.types.is_boolean(kind):
            continue
        values = _float_column(fields[key])  # a string step raises _Unsupported → line parser
        values = np.trunc(values)  # int(3.7) == 3, as the reference reads it
        step = values if step is None else np.where(np.isnan(step), values, step)
    return np.full(n, np.nan) if step is None else step


def _add_arrow_column(batch: EventBatch, name: str, column: Any, keep: np.ndarray) -> None:
    kind = column.type
    if pa.types.is_null(kind):
        return
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = column.dictionary_encode()
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int32)[keep]
        if (codes >= 0).any():
            batch.strings[name] = (codes, encoded.dictionary.to_pylist())
        return
    if not (_is_arrow_number(kind) or pa.types.is_boolean(kind)):
        return  # nested objects and lists are not metric values (the reference skips them too)
    # Null is a key this event did not log (or logged as null); NaN is a number that was logged.
    logged = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)[keep]
    if not logged.any():
        return
    values = _float_column(column)[keep]
    values[~np.isfinite(values)] = np.nan
    batch.numeric[name] = values
    if pa.types.is_integer(kind):
        batch.int_columns.add(name)
