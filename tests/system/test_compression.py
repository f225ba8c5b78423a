"""Compressed JSON answers: the encoding follows Accept-Encoding, the bytes decompress to the plain
answer, ETags differ per encoding and still give 304, and a repeated list is not compressed again."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest
import zstandard

from apps.metrics.cache import reset_cache
from apps.system.compression import choose_encoding, compressed_bodies
from tests.factories import make_run, metric_event

pytestmark = pytest.mark.django_db

DECODERS = {
    "gzip": gzip.decompress,
    "br": brotli.decompress,
    "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data),
}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "zstd"),  # Chromium's: all equal, zstd preferred
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("zstd;q=0, br;q=0, gzip", "gzip"),
        ("*", "zstd"),
        ("br;q=0, *;q=0.3", "zstd"),
        ("identity", None),
        ("", None),
        ("deflate", None),
        ("gzip;q=0", None),
        ("gzip;q=not-a-number, br", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_the_encoding_follows_accept_encoding(header, expected):
    assert choose_encoding(header) == expected


@pytest.fixture(autouse=True)
def fresh_metrics_cache():  # type: ignore[no-untyped-def]
    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def many_runs(storage_root, reindex):  # type: ignore[no-untyped-def]
    for i in range(40):  # ~20 kB of /api/runs
        make_run(storage_root, name=f"exp{i % 4}", summary={"note": "x" * 100})
    reindex()
    compressed_bodies.clear()


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_a_large_answer_is_compressed_and_decompresses_to_the_plain_one(api, many_runs, encoding):
    plain = api.get("/api/runs")
    packed = api.get("/api/runs", HTTP_ACCEPT_ENCODING=encoding)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == encoding
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) // 3
    assert DECODERS[encoding](packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]


def test_etags_differ_per_encoding_and_each_gives_304(api, many_runs):
    plain = api.get("/api/runs")["ETag"]
    zstd = api.get("/api/runs", HTTP_ACCEPT_ENCODING="zstd")["ETag"]
    gz = api.get("/api/runs", HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert len({plain, zstd, gz}) == 3
    assert zstd == plain[:-1] + '-zstd"'

    again = api.get("/api/runs", HTTP_ACCEPT_ENCODING="zstd", HTTP_IF_NONE_MATCH=zstd)
    assert again.status_code == 304
    assert again["ETag"] == zstd
    assert api.get("/api/runs", HTTP_IF_NONE_MATCH=plain).status_code == 304
    # A gzip tag does not validate a zstd answer: the client gets the zstd bytes.
    other = api.get("/api/runs", HTTP_ACCEPT_ENCODING="zstd", HTTP_IF_NONE_MATCH=gz)
    assert other.status_code == 200
    assert other["Content-Encoding"] == "zstd"


def test_a_changed_index_changes_the_compressed_etag(api, many_runs, storage_root, reindex):
    before = api.get("/api/runs", HTTP_ACCEPT_ENCODING="br")
    make_run(storage_root, name="another")
    reindex()

    after = api.get("/api/runs", HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert b"another" in brotli.decompress(after.content)


def test_a_repeated_list_is_not_compressed_again(api, many_runs):
    first = api.get("/api/runs", HTTP_ACCEPT_ENCODING="zstd")
    second = api.get("/api/runs", HTTP_ACCEPT_ENCODING="zstd")

    assert second.content == first.content
    assert (compressed_bodies.misses, compressed_bodies.hits) == (1, 1)


def test_small_answers_stay_plain(api, storage_root, reindex):
    make_run(storage_root)
    reindex()

    resp = api.get("/api/runs", HTTP_ACCEPT_ENCODING="gzip, br, zstd")

    assert resp.status_code == 200
    assert "Content-Encoding" not in resp
    assert resp.json()[0]["project"] == "proj"


def test_metrics_answers_have_an_etag_that_gives_304_until_a_row_is_added(api, storage_root, reindex):
    run = make_run(storage_root, events=[metric_event(s, 1_700_000_000.0 + s, loss=1.0 / s) for s in range(1, 400)])
    reindex()
    url = f"/api/runs/{run.name}/metrics_step"

    first = api.get(url, HTTP_ACCEPT_ENCODING="zstd")
    again = api.get(url, HTTP_ACCEPT_ENCODING="zstd", HTTP_IF_NONE_MATCH=first["ETag"])
    with open(run / "events.jsonl", "a") as fh:
        fh.write(json.dumps(metric_event(400, 1_700_000_400.0, loss=0.001)) + "\n")
    after = api.get(url, HTTP_ACCEPT_ENCODING="zstd", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Content-Encoding"] == "zstd" and first["ETag"].endswith('-zstd"')
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert json.loads(DECODERS["zstd"](after.content))["total"] == 400


def test_a_repeated_metrics_answer_is_not_compressed_again(api, storage_root, reindex):
    run = make_run(storage_root, events=[metric_event(s, 1_700_000_000.0 + s, loss=1.0 / s) for s in range(1, 400)])
    reindex()
    compressed_bodies.clear()

    first = api.get(f"/api/runs/{run.name}/metrics_step", HTTP_ACCEPT_ENCODING="br")
    second = api.get(f"/api/runs/{run.name}/metrics_step", HTTP_ACCEPT_ENCODING="br")

    assert second.content == first.content
    assert (compressed_bodies.misses, compressed_bodies.hits) == (1, 1)
