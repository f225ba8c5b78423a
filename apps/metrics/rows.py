"""Selected table rows → JSON-ready dicts, a key only where the row has a value.

Rows are built per "presence pattern" (which keys a row has): one ``dict(zip(keys, values))``
comprehension per pattern instead of a Python test per cell, which keeps a million-row response
at C speed for the usual run where most rows carry the same metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Field:
    """One key of the output rows: its values for the selected rows, and where they exist."""

    name: str
    values: np.ndarray  # already gathered for the selected rows; object, int64 or float64
    present: np.ndarray | None = None  # bool per row; None = every row has a value


def build_rows(fields: list[Field], n: int) -> list[dict[str, Any]]:
    if n == 0:
        return []
    partial = [i for i, f in enumerate(fields) if f.present is not None and not f.present.all()]
    if not partial:
        return _uniform(fields, None)
    always = [i for i in range(len(fields)) if i not in partial]
    bits = np.zeros(n, dtype=np.uint64) if len(partial) <= 64 else None
    if bits is not None:
        for b, i in enumerate(partial):
            bits |= fields[i].present.astype(np.uint64) << np.uint64(b)  # type: ignore[union-attr]
        patterns, inverse = np.unique(bits, return_inverse=True)
    else:
        matrix = np.packbits(np.stack([fields[i].present for i in partial], axis=1), axis=1)  # type: ignore[misc]
        patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
        inverse = inverse.ravel()
    if len(patterns) > max(64, n // 16):
        return _row_by_row(fields, n)
    out = np.empty(n, dtype=object)
    order = np.argsort(inverse, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(inverse, minlength=len(patterns)))]
    for p in range(len(patterns)):
        rows = order[bounds[p] : bounds[p + 1]]
        first = rows[0]
        which = sorted(always + [i for i in partial if fields[i].present[first]])  # type: ignore[index]
        chunk = _uniform([fields[i] for i in which], rows)
        holder = np.empty(len(chunk), dtype=object)
        holder[:] = chunk
        out[rows] = holder
    return out.tolist()  # type: ignore[no-any-return]


def _uniform(fields: list[Field], rows: np.ndarray | None) -> list[dict[str, Any]]:
    keys = [f.name for f in fields]
    columns = [(f.values if rows is None else f.values[rows]).tolist() for f in fields]
    # zip() without strict: every column has one value per row by construction, and this is the
    # innermost loop of a large answer.
    return [dict(zip(keys, values)) for values in zip(*columns)]  # noqa: B905


def _row_by_row(fields: list[Field], n: int) -> list[dict[str, Any]]:
    # Many distinct patterns (many sparse keys): one test per cell is then the cheaper way.
    columns = [(f.name, f.values.tolist(), None if f.present is None else f.present.tolist()) for f in fields]
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, values, present in columns:
        if present is None:
            for row, value in zip(out, values, strict=True):
                row[name] = value
        else:
            for row, value, ok in zip(out, values, present, strict=True):
                if ok:
                    row[name] = value
    return out
