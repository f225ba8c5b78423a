"""``fast_body`` reads a dense metric through slices of the table: the same answer as picking its
rows one by one (the general path, still used for metrics with gaps)."""

from __future__ import annotations

import numpy as np
import pytest

from apps.metrics.parsing import EventBatch
from apps.metrics.payloads import View, answer_rows, fast_body, select
from apps.metrics.table import MetricTable

N = 20_000


def table() -> MetricTable:
    rng = np.random.default_rng(7)
    steps = np.arange(1, N + 1, dtype=np.int64)
    gappy = np.full(N, np.nan)
    gappy[::50] = rng.random(N // 50)
    batch = EventBatch(steps, steps * 0.1, numeric={"loss": rng.random(N), "val": gappy})
    t = MetricTable()
    t.add(batch)
    return t


def by_gathered_rows(t: MetricTable, names: list[str], low: int, high: int, downsample: int | None):  # type: ignore[no-untyped-def]
    steps = t.step[: t.n]
    start, stop = int(np.searchsorted(steps, low)), int(np.searchsorted(steps, high, side="right"))
    rows = np.arange(start, stop)  # every row has the dense metric
    view = View(rows, steps[rows], names=names)
    chosen, kept = select(t, view, downsample)
    return {"columns": ["global_step", *names], "rows": answer_rows(t, view, chosen, kept, ["global_step"])}


@pytest.mark.parametrize(
    ("names", "low", "high", "downsample"),
    [(["loss"], 1, N, 700), (["loss", "val"], 1, N, 300), (["loss"], 5_000, 12_345, 200), (["loss"], 10, 60, None)],
)
def test_a_dense_metric_is_answered_as_from_its_gathered_rows(names, low, high, downsample):
    t = table()

    assert fast_body(t, names, low, high, downsample) == by_gathered_rows(t, names, low, high, downsample)
    # Twice: the second answer reuses the table's remembered block extremes.
    assert fast_body(t, names, low, high, downsample) == by_gathered_rows(t, names, low, high, downsample)


def test_a_metric_with_gaps_only_answers_its_own_rows():
    body = fast_body(table(), ["val"], None, None, None)

    assert [r["global_step"] for r in body["rows"]] == list(range(1, N + 1, 50))
