"""``GET /api/runs/{id}/images`` and ``GET /api/runs/{id}/media/{path}``: what the images tab reads."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_run, metric_event

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _image_event(step: int, key: str, path: str, caption: str | None = None) -> dict:
    return {"ts": 1000.0 + step, "type": "image", "data": {"key": key, "path": path, "step": step, "caption": caption}}


@pytest.fixture
def run_with_images(storage_root, reindex):
    events = [
        metric_event(1, 1001.0, loss=1.0),
        _image_event(1, "samples", "media/1_a_samples.png", "first"),
        metric_event(2, 1002.0, loss=0.5),
        _image_event(2, "samples", "media/2_b_samples.png"),
    ]
    run_dir = make_run(storage_root, events=events)
    (run_dir / "media").mkdir()
    (run_dir / "media" / "1_a_samples.png").write_bytes(PNG)
    (run_dir / "media" / "2_b_samples.png").write_bytes(PNG)
    (run_dir / "media" / "page.html").write_text("<script>alert(1)</script>")
    (storage_root / "secret.txt").write_text("not yours")
    reindex()
    return run_dir


def test_it_lists_image_events_in_file_order(api, run_with_images):
    resp = api.get(f"/api/runs/{run_with_images.name}/images")
    assert resp.status_code == 200
    images = resp.json()["images"]
    assert [(i["key"], i["path"], i["step"], i["caption"]) for i in images] == [
        ("samples", "media/1_a_samples.png", 1, "first"),
        ("samples", "media/2_b_samples.png", 2, None),
    ]


def test_it_reads_only_new_lines_when_the_run_logs_more(api, run_with_images):
    run_id = run_with_images.name
    assert len(api.get(f"/api/runs/{run_id}/images").json()["images"]) == 2
    with open(run_with_images / "events.jsonl", "a") as fh:
        fh.write(json.dumps(_image_event(3, "masks", "media/3_c_masks.png")) + "\n")
        fh.write('{"ts": 1, "type": "image", "data": {"key": "half')  # unfinished line: not yet
    images = api.get(f"/api/runs/{run_id}/images").json()["images"]
    assert [i["key"] for i in images] == ["samples", "samples", "masks"]


def test_it_serves_an_image_inline(api, run_with_images):
    resp = api.get(f"/api/runs/{run_with_images.name}/media/media/1_a_samples.png")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "image/png"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resp.streaming_content) == PNG
    # The file name alone (without the media/ prefix of the event) works too.
    assert api.get(f"/api/runs/{run_with_images.name}/media/2_b_samples.png").status_code == 200


def test_other_files_are_downloads_never_pages(api, run_with_images):
    resp = api.get(f"/api/runs/{run_with_images.name}/media/page.html")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/octet-stream"
    assert resp["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "path", ["../../../../secret.txt", "media/../../events.jsonl", "..%2F..%2Fsecret.txt", ".hidden", "nope.png"]
)
def test_it_refuses_paths_outside_media(api, run_with_images, path):
    resp = api.get(f"/api/runs/{run_with_images.name}/media/{path}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Media file not found"}


def test_a_symlink_out_of_media_is_refused(api, run_with_images, storage_root):
    (run_with_images / "media" / "link.png").symlink_to(storage_root / "secret.txt")
    assert api.get(f"/api/runs/{run_with_images.name}/media/link.png").status_code == 404


@pytest.mark.parametrize("run_id", ["20250101_000000_zzzzzz", "not-a-run-id"])
def test_unknown_runs_are_404(api, storage_root, run_id):
    assert api.get(f"/api/runs/{run_id}/images").json() == {"detail": "Run not found"}
    assert api.get(f"/api/runs/{run_id}/media/x.png").status_code == 404
