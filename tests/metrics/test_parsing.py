"""events.jsonl blocks → columns: the pyarrow and the orjson parser agree, and odd input is skipped."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from apps.metrics.parsing import EventBatch, parse_block


def lines(*events: object) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


def metric(step: int, **data: object) -> dict[str, object]:
    return {"ts": 100.0 + step, "type": "metrics", "data": {"global_step": step, "time": 100.0 + step, **data}}


def as_python(batch: EventBatch) -> dict[str, object]:
    def floats(a: np.ndarray) -> list[float | None]:
        return [None if math.isnan(v) else v for v in a.tolist()]

    strings = {
        k: [values[c] if c >= 0 else None for c in codes.tolist()] for k, (codes, values) in batch.strings.items()
    }
    return {
        "step": batch.step.tolist(),
        "ts": floats(batch.ts),
        "numeric": {k: floats(v) for k, v in sorted(batch.numeric.items())},
        "int_columns": sorted(batch.int_columns),
        "strings": dict(sorted(strings.items())),
        "first_ts": batch.first_ts,
        "skipped": batch.skipped,
    }


CLEAN = lines(
    metric(1, loss=1.0, batch=32, stage="warmup"),
    {"ts": 99.0, "type": "image", "data": {"key": "img", "path": "media/a.png", "step": 1}},
    metric(2, loss=0.5, acc=0.25, batch=64, stage="train", note=None),
    metric(3, loss=0.25, stage="train", flag=True, nested={"a": 1}),
    {"ts": 104.0, "type": "metrics", "data": {"step": 4, "loss": 0.125}},
    {"ts": 105.0, "type": "metrics", "data": {"loss": 9.0}},
    {"ts": 106.0, "type": "mystery", "data": {}},
    {"type": "metrics", "data": {"global_step": 7.9, "time": 107.0, "loss": 0.0625}},
)


def test_both_parsers_read_the_same_columns():
    arrow, plain = parse_block(CLEAN, use_arrow=True), parse_block(CLEAN, use_arrow=False)

    assert as_python(arrow) == as_python(plain)
    got = as_python(plain)
    assert got["step"] == [1, 2, 3, 4, 7]  # "step" stands in for a missing global_step; 7.9 → 7
    assert got["ts"] == [101.0, 102.0, 103.0, 104.0, 107.0]  # no "ts": data.time
    assert got["numeric"]["loss"] == [1.0, 0.5, 0.25, 0.125, 0.0625]
    assert got["numeric"]["acc"] == [None, 0.25, None, None, None]
    assert got["numeric"]["flag"] == [None, None, 1.0, None, None]
    assert "nested" not in got["numeric"] and "nested" not in got["strings"]
    assert got["int_columns"] == ["batch"]
    assert got["strings"]["stage"] == ["warmup", "train", "train", None, None]
    assert "note" not in got["numeric"] and "note" not in got["strings"]  # only ever null: no column
    assert got["first_ts"] == 99.0  # the image event came first
    assert got["skipped"] == 2  # the stepless metric event and the unknown type


@pytest.mark.parametrize(
    "odd_line",
    [
        b"not json at all\n",
        b"[1, 2, 3]\n",
        b'{"ts": 1.0, "type": "metrics", "data": "not an object"}\n',
        b'{"ts": 1.0, "type": "metrics", "data": {"global_step": 9, "loss": "high"}}\n',
        b'{"ts": 1.0, "type": "metrics", "data": {"global_step": "ten", "loss": 1.0}}\n',
    ],
)
def test_a_block_with_an_odd_line_falls_back_to_the_line_parser_and_keeps_the_rest(odd_line):
    block = CLEAN + odd_line + lines(metric(8, loss=0.03))

    batch = parse_block(block, use_arrow=True)

    assert batch.step.tolist()[:5] == [1, 2, 3, 4, 7]
    assert batch.step.tolist()[-1] == 8
    assert as_python(batch) == as_python(parse_block(block, use_arrow=False))


def test_nan_and_infinity_literals_become_gaps():
    block = (
        b'{"ts": 1.0, "type": "metrics", "data": {"global_step": 1, "loss": NaN, "acc": 0.5}}\n'
        b'{"ts": 2.0, "type": "metrics", "data": {"global_step": 2, "loss": Infinity, "acc": -Infinity}}\n'
    )
    for use_arrow in (True, False):
        batch = parse_block(block, use_arrow=use_arrow)
        assert np.isnan(batch.numeric["loss"]).all()
        assert batch.numeric["acc"][0] == 0.5 and np.isnan(batch.numeric["acc"][1])


def test_a_schema_hint_that_no_longer_fits_is_dropped():
    first = parse_block(lines(*[metric(i, batch=i) for i in range(1, 50)]), use_arrow=True)
    assert first.int_columns == {"batch"}

    later = parse_block(lines(metric(50, batch=2.5, extra="x")), use_arrow=True, schema=first.schema)

    assert later.numeric["batch"].tolist() == [2.5]
    assert "batch" not in later.int_columns
    assert later.strings["extra"][1] == ["x"]


def test_an_empty_block_has_no_rows():
    for use_arrow in (True, False):
        batch = parse_block(b"", use_arrow=use_arrow)
        assert batch.size == 0 and batch.skipped == 0
