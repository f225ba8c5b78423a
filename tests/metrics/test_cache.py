"""The incremental cache: appends read only new bytes, truncation and replacement start over,
concurrent requests share one parse, and the byte budget evicts least recently used runs."""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from apps.metrics import cache as cache_module
from apps.metrics import parsing
from apps.metrics.cache import MetricsCache
from tests.factories import metric_event
from tests.metrics.conftest import append_events

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000.0


def steps(api, run: Path) -> list[int]:  # type: ignore[no-untyped-def]
    return [r["global_step"] for r in api.get(f"/api/runs/{run.name}/metrics_step").json()["rows"]]


@pytest.fixture
def parsed_bytes(monkeypatch):  # type: ignore[no-untyped-def]
    """Every block handed to the parser, to see what a request actually read."""
    seen: list[bytes] = []
    original = parsing.parse_block

    def spy(block: bytes, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(block)
        return original(block, *args, **kwargs)

    monkeypatch.setattr(cache_module, "parse_block", spy)
    return seen


def test_an_append_is_read_without_reading_the_file_again(api, indexed_run, parsed_bytes):
    run = indexed_run(events=[metric_event(s, T0 + s, loss=1.0 / s) for s in range(1, 101)])
    assert steps(api, run) == list(range(1, 101))
    parsed_bytes.clear()

    append_events(run, metric_event(101, T0 + 101, loss=0.001))

    assert steps(api, run)[-2:] == [100, 101]
    assert parsed_bytes == [(json.dumps(metric_event(101, T0 + 101, loss=0.001)) + "\n").encode()]


def test_a_half_written_line_waits_for_its_newline(api, indexed_run):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)])
    line = json.dumps(metric_event(2, T0 + 1, loss=0.5)) + "\n"

    append_events(run, raw=line[:25])
    assert steps(api, run) == [1]
    append_events(run, raw=line[25:])
    assert steps(api, run) == [1, 2]


def test_a_truncated_file_is_read_again_from_the_start(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + s, loss=1.0) for s in range(1, 50)])
    assert len(steps(api, run)) == 49

    with open(run / "events.jsonl", "w") as fh:  # same inode, shorter
        fh.write(json.dumps(metric_event(7, T0, loss=2.0)) + "\n")

    assert steps(api, run) == [7]


def test_a_replaced_file_is_read_again_from_the_start(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + s, loss=1.0) for s in range(1, 4)])
    assert steps(api, run) == [1, 2, 3]

    new = run / "events.tmp"
    new.write_text("".join(json.dumps(metric_event(s, T0 + s, acc=0.5)) + "\n" for s in range(10, 15)))
    os.replace(new, run / "events.jsonl")  # another inode, larger than before

    body = api.get(f"/api/runs/{run.name}/metrics_step").json()
    assert [r["global_step"] for r in body["rows"]] == [10, 11, 12, 13, 14]
    assert "loss" not in body["columns"]


def test_a_file_rewritten_in_place_with_other_content_is_read_again(api, indexed_run):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)])
    assert steps(api, run) == [1]

    with open(run / "events.jsonl", "r+") as fh:  # same inode, longer, different first bytes
        fh.write("".join(json.dumps(metric_event(s, T0 + s, loss=3.0)) + "\n" for s in (5, 6)))

    assert steps(api, run) == [5, 6]


def test_a_deleted_events_file_leaves_no_rows(api, indexed_run):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)])
    assert steps(api, run) == [1]

    (run / "events.jsonl").unlink()

    assert api.get(f"/api/runs/{run.name}/metrics_step").json()["rows"] == []


def test_an_events_path_that_is_not_a_file_has_no_rows(api, indexed_run):
    run = indexed_run()
    (run / "events.jsonl").mkdir()

    resp = api.get(f"/api/runs/{run.name}/metrics_step")

    assert resp.status_code == 200 and resp.json()["rows"] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_cold_requests_parse_the_file_once(indexed_run, parsed_bytes):
    from apps.metrics.services import metrics_answer

    run = indexed_run(events=[metric_event(s, T0 + s, loss=1.0 / s, acc=s % 3) for s in range(1, 5001)])
    barrier = threading.Barrier(8)

    def request(i: int) -> bytes:
        barrier.wait()
        return metrics_answer(run / "events.jsonl", "step" if i % 2 else "time", 500 if i % 4 < 2 else None).body

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(request, range(8)))

    assert len(parsed_bytes) == 1  # one parse, seven waiters
    for i, body in enumerate(bodies):
        same_kind = [b for j, b in enumerate(bodies) if j % 4 == i % 4]
        assert all(b == body for b in same_kind)
    assert json.loads(bodies[1])["total"] == 5000


@pytest.mark.django_db(transaction=True)
def test_requests_while_the_file_grows_always_see_whole_rows(indexed_run):
    from apps.metrics.services import metrics_answer

    run = indexed_run(events=[metric_event(1, T0, loss=1.0, acc=1.0)])
    path = run / "events.jsonl"
    stop = threading.Event()

    def writer() -> None:
        step = 2
        while not stop.is_set() and step < 3000:
            line = json.dumps(metric_event(step, T0 + step, loss=1.0 / step, acc=1.0)) + "\n"
            with open(path, "a") as fh:  # two writes per line: readers see half lines
                fh.write(line[:17])
                fh.flush()
                fh.write(line[17:])
            step += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        totals = []
        for _ in range(40):
            body = json.loads(metrics_answer(path, "step", None).body)
            assert all(set(r) == {"global_step", "loss", "acc", "time"} for r in body["rows"])
            assert [r["global_step"] for r in body["rows"]] == list(range(1, body["total"] + 1))
            totals.append(body["total"])
    finally:
        stop.set()
        thread.join()
    assert totals == sorted(totals)


def test_the_byte_budget_evicts_the_least_recently_used_run(tmp_path):
    lines = "".join(json.dumps(metric_event(s, T0 + s, loss=1.0)) + "\n" for s in range(1, 4001))
    paths = []
    for i in range(3):
        path = tmp_path / f"run{i}.jsonl"
        path.write_text(lines)
        paths.append(path)
    one_run = MetricsCache(1 << 30, 100).use(paths[0], lambda entry: entry.nbytes)
    cache = MetricsCache(max_bytes=int(one_run * 2.5), max_entries=100)

    for path in [paths[0], paths[1], paths[0], paths[2]]:  # run1 is now the least recently used
        cache.use(path, lambda entry: entry.table.n)

    stats = cache.stats()
    assert stats["size"] == 2 and stats["bytes"] <= cache.max_bytes
    assert (stats["misses"], stats["hits"]) == (3, 1)
    cache.use(paths[0], lambda entry: None)
    cache.use(paths[2], lambda entry: None)
    assert cache.stats()["hits"] == 3  # run0 and run2 stayed
    cache.use(paths[1], lambda entry: None)
    assert cache.stats()["misses"] == 4  # run1 had been evicted


def test_the_entry_count_is_bounded_too(tmp_path):
    cache = MetricsCache(max_bytes=1 << 30, max_entries=2)
    for i in range(5):
        path = tmp_path / f"run{i}.jsonl"
        path.write_text(json.dumps(metric_event(1, T0, loss=1.0)) + "\n")
        cache.use(path, lambda entry: None)

    assert cache.stats()["size"] == 2


def test_answers_after_appends_and_merges_equal_a_cold_read(tmp_path):
    from apps.metrics.payloads import metrics_body

    path = tmp_path / "events.jsonl"

    def write(steps_: range | list[int], phase: float) -> None:
        with open(path, "a") as fh:
            for s in steps_:
                event = metric_event(s, T0 + s, loss=1 / s + phase * (s % 7), acc=(s * 37 % 101) / 101)
                fh.write(json.dumps(event) + "\n")

    def answer(cache: MetricsCache) -> dict:  # type: ignore[type-arg]
        return cache.use(path, lambda entry: metrics_body(entry.table, "step", 400))

    write(range(1, 30_001), 0.0)
    warm = MetricsCache(1 << 30, 10)
    answer(warm)
    next_step = 30_001
    for round_, extra in enumerate([[], [next_step - 1], [12_345], [29_000, 5]]):
        write(range(next_step, next_step + 2_500), 0.01 * (round_ + 1))
        next_step += 2_500
        write(extra, 0.5)  # values for steps already in the table: rows re-merged from there on
        assert answer(warm) == answer(MetricsCache(1 << 30, 10)), f"round {round_}"
