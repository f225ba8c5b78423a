"""One run's metrics as columns: one row per ``global_step``, sorted by step.

Events are folded in as they are parsed. Several events at one step merge into one row, the later
value of a key winning, as in the reference. Appends cost only the appended rows: the columns grow
in place (amortised doubling), and only rows at or after the smallest new step are re-merged, so
the common "loss at step s, then val_acc at the same step s" pattern touches one row.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .lttb import block_extremes
from .parsing import EventBatch


@dataclass
class StringColumn:
    codes: np.ndarray  # int32, -1 where the row has no value
    values: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def encode(self, codes: np.ndarray, values: list[str]) -> np.ndarray:
        """Batch-local codes → this column's codes, adding new strings."""
        mapping = np.array([self._code(v) for v in values] + [-1], dtype=np.int32)
        return mapping[codes]  # code -1 picks the appended -1

    def _code(self, value: str) -> int:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code


class MetricTable:
    """Growable columns of merged rows. Not thread-safe: callers hold the run's lock."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.capacity = max(16, capacity)
        self.step = np.empty(self.capacity, dtype=np.int64)
        self.ts = np.empty(self.capacity, dtype=np.float64)
        self.numeric: dict[str, np.ndarray] = {}
        self.int_columns: set[str] = set()  # numeric columns that only ever held integers
        self.gappy: set[str] = set()  # numeric columns with a missing value somewhere (sticky)
        # (column, block size) -> argmin/argmax of complete blocks from row 1, for LTTB's pre-pass;
        # a write at row r drops the blocks from r on.
        self._blocks: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self.strings: dict[str, StringColumn] = {}
        self.first_ts = math.inf
        self.skipped = 0
        self.version = 0
        # (version, first row index changed by that update), so a follower that saw version v
        # can send exactly the rows changed since.
        self.changes: deque[tuple[int, int]] = deque(maxlen=256)

    @classmethod
    def from_columns(
        cls,
        step: np.ndarray,
        ts: np.ndarray,
        numeric: dict[str, np.ndarray],
        strings: dict[str, tuple[np.ndarray, list[str]]],
        int_columns: set[str],
        gappy: set[str],
        first_ts: float,
        skipped: int,
    ) -> MetricTable:
        """A table over existing columns of equal length (read-only ones, such as memory-mapped
        store columns, are copied only when rows are added)."""
        table = cls(capacity=16)
        table.n = table.capacity = int(step.shape[0])
        table.step, table.ts, table.numeric = step, ts, dict(numeric)
        table.strings = {
            name: StringColumn(codes, list(values), {v: i for i, v in enumerate(values)})
            for name, (codes, values) in strings.items()
        }
        table.int_columns, table.gappy = set(int_columns), set(gappy)
        table.first_ts, table.skipped = first_ts, skipped
        return table

    def snapshot(self) -> MetricTable:
        """The table as it is now, sharing its columns: they become read-only, so the snapshot
        never changes and the next ``add`` here copies them first."""
        self.freeze()
        n = self.n
        return MetricTable.from_columns(
            self.step[:n],
            self.ts[:n],
            {name: col[:n] for name, col in self.numeric.items()},
            {name: (col.codes[:n], col.values) for name, col in self.strings.items()},
            self.int_columns,
            self.gappy,
            self.first_ts,
            self.skipped,
        )

    # ------------------------------------------------------------------ reading

    @property
    def columns(self) -> list[str]:
        """``global_step`` first, then every other key sorted (the reference's order). Kept until
        a key is added: a run of 10,000 metrics would sort them on every request otherwise."""
        known = (len(self.numeric), len(self.strings))
        cached = self.__dict__.get("_columns")
        if cached is None or cached[0] != known:
            names = set(self.numeric) | set(self.strings)
            cached = self.__dict__["_columns"] = (known, ["global_step", *sorted(names)])
        return cached[1]

    @property
    def last_step(self) -> int | None:
        return int(self.step[self.n - 1]) if self.n else None

    @property
    def nbytes(self) -> int:
        per_row = 16 + 8 * len(self.numeric) + 4 * len(self.strings)
        text = sum(sum(len(v) + 50 for v in col.values) for col in self.strings.values())
        return self.capacity * per_row + text

    def block_extremes(self, name: str, size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Argmin/argmax of the first ``count`` blocks of ``size`` rows from row 1 (dense columns)."""
        key = (name, size)
        lows, highs = self._blocks.get(key, (np.empty(0, np.int64), np.empty(0, np.int64)))
        known = lows.shape[0]
        if known < count:
            more = block_extremes(self.numeric[name], size, known, count - known)
            lows, highs = np.concatenate([lows, more[0]]), np.concatenate([highs, more[1]])
            if len(self._blocks) >= 16 and key not in self._blocks:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[key] = (lows, highs)
        return lows[:count], highs[:count]

    def rows_changed_since(self, version: int) -> int | None:
        """First row index changed after ``version``; None when the log no longer reaches back."""
        if version >= self.version:
            return self.n
        if version < 0 or not self.changes or self.changes[0][0] > version + 1:
            return None
        return min((first for v, first in self.changes if v > version), default=self.n)

    # ------------------------------------------------------------------ writing

    def add(self, batch: EventBatch) -> None:
        """Fold the events of ``batch`` (which came after everything already added) into rows."""
        if not self.step.flags.writeable:
            self._own()
        self.first_ts = min(self.first_ts, batch.first_ts)
        self.skipped += batch.skipped
        if batch.size == 0:
            self.version += 1  # skipped lines count as a change (no row moved)
            self.changes.append((self.version, self.n))
            return
        for name in batch.numeric:
            if name not in self.numeric:
                self.numeric[name] = np.full(self.capacity, np.nan)
                if self.n:
                    self.gappy.add(name)  # the rows before it have no value
                if name in batch.int_columns:
                    self.int_columns.add(name)
        self.int_columns -= set(batch.numeric) - batch.int_columns
        codes = {}
        for name, (local, values) in batch.strings.items():
            column = self.strings.get(name)
            if column is None:
                column = self.strings[name] = StringColumn(np.full(self.capacity, -1, dtype=np.int32))
            codes[name] = column.encode(local, values)

        first_new = int(batch.step.min())
        start = int(np.searchsorted(self.step[: self.n], first_new, side="left"))
        if start == self.n and _strictly_increasing(batch.step):
            self._write(start, batch.step, batch.ts, batch.numeric, codes)
        else:
            self._merge_tail(start, batch, codes)
        self.version += 1
        self.changes.append((self.version, start))

    def _merge_tail(self, start: int, batch: EventBatch, codes: dict[str, np.ndarray]) -> None:
        # Rows [start:n] are the only ones an event of this batch can touch: re-merge them with it,
        # the table's rows first (they are older), then the batch's events in file order.
        def joined(old: np.ndarray, new: np.ndarray | None, fill: float | int) -> np.ndarray:
            if new is None:
                new = np.full(batch.size, fill, dtype=old.dtype)
            return np.concatenate([old[start : self.n], new])

        step = joined(self.step, batch.step, 0)
        order = np.argsort(step, kind="stable")
        step = step[order]
        last_of_group = np.r_[step[1:] != step[:-1], True]
        group = np.cumsum(np.r_[True, step[1:] != step[:-1]]) - 1
        n_groups = int(group[-1]) + 1 if group.size else 0

        def merged(values: np.ndarray, missing: np.ndarray, fill: float | int) -> np.ndarray:
            values, missing = values[order], missing[order]
            out = np.full(n_groups, fill, dtype=values.dtype)
            present = np.flatnonzero(~missing)
            g = group[present]
            last = np.r_[g[1:] != g[:-1], True] if g.size else g.astype(bool)
            out[g[last]] = values[present[last]]
            return out

        ts_all = joined(self.ts, batch.ts, np.nan)
        new_ts = merged(ts_all, np.isnan(ts_all), np.nan)
        numeric = {}
        for name, column in self.numeric.items():
            values = joined(column, batch.numeric.get(name), np.nan)
            numeric[name] = merged(values, np.isnan(values), np.nan)
        string_codes = {}
        for name, column in self.strings.items():
            values = joined(column.codes, codes.get(name), -1)
            string_codes[name] = merged(values, values < 0, -1)
        self.n = start
        self._write(start, step[last_of_group], new_ts, numeric, string_codes)

    def _write(
        self,
        at: int,
        step: np.ndarray,
        ts: np.ndarray,
        numeric: dict[str, np.ndarray],
        codes: dict[str, np.ndarray],
    ) -> None:
        end = at + step.shape[0]
        for (name, size), (lows, highs) in list(self._blocks.items()):
            keep = max(0, (at - 1) // size)  # blocks wholly before row `at`
            if keep < lows.shape[0]:
                self._blocks[(name, size)] = (lows[:keep], highs[:keep])
        self._reserve(end)
        self.step[at:end] = step
        self.ts[at:end] = ts
        for name, column in self.numeric.items():
            values = numeric.get(name)
            if values is None:
                column[at:end] = np.nan
                self.gappy.add(name)
            else:
                column[at:end] = values
                if name not in self.gappy and np.isnan(values).any():
                    self.gappy.add(name)
        for name, column in self.strings.items():
            values = codes.get(name)
            column.codes[at:end] = -1 if values is None else values
        self.n = end

    def freeze(self) -> None:
        """Make the columns read-only: a snapshot of them (the store's writer) stays as it is,
        and the next ``add`` works on copies (``_own``)."""
        for column in [self.step, self.ts, *self.numeric.values(), *(c.codes for c in self.strings.values())]:
            column.flags.writeable = False

    def _own(self) -> None:
        # Columns read-only (memory-mapped from the store, or frozen for a snapshot): copy them
        # into memory with room for the rows a followed run appends.
        self._resize(self.n + max(1024, self.n // 8))

    def _reserve(self, needed: int) -> None:
        if needed > self.capacity:
            self._resize(max(needed, int(self.capacity * 1.5) + 16))

    def _resize(self, capacity: int) -> None:
        def grown(old: np.ndarray, fill: float | int) -> np.ndarray:
            new = np.full(capacity, fill, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            return new

        self.step = grown(self.step, 0)
        self.ts = grown(self.ts, np.nan)
        self.numeric = {name: grown(col, np.nan) for name, col in self.numeric.items()}
        for column in self.strings.values():
            column.codes = grown(column.codes, -1)
        self.capacity = capacity

    def trim(self) -> None:
        """Give back unused capacity (after a full read whose row count is now known)."""
        if self.capacity - self.n > max(1024, self.n // 8):
            keep = max(self.n, 16)
            self.step = self.step[:keep].copy()
            self.ts = self.ts[:keep].copy()
            self.numeric = {name: col[:keep].copy() for name, col in self.numeric.items()}
            for column in self.strings.values():
                column.codes = column.codes[:keep].copy()
            self.capacity = keep


def _strictly_increasing(values: np.ndarray) -> bool:
    return bool(values.shape[0] < 2 or (values[1:] > values[:-1]).all())
