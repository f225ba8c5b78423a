"""#15.1: symlinks planted inside the storage root never expose files outside it.

Anyone who can write into the root (any training job) can plant a link. Each test plants one on a
run or an artifact written by the real SDK and asks for it through the API as a client would.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import runicorn as rn
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.metrics.routing import websocket_urlpatterns
from apps.runs.models import Run

SECRET = "TOP-SECRET"


def _sdk_run(root: Path, *, logs: bool = True) -> rn.Run:
    run = rn.Run(project="proj", name="exp", storage=root)
    run.log({"loss": 0.5})
    if logs:
        run.log_text("hello")
    run.finish()
    return run


def _relink(path: Path, target: Path) -> None:
    """Replace ``path`` (a file or a folder the SDK wrote) by a symlink to ``target``."""
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


@pytest.mark.django_db
def test_artifact_files_folder_linked_outside_is_not_served(api, storage_root, reindex, secrets_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "secrets.key").write_text("harmless\n")
    run = rn.Run(project="proj", name="exp", storage=storage_root)
    run.log_artifact(rn.Artifact("stolen", type="model").add_file(src / "secrets.key"))
    run.finish()
    vdir = storage_root / "artifacts" / "model" / "stolen" / "v1"
    _relink(vdir / "files", secrets_dir)  # manifest.json already lists secrets.key
    reindex()

    download = api.get("/api/artifacts/stolen/v1/files/secrets.key?type=model")
    listing = api.get("/api/artifacts/stolen/v1/files?type=model").json()

    assert download.status_code == 404, b"".join(getattr(download, "streaming_content", [download.content]))
    assert download.json() == {"detail": "File not found: secrets.key in stolen:v1"}
    assert [f["absolute_path"] for f in listing["files"]] == [None]


@pytest.mark.django_db
def test_artifact_version_folder_linked_outside_is_not_found(api, storage_root, reindex, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "w.bin").write_text("weights")
    run = rn.Run(project="proj", name="exp", storage=storage_root)
    run.log_artifact(rn.Artifact("net", type="model").add_file(src / "w.bin"))
    run.finish()
    adir = storage_root / "artifacts" / "model" / "net"
    outside = tmp_path / "elsewhere-v1"
    (adir / "v1").rename(outside)  # a whole version that lives outside the root, linked in
    (adir / "v1").symlink_to(outside)

    assert api.get("/api/artifacts/net/v1?type=model").status_code == 404
    assert api.get("/api/artifacts/net/v1/files/w.bin?type=model").status_code == 404


@pytest.mark.django_db
def test_media_folder_linked_outside_is_not_served(api, storage_root, reindex, secrets_dir):
    run = _sdk_run(storage_root)
    (run.run_dir / "media").mkdir(exist_ok=True)
    _relink(run.run_dir / "media", secrets_dir)
    reindex()

    answer = api.get(f"/api/runs/{run.id}/media/secrets.key")

    assert answer.status_code == 404
    assert answer.json() == {"detail": "Media file not found"}


@pytest.mark.django_db
def test_a_media_file_linked_outside_is_not_served(api, storage_root, reindex, secrets_dir):
    run = _sdk_run(storage_root)
    (run.run_dir / "media").mkdir(exist_ok=True)
    (run.run_dir / "media" / "img.png").symlink_to(secrets_dir / "secrets.key")
    reindex()

    assert api.get(f"/api/runs/{run.id}/media/img.png").status_code == 404


@pytest.mark.django_db
def test_events_linked_outside_feed_no_endpoint(api, storage_root, reindex, secrets_dir):
    run = _sdk_run(storage_root)
    _relink(run.run_dir / "events.jsonl", secrets_dir / "events.jsonl")
    reindex()

    answers = [
        api.get(f"/api/runs/{run.id}/metrics_step"),
        api.get(f"/api/v2/experiments/{run.id}/metrics/fast"),
        api.get(f"/api/runs/{run.id}/images"),
        api.get(f"/api/export/{run.id}/csv"),
        api.get(f"/api/export/{run.id}/report?format=markdown"),
        api.get(f"/api/v2/experiments/{run.id}"),
    ]

    for answer in answers:
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert b"31337" not in body and b"secret" not in body, (answer.status_code, body[:300])


@pytest.mark.django_db
def test_environment_linked_outside_is_not_read(api, storage_root, reindex, secrets_dir):
    run = _sdk_run(storage_root)
    (run.run_dir / "environment.json").symlink_to(secrets_dir / "environment.json")
    reindex()

    answer = api.get(f"/api/environment/{run.id}")

    assert answer.status_code == 200
    assert SECRET not in answer.content.decode()
    assert answer.json()["available"] is False


@pytest.mark.django_db
def test_run_folder_linked_outside_is_not_indexed_and_logged_once(storage_root, reindex, tmp_path, caplog):
    outside_root = tmp_path / "other-root"
    run = _sdk_run(outside_root)
    runs = storage_root / "proj" / "exp" / "runs"
    runs.mkdir(parents=True)
    (runs / run.id).symlink_to(run.run_dir)
    linked_project = tmp_path / "linked-project"
    (linked_project / "exp" / "runs").mkdir(parents=True)
    other = _sdk_run(tmp_path / "third-root")
    os.rename(other.run_dir, linked_project / "exp" / "runs" / other.id)
    (storage_root / "proj2").symlink_to(linked_project)  # a project folder linked outside

    with caplog.at_level(logging.WARNING, logger="apps.runs.indexer"):
        reindex()
        reindex(full=True)

    assert not Run.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if "outside the storage root" in r.getMessage()]
    assert len(warnings) == 2, warnings  # one per run folder, not one per scan
    assert any(run.id in w for w in warnings) and any(other.id in w for w in warnings)


@pytest.mark.django_db
def test_a_link_to_another_run_inside_the_root_is_still_indexed(storage_root, reindex, tmp_path):
    run = _sdk_run(storage_root)
    alias = storage_root / "proj" / "alias" / "runs"
    alias.mkdir(parents=True)
    (storage_root / "proj" / "exp2").symlink_to(storage_root / "proj" / "exp")  # inside: allowed

    reindex()

    assert Run.objects.filter(run_id=run.id).exists()


@pytest.mark.django_db
def test_run_artifacts_of_a_run_not_in_the_index_is_404_without_a_walk(api, storage_root, reindex):
    run = _sdk_run(storage_root)  # on disk, but the index has not seen it

    answer = api.get(f"/api/runs/{run.id}/artifacts")

    assert answer.status_code == 404
    assert answer.json() == {"detail": f"Run not found: {run.id}"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_logs_websocket_does_not_stream_a_linked_file(storage_root, reindex, secrets_dir):
    run = await sync_to_async(_sdk_run)(storage_root)
    _relink(run.run_dir / "logs.txt", secrets_dir / "secrets.key")
    await sync_to_async(reindex)()

    comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/api/runs/{run.id}/logs/ws")
    connected, _ = await comm.connect()
    assert connected
    try:
        first = await comm.receive_from(timeout=5)
        quiet = await comm.receive_nothing(timeout=1)
    finally:
        await comm.disconnect()

    assert first == "[info] No logs yet: waiting for logs.txt to be written..."  # a link is no log file
    assert quiet


def test_manifest_written_by_the_sdk_lists_the_file(storage_root, tmp_path):
    """The artifact attack relies on the manifest naming the file; make sure the SDK does."""
    src = tmp_path / "s"
    src.mkdir()
    (src / "secrets.key").write_text("x")
    run = rn.Run(project="proj", name="exp", storage=storage_root)
    run.log_artifact(rn.Artifact("m", type="model").add_file(src / "secrets.key"))
    run.finish()
    manifest = json.loads((storage_root / "artifacts" / "model" / "m" / "v1" / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == ["secrets.key"]


@pytest.mark.django_db
def test_a_summary_linked_outside_is_not_indexed(api, storage_root, reindex, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"aws_key": "TOP-SECRET-AWS"}))
    run = _sdk_run(storage_root)
    _relink(run.run_dir / "summary.json", secret)
    reindex()

    detail = api.get(f"/api/runs/{run.id}")
    v2 = api.get(f"/api/v2/experiments/{run.id}")

    assert detail.status_code == 200 and v2.status_code == 200
    assert SECRET not in detail.content.decode() + v2.content.decode()
