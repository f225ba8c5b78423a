"""``metrics/fast?preview=1``: while a large run's table is not ready, an answer from a sample of
its lines, marked as a preview; once a request without ``preview`` has parsed the run, exact."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from apps.metrics import cache as cache_module
from apps.metrics import preview as sampling
from apps.metrics.cache import get_cache
from tests.factories import metric_event
from tests.metrics.conftest import append_events

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000.0
STEPS = 3000


@pytest.fixture(autouse=True)
def small_previews(monkeypatch, settings):  # type: ignore[no-untyped-def]
    # A test run of ~300 KB stands in for a file of hundreds of MB.
    settings.RUNICORN_METRICS_PREVIEW_BYTES = 64 * 1024
    monkeypatch.setattr(sampling, "SAMPLE_LINES", 200)


def loss_at(step: int) -> float:
    return 1.0 / step


@pytest.fixture
def run(indexed_run):  # type: ignore[no-untyped-def]
    events = []
    for s in range(1, STEPS + 1):
        events.append(metric_event(s, T0 + s, loss=loss_at(s), stage="train"))
        if s % 100 == 0:  # another event at the same step, as trainers log validation
            events.append(metric_event(s, T0 + s + 0.5, val_acc=s / STEPS))
    return indexed_run(events=events)


def fast(api, run: Path, **params):  # type: ignore[no-untyped-def]
    return api.get(f"/api/v2/experiments/{run.name}/metrics/fast", params)


def test_the_first_preview_of_a_large_run_is_a_sample_of_its_real_rows(api, run):
    body = fast(api, run, metric_names="loss,val_acc", preview="1").json()

    assert body["preview"] is True
    assert body["columns"] == ["global_step", "loss", "val_acc"]
    rows = body["rows"]
    steps = [r["global_step"] for r in rows]
    assert 150 <= len(rows) < STEPS  # about one line per offset, far fewer than the run has
    assert steps == sorted(steps) and steps[0] == 1
    assert all(r["loss"] == loss_at(r["global_step"]) for r in rows if "loss" in r)  # as logged, not estimated
    # The file's last line (val_acc at the last step) is always in the sample: the whole x range.
    assert rows[-1] == {"global_step": STEPS, "val_acc": 1.0}


def test_the_exact_request_parses_and_later_first_looks_are_exact(api, run):
    preview = fast(api, run, metric_names="loss", preview="1").json()
    assert preview["preview"] is True
    assert get_cache().stats()["misses"] == 0  # a preview parses nothing but its sample

    plain = fast(api, run, metric_names="loss").json()
    exact = fast(api, run, metric_names="loss", preview="1").json()

    assert "preview" not in plain  # the reference's answer is unchanged without the parameter
    assert exact["preview"] is False
    assert [r["global_step"] for r in exact["rows"]] == list(range(1, STEPS + 1))
    assert exact["rows"] == plain["rows"]
    assert get_cache().stats()["misses"] == 1


def test_a_preview_downsamples_and_filters_like_the_exact_answer(api, run):
    body = fast(api, run, metric_names="loss", preview="1", downsample="50", step_range="1000:2000").json()

    assert body["preview"] is True
    assert 0 < len(body["rows"]) <= 52
    assert all(1000 <= r["global_step"] <= 2000 for r in body["rows"])
    assert body["applied_filters"] == {"metrics": ["loss"], "step_range": [1000, 2000], "downsampled": True}


def test_the_column_list_of_a_preview_comes_from_the_sampled_lines(api, run):
    body = fast(api, run, downsample="3", preview="1").json()

    assert body["preview"] is True
    assert {"global_step", "loss", "stage", "time"} <= set(body["columns"])


def test_a_metric_missing_from_the_sample_is_no_error_until_the_exact_answer(api, run):
    body = fast(api, run, metric_names="not_logged", preview="1")

    assert body.status_code == 200 and body.json()["preview"] is True and body.json()["rows"] == []
    fast(api, run, metric_names="loss")  # parsed
    refused = fast(api, run, metric_names="not_logged", preview="1")
    assert refused.status_code == 400 and "not_logged" in refused.json()["detail"]


def test_a_small_file_is_answered_exactly_at_once(api, indexed_run):
    small = indexed_run(events=[metric_event(s, T0 + s, loss=loss_at(s)) for s in range(1, 101)])

    body = fast(api, small, preview="1").json()

    assert body["preview"] is False
    assert len(body["rows"]) == 100


def test_a_run_already_read_is_answered_exactly_after_a_small_append(api, run):
    fast(api, run, metric_names="loss")  # parsed
    append_events(run, metric_event(STEPS + 1, T0 + STEPS + 1, loss=loss_at(STEPS + 1)))

    body = fast(api, run, metric_names="loss", preview="1").json()

    assert body["preview"] is False
    assert body["rows"][-1]["global_step"] == STEPS + 1


def test_a_replaced_file_gets_a_preview_again(api, run):
    fast(api, run, metric_names="loss")
    events = run / "events.jsonl"
    replacement = events.with_suffix(".new")
    replacement.write_bytes(events.read_bytes())
    os.replace(replacement, events)  # another inode: the table must be read again

    assert fast(api, run, metric_names="loss", preview="1").json()["preview"] is True


@pytest.mark.parametrize("value", ["yes", "2", ""])
def test_a_bad_preview_value_is_400(api, run, value):
    response = fast(api, run, preview=value)

    assert response.status_code == 400
    assert "preview" in response.json()["detail"]


def test_a_parsed_run_is_ready_and_needs_no_preview(run):
    path = run / "events.jsonl"
    assert not get_cache().ready(path)
    assert get_cache().preview(path) is not None

    get_cache().use(path, lambda entry: None)

    assert get_cache().ready(path)
    assert get_cache().preview(path) is None


def test_a_run_being_parsed_gets_a_preview(run, monkeypatch):
    path = run / "events.jsonl"
    parsing, release = threading.Event(), threading.Event()
    original = cache_module.parse_block

    def slow_parse(block, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsing.set()
        release.wait(10)
        return original(block, *args, **kwargs)

    monkeypatch.setattr(cache_module, "parse_block", slow_parse)
    parser = threading.Thread(target=get_cache().use, args=(path, lambda entry: None))
    parser.start()
    try:
        assert parsing.wait(10)
        assert not get_cache().ready(path)  # no wait for the lock: a parse takes seconds
        assert get_cache().preview(path) is not None
    finally:
        release.set()
        parser.join()
    assert get_cache().ready(path)
    assert get_cache().preview(path) is None


def test_a_run_busy_answering_is_waited_for_not_sampled(run):
    path = run / "events.jsonl"
    get_cache().use(path, lambda entry: None)
    answering, release = threading.Event(), threading.Event()

    def answer(entry):  # type: ignore[no-untyped-def]
        answering.set()
        release.wait(0.05)  # an answer takes milliseconds

    other = threading.Thread(target=get_cache().use, args=(path, answer))
    other.start()
    try:
        assert answering.wait(10)
        assert get_cache().preview(path) is None  # waited for the lock, then answered exactly
    finally:
        release.set()
        other.join()


# ---------------------------------------------------------------------------- the sample itself


def lines_of(block: bytes) -> list[bytes]:
    return block.split(b"\n")[:-1]


def write_lines(path: Path, lines: list[bytes], tail: bytes = b"") -> int:
    path.write_bytes(b"".join(line + b"\n" for line in lines) + tail)
    fd = os.open(path, os.O_RDONLY)
    return fd


def test_sample_lines_are_whole_lines_at_spread_offsets(tmp_path):
    lines = [json.dumps({"i": i, "pad": "x" * (i % 50)}).encode() for i in range(2000)]
    fd = write_lines(tmp_path / "e.jsonl", lines, tail=b'{"i": 2000, "half')  # a half-written last line
    try:
        size = os.fstat(fd).st_size
        picked = lines_of(sampling.sample_block(fd, size, 100))
    finally:
        os.close(fd)

    assert all(line in lines for line in picked)  # never a cut line, never the half-written one
    indices = [json.loads(line)["i"] for line in picked]
    assert indices == sorted(set(indices))  # in file order, each once
    assert indices[0] == 0 and indices[-1] == 1999  # the first and the last complete line
    assert 95 <= len(indices) <= 102
    gaps = [b - a for a, b in zip(indices, indices[1:], strict=False)]
    assert max(gaps) < 2 * 2000 / 100  # spread over the file, not bunched


def test_lines_longer_than_the_read_window_are_read_whole(tmp_path):
    lines = [json.dumps({"i": i, "pad": "y" * (sampling.WINDOW * 3)}).encode() for i in range(20)]
    fd = write_lines(tmp_path / "e.jsonl", lines)
    try:
        picked = lines_of(sampling.sample_block(fd, os.fstat(fd).st_size, 40))
    finally:
        os.close(fd)

    assert picked == lines  # more offsets than lines: every line, once, whole


def test_previews_can_be_turned_off(api, run, settings):
    settings.RUNICORN_METRICS_PREVIEW_BYTES = 0

    body = fast(api, run, metric_names="loss", preview="1").json()

    assert body["preview"] is False
    assert len(body["rows"]) == STEPS
