"""The persisted columnar store: answers equal to a parse of the JSON file, a restart reads the
store instead of events.jsonl, a changed file is parsed again, and the background builder waits
for requests."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.metrics import background, builder, parsing, store
from apps.metrics import cache as cache_module
from apps.metrics.cache import get_cache, reset_cache
from apps.metrics.services import fast_answer, metrics_answer
from tests.factories import metric_event

T0 = 1_700_000_000.0


@pytest.fixture(autouse=True)
def store_dir(settings, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    settings.RUNICORN_METRICS_STORE_DIR = str(tmp_path / "viewer-data" / "metrics")
    settings.RUNICORN_METRICS_STORE_MIN_BYTES = 0
    background.autostart = False
    background.clear()
    yield Path(settings.RUNICORN_METRICS_STORE_DIR)
    background.clear()
    background.autostart = True


@pytest.fixture
def parsed_blocks(monkeypatch) -> list[bytes]:  # type: ignore[no-untyped-def]
    seen: list[bytes] = []
    original = parsing.parse_block

    def spy(block: bytes, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(block)
        return original(block, *args, **kwargs)

    monkeypatch.setattr(cache_module, "parse_block", spy)
    return seen


def lines(*events: dict[str, Any]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


# Each case: the file's text, in the shapes the JSON path has its own tests for.
CASES = {
    "dense": lines(*(metric_event(s, T0 + s, loss=1.0 / s, acc=s / 300) for s in range(1, 301))),
    "sparse": lines(
        *(metric_event(s, T0 + s, loss=1.0 / s) for s in range(1, 201)),
        *(metric_event(s, T0 + s + 0.5, val_acc=s / 200) for s in range(10, 201, 10)),
    ),
    "nan_and_ints": lines(
        *(metric_event(s, T0 + s, loss=float("nan") if s % 7 == 0 else s * 0.5, n=s) for s in range(1, 120))
    ),
    "stages": lines(
        *(metric_event(s, T0 + s, loss=1.0 / s, stage="warmup" if s < 50 else "train") for s in range(1, 150))
    ),
    "torn_and_junk": lines(*(metric_event(s, T0 + s, loss=1.0 / s) for s in range(1, 60)))
    + "{not json\n"
    + json.dumps({"ts": T0, "type": "mystery", "data": {}})
    + "\n"
    + lines(*(metric_event(s, T0 + s, loss=2.0 / s) for s in range(60, 90)))
    + '{"ts": 1700000099.0, "type": "metr',  # a half-written last line
    # Wider than parsing.WIDE_KEYS: the line parser's 2-D path, and a store of 600 columns.
    "wide": lines(*(metric_event(s, T0 + s, **{f"m{k:03d}": s / (k + 1) for k in range(600)}) for s in range(1, 40))),
    "out_of_order": lines(*(metric_event(s, T0 + s, loss=s * 1.0) for s in (5, 3, 9, 1, 3, 7))),
}


def write(run: Path, text: str) -> Path:
    run.mkdir(parents=True, exist_ok=True)
    path = run / "events.jsonl"
    path.write_text(text)
    return path


def answers(path: Path) -> list[Any]:
    """Every metrics answer the endpoints give, as bytes or dicts without the timing field."""
    out: list[Any] = []
    for by in ("step", "time"):
        for ds in (None, 100):
            answer = metrics_answer(path, by, ds)
            # The ETag names a table version of this process: it differs between the two paths.
            out.append((answer.body, {k: v for k, v in answer.headers.items() if k != "ETag"}))
    for names in (None, ["loss"]):
        for ds in (None, 3):
            try:
                body = fast_answer(path, names, None, ds)
            except ValueError as exc:  # an unknown name: the same error both ways
                out.append(str(exc))
                continue
            body.pop("query_time_ms")
            out.append(body)
    return out


def cold_answers(path: Path, settings) -> list[Any]:  # type: ignore[no-untyped-def]
    """The answers of the JSON path alone: store off, fresh cache."""
    saved = settings.RUNICORN_METRICS_STORE_DIR
    settings.RUNICORN_METRICS_STORE_DIR = ""
    reset_cache()
    try:
        return answers(path)
    finally:
        settings.RUNICORN_METRICS_STORE_DIR = saved
        reset_cache()


def restart() -> None:
    """What a viewer restart leaves: the store files, nothing in memory."""
    background.run_pending()
    reset_cache()


@pytest.mark.parametrize("case", sorted(CASES))
def test_answers_from_the_store_equal_the_json_path(case, tmp_path, settings):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "run", CASES[case])
    expected = cold_answers(path, settings)

    answers(path)
    restart()

    assert answers(path) == expected
    assert get_cache().stats()["misses"] == 0
    assert get_cache().stats()["store_loads"] == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_rows_appended_after_the_store_was_written_are_added(case, tmp_path, settings):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "run", CASES[case])
    answers(path)
    restart()
    with open(path, "a") as fh:  # finishes a torn line, merges into the last step, adds steps
        fh.write("\n" + lines(metric_event(400, T0 + 400, loss=0.25), metric_event(400, T0 + 401, acc=0.9)))

    got = answers(path)

    assert get_cache().stats()["misses"] == 0
    assert got == cold_answers(path, settings)


def test_a_restart_reads_the_store_without_parsing_the_events_file(tmp_path, parsed_blocks, store_dir):
    path = write(tmp_path / "run", CASES["dense"])
    answers(path)
    restart()
    parsed_blocks.clear()

    assert metrics_answer(path, "step", None).headers["X-Row-Count"] == "300"

    assert parsed_blocks == []
    assert store.loads >= 1
    [stored] = list(store_dir.rglob("*.arrow"))
    assert tmp_path / "run" not in stored.parents  # in the viewer's data directory, not the run's


@pytest.mark.parametrize("change", ["truncated", "replaced", "rewritten_in_place", "store_damaged"])
def test_a_changed_file_or_a_broken_store_is_parsed_again(change, tmp_path, settings, store_dir):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "run", CASES["dense"])
    answers(path)
    restart()
    if change == "truncated":
        with open(path, "r+") as fh:
            fh.truncate(len(lines(*(metric_event(s, T0 + s, loss=1.0 / s, acc=s / 300) for s in range(1, 101)))))
    elif change == "replaced":
        fresh = path.with_name("new.jsonl")
        fresh.write_text(CASES["sparse"])
        os.replace(fresh, path)
    elif change == "rewritten_in_place":  # same inode, same size, other numbers at the end
        text = path.read_text()
        with open(path, "r+") as fh:
            fh.write(text[:-40] + text[-40:].replace("0", "1"))
    else:
        [stored] = list(store_dir.rglob("*.arrow"))
        stored.write_bytes(b"ARROW1 but not really")

    got = answers(path)

    assert get_cache().stats()["misses"] == 1
    assert get_cache().stats()["store_loads"] == 0
    assert got == cold_answers(path, settings)


def test_a_run_parsed_again_is_stored_again(tmp_path, settings):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "run", CASES["dense"])
    answers(path)
    restart()
    fresh = path.with_name("new.jsonl")
    fresh.write_text(CASES["stages"])
    os.replace(fresh, path)
    answers(path)  # parses the new file, queues its store
    restart()

    got = answers(path)

    assert get_cache().stats()["store_loads"] == 1
    assert got == cold_answers(path, settings)


def test_small_files_are_not_stored(tmp_path, settings, store_dir):  # type: ignore[no-untyped-def]
    settings.RUNICORN_METRICS_STORE_MIN_BYTES = 1 << 20
    path = write(tmp_path / "run", CASES["dense"])
    answers(path)
    background.run_pending()

    assert not store_dir.exists() or not list(store_dir.rglob("*.arrow"))


def test_the_builder_stores_a_run_nobody_opened(tmp_path, settings):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "run", CASES["sparse"])

    assert builder.offer_runs([path.parent]) == 1
    background.run_pending()
    reset_cache()
    got = answers(path)

    assert get_cache().stats()["store_loads"] == 1
    assert get_cache().stats()["misses"] == 0
    assert got == cold_answers(path, settings)


def test_the_builder_leaves_a_run_someone_opened_to_the_request(tmp_path):
    path = write(tmp_path / "run", CASES["dense"])
    metrics_answer(path, "step", None)  # opened: the request parsed it and queued its own save
    background.clear()

    assert builder.build(path) is False


def test_the_background_builder_yields_to_requests(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "READ_CHUNK", 2048)  # many chunks, a pause point after each
    path = write(tmp_path / "run", CASES["dense"])
    pauses_before = background.pauses
    result: list[bool] = []
    worker = threading.Thread(target=lambda: result.append(builder.build(path)))

    with background.request_active():
        worker.start()
        deadline = time.monotonic() + 10
        while background.pauses == pauses_before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert background.pauses > pauses_before  # the build stopped at its first chunk
        assert worker.is_alive() and not result
        assert store.store_path(path) is not None and not store.store_path(path).exists()  # type: ignore[union-attr]

    worker.join(10)
    assert result == [True]
    assert store.is_current(path, 0)


def test_a_preview_is_not_needed_when_the_store_is_current(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.RUNICORN_METRICS_PREVIEW_BYTES = 1024
    path = write(tmp_path / "run", CASES["dense"])
    answers(path)
    restart()

    body = fast_answer(path, ["loss"], None, None, preview=True)

    assert body["preview"] is False
    assert body["total_points"] == 300


def test_the_sweep_removes_stores_of_gone_or_replaced_runs_only(tmp_path, store_dir):
    kept, gone, replaced = (write(tmp_path / name, CASES["dense"]) for name in ("kept", "gone", "replaced"))
    for path in (kept, gone, replaced):
        answers(path)
    background.run_pending()
    gone.unlink()
    fresh = replaced.with_name("new.jsonl")
    fresh.write_text(CASES["dense"])
    os.replace(fresh, replaced)
    leftover = store_dir / "ab" / "half-written.arrow.1-2.tmp"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"x")
    os.utime(leftover, (time.time() - 2 * store.STALE_TEMP_S,) * 2)

    assert store.sweep() == 3

    assert [p.name for p in store_dir.rglob("*.arrow")] == [store.store_path(kept).name]  # type: ignore[union-attr]
    assert not leftover.exists()
