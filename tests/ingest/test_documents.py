"""Declaring runs, replacing documents, media once; the run shows in the index at once."""

from __future__ import annotations

import hashlib
import json

import pytest

from .conftest import RUN_ID, tree

META = json.dumps({"id": RUN_ID, "project": "vision", "name": "resnet", "created_at": 1736840000.0,
                   "hostname": "gpu-7", "pid": 1}, indent=2).encode()
STATUS = b'{\n  "status": "running",\n  "started_at": 1736840000.0\n}'


@pytest.fixture
def declared(up):  # type: ignore[no-untyped-def]
    assert up.declare().status_code == 201


def test_declaring_twice_answers_the_servers_state(up):
    first = up.declare()
    up.append(b"10:00:00 | hi\n", 0, file="logs.txt")

    second = up.declare()

    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["files"] == {"events.jsonl": 0, "logs.txt": 14}
    assert second.json()["owner"] is None  # embedded profile: nobody logs in


def test_the_same_id_under_another_project_gets_409(up):
    up.declare()

    response = up.declare(project="other")

    assert response.status_code == 409
    assert response.json() == {"detail": f"Run {RUN_ID} is declared as vision/resnet, not other/resnet"}


@pytest.mark.parametrize("body", [
    {"project": "vision", "name": "resnet", "run_id": "../../etc"},
    {"project": "..", "name": "resnet", "run_id": RUN_ID},
    {"project": "vision", "name": "a/b", "run_id": RUN_ID},
    {"project": "vision", "name": ".hidden", "run_id": RUN_ID},
    {"project": "", "name": "resnet", "run_id": RUN_ID},
    ["not", "an", "object"],
])
def test_bad_declarations_get_400_and_create_nothing(up, storage_root, body):
    before = tree(storage_root)

    response = up.post_json("/api/ingest/runs", body)

    assert response.status_code == 400, response.content
    assert tree(storage_root) == before


def test_a_document_is_stored_byte_for_byte_and_the_run_is_indexed(up, declared, run_path):
    up.put(f"/api/ingest/runs/{RUN_ID}/files/meta.json", META)

    response = up.put(f"/api/ingest/runs/{RUN_ID}/files/status.json", STATUS)

    assert response.status_code == 200
    digest = hashlib.sha256(STATUS).hexdigest()
    assert response.json() == {"file": "status.json", "bytes": len(STATUS), "sha256": digest}
    assert (run_path / "status.json").read_bytes() == STATUS
    listed = up.client.get("/api/runs").json()  # indexed by the upload itself, no watcher running
    assert [(r["id"], r["status"]) for r in listed] == [(RUN_ID, "running")]
    detail = up.client.get(f"/api/runs/{RUN_ID}").json()
    assert detail["hostname"] == "gpu-7" and detail["owner"] is None


@pytest.mark.parametrize(("name", "body", "status"), [
    ("notes.txt", b"{}", 400),
    (".deleted", b"{}", 400),
    ("events.jsonl", b"{}", 400),
    ("status.json", b"not json", 400),
    ("status.json", b"[1, 2]", 400),
])
def test_bad_documents_get_4xx_and_change_nothing(up, declared, storage_root, name, body, status):
    before = tree(storage_root)

    response = up.put(f"/api/ingest/runs/{RUN_ID}/files/{name}", body)

    assert response.status_code == status, response.content
    assert tree(storage_root) == before


def test_a_media_file_is_stored_once(up, declared, run_path):
    first = up.put(f"/api/ingest/runs/{RUN_ID}/media/samples_3.png", b"\x89PNG...")
    again = up.put(f"/api/ingest/runs/{RUN_ID}/media/samples_3.png", b"\x89PNG...")
    other = up.put(f"/api/ingest/runs/{RUN_ID}/media/samples_3.png", b"\x89PNG other")

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert (run_path / "media" / "samples_3.png").read_bytes() == b"\x89PNG..."
    assert sorted(p.name for p in (run_path / "media").iterdir()) == ["samples_3.png"]


@pytest.mark.parametrize("name", [".hidden.png", "..", "a\x01b.png"])
def test_bad_media_names_get_400(up, declared, storage_root, name):
    before = tree(storage_root)

    response = up.put(f"/api/ingest/runs/{RUN_ID}/media/{name}", b"x")

    assert response.status_code in (400, 404), response.content
    assert tree(storage_root) == before


def test_uploads_from_another_machine_are_refused_without_accounts(up, storage_root):
    before = tree(storage_root)

    response = up.client.post("/api/ingest/runs", json.dumps({"project": "p", "name": "n", "run_id": RUN_ID}),
                              content_type="application/json", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 403
    assert "accepts uploads from this machine only" in response.json()["detail"]
    assert tree(storage_root) == before


def test_a_document_nested_too_deeply_gets_400(up, declared, run_path):
    response = up.put(f"/api/ingest/runs/{RUN_ID}/files/summary.json", b"[" * 2000 + b"]" * 2000)

    assert response.status_code == 400
    assert response.json() == {"detail": "summary.json must be a JSON object: it is nested too deeply"}
    assert not (run_path / "summary.json").exists()


def test_a_project_folder_linked_out_of_the_root_is_never_written_through(up, storage_root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (storage_root / "elsewhere").symlink_to(outside, target_is_directory=True)

    response = up.declare(project="elsewhere")

    assert response.status_code == 400
    assert response.json() == {"detail": "elsewhere/resnet leads outside the storage root; nothing was written"}
    assert list(outside.iterdir()) == []
