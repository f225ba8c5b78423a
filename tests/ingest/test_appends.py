"""POST /api/ingest/runs/{run_id}/append/{file}: offsets, retries, whole lines only."""

from __future__ import annotations

import pytest

from .conftest import EVENT, RUN_ID


@pytest.fixture(autouse=True)
def declared(up):  # type: ignore[no-untyped-def]
    assert up.declare().status_code == 201


def test_an_append_at_the_servers_length_is_written(up, run_path):
    response = up.append(EVENT * 2, 0)

    assert response.status_code == 200, response.content
    assert response.json() == {"length": 2 * len(EVENT), "written": 2 * len(EVENT), "lines": 2}
    assert (run_path / "events.jsonl").read_bytes() == EVENT * 2


def test_a_retried_append_is_acknowledged_and_not_written_twice(up, run_path):
    up.append(EVENT, 0)

    again = up.append(EVENT, 0)

    assert again.status_code == 200
    assert again.json() == {"length": len(EVENT), "written": 0, "lines": 0}
    assert (run_path / "events.jsonl").read_bytes() == EVENT


def test_an_append_overlapping_the_end_writes_only_the_new_part(up, run_path):
    up.append(EVENT, 0)

    response = up.append(EVENT * 3, 0)

    assert response.json()["written"] == 2 * len(EVENT)
    assert (run_path / "events.jsonl").read_bytes() == EVENT * 3


def test_an_append_past_the_end_gets_409_with_the_servers_length(up, run_path):
    up.append(EVENT, 0)

    response = up.append(EVENT, 5 * len(EVENT))

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"events.jsonl on the server is {len(EVENT)} bytes long, not {5 * len(EVENT)}; "
                  f"resend from {len(EVENT)}",
        "length": len(EVENT),
    }
    assert (run_path / "events.jsonl").read_bytes() == EVENT


def test_bytes_that_differ_from_what_the_server_holds_get_409(up, run_path):
    up.append(EVENT, 0)

    response = up.append(EVENT.replace(b"0.5", b"0.7"), 0)

    assert response.status_code == 409 and response.json()["length"] == len(EVENT)
    assert (run_path / "events.jsonl").read_bytes() == EVENT


def test_gzip_bodies_are_inflated(up, run_path):
    response = up.append(b"10:00:00 | hello\n", 0, file="logs.txt", gzipped=True)

    assert response.status_code == 200
    assert (run_path / "logs.txt").read_bytes() == b"10:00:00 | hello\n"


@pytest.mark.parametrize(("body", "detail"), [
    (EVENT[:-1], "Chunk for events.jsonl must end with a newline: send whole lines only (the rest goes in the next "
                 "chunk)"),
    (EVENT + b'{"ts": 2.0, "type": "met\n', "Line 2 of the chunk for events.jsonl is not a JSON object; nothing was "
                                          "written"),
    (EVENT + b"[1, 2]\n", "Line 2 of the chunk for events.jsonl is not a JSON object; nothing was written"),
])
def test_a_torn_or_invalid_line_is_refused_and_nothing_written(up, run_path, body, detail):
    up.append(EVENT, 0)

    response = up.append(body, len(EVENT))

    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert (run_path / "events.jsonl").read_bytes() == EVENT


def test_nan_tokens_of_the_reference_sdk_are_accepted(up, run_path):
    line = b'{"ts": 1.0, "type": "metrics", "data": {"loss": NaN, "global_step": 1}}\n'

    assert up.append(line, 0).status_code == 200


@pytest.mark.parametrize(("url", "status"), [
    (f"/api/ingest/runs/{RUN_ID}/append/meta.json?offset=0", 400),
    (f"/api/ingest/runs/{RUN_ID}/append/..%2Fevil?offset=0", 404),  # no such route
    (f"/api/ingest/runs/{RUN_ID}/append/events.jsonl", 400),
    (f"/api/ingest/runs/{RUN_ID}/append/events.jsonl?offset=-1", 400),
    ("/api/ingest/runs/20250114_153045_ffffff/append/events.jsonl?offset=0", 404),
    ("/api/ingest/runs/not-a-run/append/events.jsonl?offset=0", 400),
])
def test_bad_targets_are_refused(up, storage_root, url, status):
    from .conftest import tree

    before = tree(storage_root)

    response = up.client.generic("POST", url, EVENT, content_type="application/octet-stream")

    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert tree(storage_root) == before


def test_a_gzip_bomb_gets_413_and_writes_nothing(up, run_path, settings):
    settings.RUNICORN_INGEST_MAX_BODY_BYTES = 64 * 1024
    bomb = b"\n" * (16 * 1024 * 1024)  # 16 MiB of newlines inflate from ~16 KB

    response = up.append(bomb, 0, file="logs.txt", gzipped=True)

    assert response.status_code == 413
    assert response.json()["limit"] == 64 * 1024
    assert not (run_path / "logs.txt").exists()


def test_a_body_declared_over_the_limit_gets_413(up, settings):
    settings.RUNICORN_INGEST_MAX_BODY_BYTES = 1024

    response = up.append(EVENT * 100, 0)

    assert response.status_code == 413


def test_broken_gzip_gets_400(up):
    response = up.client.generic("POST", f"/api/ingest/runs/{RUN_ID}/append/logs.txt?offset=0", b"\x1f\x8bnot gzip",
                                 content_type="application/octet-stream", HTTP_CONTENT_ENCODING="gzip")

    assert response.status_code == 400 and "not valid gzip" in response.json()["detail"]


def test_a_line_nested_too_deeply_is_refused_and_nothing_is_written(up, run_path):
    # json recurses once per level: 2,000 nested arrays raised RecursionError (a 500) in the
    # lenient fallback for NaN lines.
    line = b'{"ts": 1.0, "type": "metrics", "data": ' + b"[" * 2000 + b"]" * 2000 + b"}\n"

    response = up.append(line, 0)

    assert response.status_code == 400
    assert not (run_path / "events.jsonl").exists() or (run_path / "events.jsonl").read_bytes() == b""


def test_an_append_never_follows_a_symlink_out_of_the_root(up, run_path, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"")
    (run_path / "logs.txt").symlink_to(outside)

    response = up.append(b"10:00:00 | x\n", 0, file="logs.txt")

    assert response.status_code == 409
    assert outside.read_bytes() == b""
