"""Runs with thousands of metrics a step: the 2-D fast path of the line parser gives what the
per-key path gives, and falls back whenever a value is not a plain number."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from apps.metrics import parsing
from apps.metrics.parsing import parse_block

KEYS = [f"layer{i // 100:02d}/m{i % 100:02d}" for i in range(parsing.WIDE_KEYS + 88)]


def block(rows: int = 12, change: Any = None) -> bytes:
    lines = []
    for step in range(1, rows + 1):
        data: dict[str, Any] = {k: math.sin(step * (j + 1)) for j, k in enumerate(KEYS)}
        if step == 3:
            data[KEYS[5]] = float("nan")
            data[KEYS[6]] = float("inf")
        if change is not None:
            change(step, data)
        data.update(global_step=step, time=1_700_000_000.0 + step)
        lines.append(json.dumps({"ts": 1_700_000_000.0 + step, "type": "metrics", "data": data}))
    return ("\n".join(lines) + "\n").encode()


def per_key(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> parsing.EventBatch:
    with monkeypatch.context() as patched:
        patched.setattr(parsing, "WIDE_KEYS", 10**9)  # wide runs take the general path
        return parse_block(raw, use_arrow=False)


def assert_same(fast: parsing.EventBatch, slow: parsing.EventBatch) -> None:
    assert np.array_equal(fast.step, slow.step)
    assert np.array_equal(fast.ts, slow.ts, equal_nan=True)
    assert sorted(fast.numeric) == sorted(slow.numeric)
    for name, column in slow.numeric.items():
        assert np.array_equal(fast.numeric[name], column, equal_nan=True), name
    assert fast.int_columns == slow.int_columns
    assert {k: (v[0].tolist(), v[1]) for k, v in fast.strings.items()} == {
        k: (v[0].tolist(), v[1]) for k, v in slow.strings.items()
    }
    assert (fast.skipped, fast.first_ts) == (slow.skipped, slow.first_ts)


def test_a_wide_block_parses_to_the_same_columns(monkeypatch):
    raw = block()
    fast = parse_block(raw)  # above ARROW_MIN_BYTES? no matter: wide blocks skip pyarrow

    assert_same(fast, per_key(raw, monkeypatch))
    assert len(fast.numeric) == len(KEYS) + 1  # and "time"
    assert np.isnan(fast.numeric[KEYS[6]][2])  # Infinity is no JSON number: no value


def test_a_wide_block_is_not_sent_to_pyarrow():
    assert parsing._is_wide(block(rows=2))
    assert not parsing._is_wide(b'{"ts": 1.0, "type": "metrics", "data": {"loss": 1.0, "global_step": 1}}\n')


@pytest.mark.parametrize(
    "change",
    [
        lambda step, data: data.update({KEYS[0]: step}),  # an integer column
        lambda step, data: data.update({KEYS[1]: "warmup" if step < 4 else 0.5}),  # a string among numbers
        lambda step, data: data.update({KEYS[2]: None}),  # logged as null
        lambda step, data: data.pop(KEYS[3]) if step == 7 else None,  # a key missing in one event
        lambda step, data: data.update({"stage": "train"}),  # a string column
        lambda step, data: data.update({KEYS[4]: [1, 2]}),  # a list value
        lambda step, data: data.update({KEYS[8]: True}),  # a bool
    ],
    ids=["int", "str-among-numbers", "null", "missing-key", "stage", "list", "bool"],
)
def test_anything_but_plain_numbers_gives_the_per_key_result(change, monkeypatch):
    raw = block(change=change)

    assert_same(parse_block(raw), per_key(raw, monkeypatch))
