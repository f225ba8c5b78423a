"""The bodies of the metrics endpoints, built from a run's :class:`MetricTable`.

Downsampling keeps every metric's own shape: each numeric metric is reduced on the rows where it
has a value (a metric logged every 100 steps is not drowned by one logged every step), and a row
of the answer carries a metric only where that metric picked the row, so each metric has about
``downsample`` points. ``global_step``, ``time`` and string columns such as ``stage`` are context,
kept on every row that has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from .lttb import downsample_indices
from .rows import Field, build_rows
from .table import MetricTable

CONTEXT_NUMERIC = frozenset({"time"})  # numeric keys that are not plotted as metrics


@dataclass
class View:
    """Rows of the table in answer order and their x coordinate.

    ``rows`` holds table indices; ``None`` means rows ``start:stop`` in table order, read through
    slices (views) instead of gathers — no copy of a million-row column per request.
    """

    rows: np.ndarray | None
    x: np.ndarray
    time: np.ndarray | None = None  # relative time per row, for the time-based answer
    names: list[str] = field(default_factory=list)  # keys to answer besides global_step/time
    start: int = 0

    @property
    def size(self) -> int:
        return int(self.x.shape[0])

    def take(self, column: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """``column`` at the view's rows (all of them, or the given positions of the view)."""
        if self.rows is None:
            whole = column[self.start : self.start + self.size]
            return whole if positions is None else whole[positions]
        return column[self.rows] if positions is None else column[self.rows[positions]]


def step_view(table: MetricTable) -> View:
    # x stays int64: LTTB converts only the few candidates it looks at.
    return View(None, table.step[: table.n], names=table.columns[1:])


def time_view(table: MetricTable) -> View:
    """Rows ordered by time, ``time`` in seconds since the run's first event."""
    n = table.n
    ts = table.ts[:n]
    first = table.first_ts
    if n and not np.isnan(ts).all():
        first = min(first, float(np.nanmin(ts)))
    relative = ts - first if np.isfinite(first) else np.full(n, np.nan)
    names = [c for c in table.columns[1:] if c != "time"]
    if n > 1 and not (relative[1:] >= relative[:-1]).all():
        order = np.argsort(relative, kind="stable")  # NaN sorts last
        return View(order, relative[order], time=relative[order], names=names)
    return View(None, relative, time=relative, names=names)


def select(table: MetricTable, view: View, downsample: int | None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Positions in ``view`` to answer, and per metric the positions it keeps (when reduced)."""
    n = view.size
    if downsample is None or n <= downsample:
        return np.arange(n), {}
    metrics = [m for m in view.names if m in table.numeric and m not in CONTEXT_NUMERIC]
    integer_x = view.x.dtype.kind in "iu"
    finite_x = np.ones(n, dtype=bool) if integer_x else np.isfinite(view.x)
    all_finite = integer_x or bool(finite_x.all())
    kept: dict[str, np.ndarray] = {}
    for name in metrics:
        y = view.take(table.numeric[name])
        if all_finite and name not in table.gappy:  # dense: no pass over y to look for gaps
            # In table order from row 0, the table's remembered block extremes apply.
            remembered = view.rows is None and view.start == 0
            blocks = partial(table.block_extremes, name) if remembered else None
            kept[name] = downsample_indices(view.x, y, downsample, blocks)
            continue
        valid = ~np.isnan(y)
        if all_finite and valid.all():
            kept[name] = downsample_indices(view.x, y, downsample)
            continue
        positions = np.flatnonzero(valid & finite_x)
        if positions.size:
            kept[name] = positions[downsample_indices(view.x[positions], y[positions], downsample)]
    if kept:
        ends = np.array([0, n - 1])
        chosen = np.unique(np.concatenate([ends, *kept.values()]))
    else:  # nothing numeric to shape the choice: an even stride, ends included
        chosen = np.unique(np.r_[np.linspace(0, n - 1, downsample).astype(np.int64), n - 1])
    return chosen, kept


def _with_nulls(field: Field) -> Field:
    """Every row gets the key: ``None`` where it has no value (the reference's V1 rows)."""
    if field.present is None or field.present.all():
        return Field(field.name, field.values)
    values = field.values.astype(object)
    values[~field.present] = None
    return Field(field.name, values)


def answer_rows(
    table: MetricTable, view: View, chosen: np.ndarray, kept: dict[str, np.ndarray], leading: list[str],
    nulls: bool = False,
) -> list[dict[str, Any]]:
    """Rows for the positions ``chosen``; ``leading`` are the first keys (``global_step``/``time``).

    ``nulls``: every row carries every key, ``None`` where it has no value; otherwise a key only
    where the row has a value.
    """
    fields: list[Field] = []
    for name in leading:
        if name == "global_step":
            fields.append(Field("global_step", view.take(table.step, chosen)))
        elif name == "time" and view.time is not None:
            values = view.time[chosen]
            fields.append(Field("time", values, ~np.isnan(values)))
    for name in view.names:
        if name in table.numeric:
            values = view.take(table.numeric[name], chosen)
            present = ~np.isnan(values)
            if name in kept:
                present &= np.isin(chosen, kept[name], assume_unique=True)
            if name in table.int_columns:
                values = np.where(present, values, 0).astype(np.int64)
            fields.append(Field(name, values, present))
        if name in table.strings:
            column = table.strings[name]
            codes = view.take(column.codes, chosen)
            labels = np.array(column.values + [""], dtype=object)
            fields.append(Field(name, labels[codes], codes >= 0))  # code -1 picks the "" slot, masked
    if nulls:
        fields = [_with_nulls(f) for f in fields]
    return build_rows(fields, int(chosen.shape[0]))


def metrics_body(table: MetricTable, by: str, downsample: int | None) -> dict[str, Any]:
    """``metrics_step`` (``by="step"``) or ``metrics`` (``by="time"``): columns, rows, counts."""
    if by == "time":
        view = time_view(table)
        columns = ["time", "global_step", *view.names]
        leading = ["time", "global_step"]
    else:
        view = step_view(table)
        columns = table.columns
        leading = ["global_step"]
    chosen, kept = select(table, view, downsample)
    # Clients of the reference read row["val/acc"] on every row: a key with null, never a missing key.
    rows = answer_rows(table, view, chosen, kept, leading, nulls=True)
    total = view.size
    return {
        "columns": columns if total else [],
        "rows": rows,
        "total": total,
        "sampled": len(rows) if downsample else total,
    }


def fast_body(
    table: MetricTable, names: list[str] | None, low: int | None, high: int | None, downsample: int | None
) -> dict[str, Any]:
    """The V2 ``metrics/fast`` rows: a step range and a subset of metrics, optionally reduced."""
    steps = table.step[: table.n]
    start = 0 if low is None else int(np.searchsorted(steps, low, side="left"))
    stop = table.n if high is None else int(np.searchsorted(steps, high, side="right"))
    stop = max(start, stop)
    if names is None or any(n in table.numeric and n not in table.gappy for n in names):
        # Every row has a value of a dense metric: the rows are start:stop as they are, read
        # through slices, and from row 0 the LTTB pre-pass reuses the table's remembered block
        # extremes (a million-row metric: a few ms instead of ~50 ms of gathers).
        view = View(None, steps[start:stop], names=table.columns[1:] if names is None else names, start=start)
    else:
        # Only rows where at least one asked-for key has a value.
        has = np.zeros(stop - start, dtype=bool)
        for name in names:
            if name in table.numeric:
                has |= ~np.isnan(table.numeric[name][start:stop])
            if name in table.strings:
                has |= table.strings[name].codes[start:stop] >= 0
        rows = start + np.flatnonzero(has)
        view = View(rows, steps[rows], names=names)
    chosen, kept = select(table, view, downsample)
    return {
        "columns": ["global_step", *view.names],
        "rows": answer_rows(table, view, chosen, kept, ["global_step"]),
    }
