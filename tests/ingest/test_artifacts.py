"""Blobs by digest and artifact versions numbered by the server."""

from __future__ import annotations

import hashlib
import json

import pytest
from runicorn.artifacts import store

from .conftest import RUN_ID, tree

CONTENT = b"model weights"
DIGEST = hashlib.sha256(CONTENT).hexdigest()


def manifest_text(digest: str = DIGEST, size: int = len(CONTENT), path: str = "model.pt") -> str:
    return json.dumps({"files": [{"path": path, "size": size, "digest": f"sha256:{digest}", "modified_at": 1.0}],
                       "references": [], "total_size": size, "total_files": 1, "total_references": 0,
                       "created_at": 1.0}, indent=2)


def version_body(version: int = 1, **manifest: object) -> dict[str, object]:
    return {"type": "model", "name": "resnet-weights", "version": version, "manifest": manifest_text(**manifest),
            "metadata": {"description": "w", "tags": ["best"], "metadata": {"acc": 0.9}, "aliases": ["latest"]}}


@pytest.fixture(autouse=True)
def declared(up):  # type: ignore[no-untyped-def]
    assert up.declare().status_code == 201


def test_a_blob_is_stored_once_and_found_by_digest(up, storage_root):
    assert up.client.get(f"/api/ingest/blobs/{DIGEST}").status_code == 404
    assert up.post_json("/api/ingest/blobs/missing", {"digests": [DIGEST]}).json() == {"missing": [DIGEST]}

    first = up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)
    again = up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)

    assert (first.status_code, again.status_code) == (201, 200)
    assert up.client.head(f"/api/ingest/blobs/{DIGEST}").status_code == 200
    assert up.post_json("/api/ingest/blobs/missing", {"digests": [DIGEST]}).json() == {"missing": []}
    assert (storage_root / "artifacts" / ".dedup" / DIGEST[:2] / DIGEST).read_bytes() == CONTENT


def test_a_blob_whose_bytes_have_another_digest_is_not_stored(up, storage_root):
    response = up.put(f"/api/ingest/blobs/{DIGEST}", b"something else")

    assert response.status_code == 400 and "nothing was stored" in response.json()["detail"]
    pool = storage_root / "artifacts" / ".dedup"
    assert [p for p in pool.rglob("*") if p.is_file()] == []  # neither the object nor a temporary file


@pytest.mark.parametrize("digest", ["abc", DIGEST.upper(), "../" + DIGEST[3:]])
def test_bad_digests_get_4xx(up, digest):
    assert up.put(f"/api/ingest/blobs/{digest}", CONTENT).status_code in (400, 404)


def test_a_version_needs_its_blobs_first(up, storage_root):
    response = up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body())

    assert response.status_code == 409
    assert response.json()["missing"] == [DIGEST]
    assert not (storage_root / "artifacts" / "model").exists()


def test_the_server_numbers_versions_and_a_retry_gets_the_same_number(up, storage_root):
    up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)

    first = up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body(1))
    retry = up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body(1))
    second = up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body(2))

    assert (first.status_code, retry.status_code, second.status_code) == (201, 200, 201)
    assert (first.json()["version"], retry.json()["version"], second.json()["version"]) == (1, 1, 2)
    art = store.load(storage_root, "model", "resnet-weights", 1)
    assert art.created_by_run == RUN_ID and art.info["tags"] == ["best"]
    assert (storage_root / "artifacts/model/resnet-weights/v1/manifest.json").read_text() == manifest_text()
    out = store.download(storage_root, "model", "resnet-weights", 1, storage_root.parent / "out")
    assert (out / "model.pt").read_bytes() == CONTENT


def test_artifacts_created_names_the_servers_numbers(up, storage_root, run_path):
    up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)
    other_run = "20250114_153045_bbbbbb"
    up.declare(run_id=other_run)
    up.post_json(f"/api/ingest/runs/{other_run}/artifacts", version_body(1))  # another job took v1
    up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body(1))
    local = json.dumps({"artifacts": [{"name": "resnet-weights", "type": "model", "version": 1}]}).encode()

    up.put(f"/api/ingest/runs/{RUN_ID}/files/artifacts_created.json", local)

    stored = json.loads((run_path / "artifacts_created.json").read_text())
    assert stored["artifacts"][0]["version"] == 2


@pytest.mark.parametrize("body", [
    version_body(path="../escape.pt"),
    version_body(path="/etc/passwd"),
    version_body(digest="nothex"),
    {**version_body(), "type": "weights"},
    {**version_body(), "name": "a:b"},
    {**version_body(), "version": 0},
    {**version_body(), "manifest": "{not json"},
    "just a string",
])
def test_bad_version_records_get_400_and_change_nothing(up, storage_root, body):
    up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)
    before = tree(storage_root)

    response = up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", body)

    assert response.status_code == 400, response.content
    assert tree(storage_root) == before


def test_artifacts_used_names_the_servers_number_of_the_same_content(up, storage_root, run_path):
    # Two jobs on two machines each logged "resnet-weights" as their v1; the server holds them as
    # v1 and v2. A third job, on the second machine, used its local v1: the second job's upload.
    up.put(f"/api/ingest/blobs/{DIGEST}", CONTENT)
    other = "20250114_153045_bbbbbb"
    up.declare(run_id=other)
    up.post_json(f"/api/ingest/runs/{other}/artifacts", version_body(1, path="first.pt"))
    up.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", version_body(1))
    digest = hashlib.sha256(manifest_text().encode()).hexdigest()
    assert store.load(storage_root, "model", "resnet-weights", 2).info["manifest_digest"] == digest
    local = json.dumps({"artifacts": [
        {"name": "resnet-weights", "type": "model", "version": 1, "manifest_digest": digest},
        {"name": "resnet-weights", "type": "model", "version": 1},  # an older SDK: no digest, kept
    ]}).encode()

    response = up.put(f"/api/ingest/runs/{RUN_ID}/files/artifacts_used.json", local)

    assert response.status_code == 200
    stored = json.loads((run_path / "artifacts_used.json").read_text())
    assert [e["version"] for e in stored["artifacts"]] == [2, 1]


def test_the_sdk_records_which_content_a_run_used(storage_root):
    import runicorn as rn

    weights = storage_root.parent / "w.pt"
    weights.write_bytes(CONTENT)
    run = rn.init(project="p", name="n", storage=storage_root)
    try:
        version = run.log_artifact(rn.Artifact("w", type="model").add_file(str(weights)))
        run.use_artifact(f"w:v{version}")
    finally:
        run.finish()

    used = json.loads((run.run_dir / "artifacts_used.json").read_text())["artifacts"]
    assert used[0]["manifest_digest"] == store.load(storage_root, "model", "w", version).info["manifest_digest"]
