"""GET/DELETE /api/artifacts...: the reference's fields and errors, file download, a run's artifacts,
and the refusals (bad names, types, versions, paths; a version in use by a running run)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import runicorn as rn

from apps.runs import indexer
from apps.runs.storage import get_storage_root, set_storage_root
from tests.artifacts.conftest import artifact_dir, write_file

pytestmark = pytest.mark.django_db


@dataclass
class Stored:
    root: Path
    producer: str
    trainer: str


def _populate(root: Path, src: Path) -> Stored:
    write_file(src / "train.csv", "x,y\n1,2\n")
    write_file(src / "test" / "part-0.csv", "x,y\n3,4\n")
    producer = rn.Run(project="data", name="prep", storage=root)
    ds = rn.Artifact("cifar", type="dataset", description="images", metadata={"rows": 2})
    ds.add_file(src / "train.csv").add_dir(src / "test", name="test").add_reference("s3://b/raw.tar", size=10)
    producer.log_artifact(ds)
    write_file(src / "train.csv", "x,y\n1,2\n5,6\n")
    producer.log_artifact(rn.Artifact("cifar", type="dataset").add_file(src / "train.csv"))
    producer.finish()
    trainer = rn.Run(project="vision", name="resnet", storage=root)
    trainer.use_artifact("cifar:v1")
    write_file(src / "model.pt", b"\x00weights")
    trainer.log_artifact(rn.Artifact("resnet", type="model").add_file(src / "model.pt").add_tags("baseline"))
    trainer.finish()
    return Stored(root, producer.id, trainer.id)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Stored:
    """Written once per module by the SDK; tests that only read share it."""
    work = tmp_path_factory.mktemp("artifact-endpoints")
    return _populate(work / "root", work / "src")


def _serve(root: Path) -> Iterator[None]:
    previous = get_storage_root()
    set_storage_root(root)
    indexer.sync_index(root)
    yield
    set_storage_root(previous)


@pytest.fixture
def stored(template: Stored, db) -> Iterator[Stored]:  # type: ignore[no-untyped-def]
    yield from (template for _ in _serve(template.root))


@pytest.fixture
def fresh(template: Stored, tmp_path: Path, db) -> Iterator[Stored]:  # type: ignore[no-untyped-def]
    """A private copy for tests that change the disk."""
    root = tmp_path / "root"
    shutil.copytree(template.root, root)
    yield from (Stored(root, template.producer, template.trainer) for _ in _serve(root))


def test_list_filters_by_type_and_sorts_newest_first(api, stored):
    body = api.get("/api/artifacts").json()
    assert [(a["name"], a["type"]) for a in body] == [("resnet", "model"), ("cifar", "dataset")]
    cifar = body[1]
    assert set(cifar) == {"name", "type", "num_versions", "latest_version", "size_bytes", "created_at",
                          "updated_at", "aliases"}
    assert (cifar["num_versions"], cifar["latest_version"], cifar["size_bytes"]) == (2, 2, 12)
    assert cifar["aliases"] == {"latest": 2}
    assert [a["name"] for a in api.get("/api/artifacts?type=dataset").json()] == ["cifar"]
    assert api.get("/api/artifacts?type=code").json() == []


def test_versions_detail_and_files(api, stored):
    versions = api.get("/api/artifacts/cifar/versions").json()
    assert [(v["version"], v["aliases"], v["created_by_run"]) for v in versions] == [
        (1, [], stored.producer), (2, ["latest"], stored.producer)]
    detail = api.get("/api/artifacts/cifar/v1?type=dataset").json()
    assert (detail["name"], detail["type"], detail["version"], detail["status"]) == ("cifar", "dataset", 1, "ready")
    assert (detail["num_files"], detail["num_references"], detail["size_bytes"]) == (2, 1, 8 + 8 + 10)
    assert detail["metadata"] == {"rows": 2} and detail["description"] == "images"
    assert len(detail["manifest_digest"]) == 64
    files = api.get("/api/artifacts/cifar/v1/files").json()
    assert files["artifact"] == "cifar:v1" and files["is_remote"] is False
    assert [f["path"] for f in files["files"]] == ["train.csv", "test/part-0.csv"]
    assert files["files"][0]["absolute_path"] == str(
        artifact_dir(stored.root, "dataset", "cifar") / "v1" / "files" / "train.csv")
    assert files["references"][0]["uri"] == "s3://b/raw.tar"
    assert (files["total_files"], files["total_references"], files["total_size"]) == (2, 1, 26)
    assert api.get("/api/artifacts/resnet/v1").json()["tags"] == ["baseline"]


def test_one_file_is_downloaded_with_length_and_digest_etag(api, stored):
    response = api.get("/api/artifacts/cifar/v1/files/test/part-0.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == b"x,y\n3,4\n"
    assert response["Content-Length"] == str(len(body))
    etag = f'"sha256:{hashlib.sha256(body).hexdigest()}"'
    assert response["ETag"] == etag
    assert api.get("/api/artifacts/cifar/v1/files/test/part-0.csv", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_runs_created_and_used_artifacts(api, stored):
    body = api.get(f"/api/runs/{stored.trainer}/artifacts").json()
    assert [(a["name"], a["version"], a["aliases"]) for a in body["created"]] == [("resnet", 1, ["latest"])]
    assert [(a["name"], a["version"], a["aliases"]) for a in body["used"]] == [("cifar", 1, [])]
    assert set(body["used"][0]) == {"name", "type", "version", "size_bytes", "created_at", "description",
                                    "aliases", "lifecycle_stage"}
    missing = api.get("/api/runs/20000101_000000_abcdef/artifacts")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Run not found: 20000101_000000_abcdef"})


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/artifacts/nope/versions", 404, "Artifact not found: nope"),
        ("/api/artifacts/nope/v1", 404, "Artifact not found: nope"),
        ("/api/artifacts/cifar/v9", 404, "Version not found: cifar:v9"),
        ("/api/artifacts/cifar/v9/files", 404, "Version not found: cifar:v9"),
        ("/api/artifacts/cifar/v1/files/nope.csv", 404, "File not found: nope.csv in cifar:v1"),
        ("/api/artifacts/cifar/vx", 400, "Invalid version: 'x' (expected a positive integer, as in /v3)"),
        ("/api/artifacts/cifar/v0", 400, "Invalid version: '0' (expected a positive integer, as in /v3)"),
        ("/api/artifacts?type=weights", 400, None),
        ("/api/artifacts/cifar/v1?type=weights", 400, None),
        ("/api/artifacts/a..b/versions", 400, "Invalid artifact name: artifact name must not contain '..', "
                                              "'/', '\\' or NUL"),
        ("/api/artifacts/" + "x" * 101 + "/v1", 400, "Invalid artifact name: artifact name must be at most "
                                                    "100 characters"),
        ("/api/artifacts/cifar/v1/files/a/%2E%2E/%2E%2E/v2/metadata.json", 400, None),
        ("/api/artifacts/cifar/v1/lineage?max_depth=deep", 400, "Invalid max_depth: 'deep' (expected an integer)"),
    ],
)
def test_bad_requests_get_a_clear_json_error(api, stored, url, status, detail):
    response = api.get(url)
    assert response.status_code == status, response.content
    if detail is not None:
        assert response.json() == {"detail": detail}
    else:
        assert isinstance(response.json()["detail"], str)


def test_soft_delete_hides_the_version_and_keeps_its_files(api, fresh):
    response = api.delete("/api/artifacts/cifar/v2")
    assert response.json() == {"success": True, "message": "Soft deleted cifar:v2 locally"}
    assert [v["version"] for v in api.get("/api/artifacts/cifar/versions").json()] == [1]
    listed = api.get("/api/artifacts?type=dataset").json()[0]
    assert (listed["num_versions"], listed["latest_version"], listed["aliases"]) == (1, 1, {"latest": 1})
    assert api.get("/api/artifacts/cifar/v2").json()["status"] == "deleted"
    assert (artifact_dir(fresh.root, "dataset", "cifar") / "v2" / "files" / "train.csv").exists()


def test_permanent_delete_removes_the_version(api, fresh):
    response = api.delete("/api/artifacts/cifar/v2?permanent=true")
    assert response.status_code == 200
    assert response.json()["message"] == "Permanently deleted cifar:v2 locally"
    assert response.json()["freed_bytes"] == 12  # v2's train.csv was its own content
    assert not (artifact_dir(fresh.root, "dataset", "cifar") / "v2").exists()
    assert api.get("/api/artifacts/cifar/v2").status_code == 404
    assert api.delete("/api/artifacts/cifar/v2?permanent=true").status_code == 404
    assert api.delete("/api/artifacts/cifar/v1?permanent=maybe").status_code == 400


def test_a_version_used_by_a_running_run_is_not_deleted(api, fresh):
    user = rn.Run(project="vision", name="finetune", storage=fresh.root)
    user.use_artifact("cifar:v2")
    indexer.sync_index(fresh.root)
    for url in ("/api/artifacts/cifar/v2", "/api/artifacts/cifar/v2?permanent=true"):
        response = api.delete(url)
        assert response.status_code == 409
        assert user.id in response.json()["detail"]
    assert api.get("/api/artifacts/cifar/v2").json()["status"] == "ready"
    user.finish()
    indexer.sync_index(fresh.root)
    assert api.delete("/api/artifacts/cifar/v2").status_code == 200
