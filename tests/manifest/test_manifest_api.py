"""POST /api/manifest/generate and GET /api/manifest/tasks/{id}, embedded profile (no broker)."""

from __future__ import annotations

import fcntl
import json
import threading
import uuid

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.jobs import beat
from runicorn_site.celery import app as celery_app
from tests.factories import make_run
from tests.fixtures.live_server import wait_until
from tests.manifest.helpers import make_root

# Tasks are queued on commit (transaction.on_commit), which needs a database connection.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def _state(client: APIClient, task_id: str) -> dict:
    response = client.get(f"/api/manifest/tasks/{task_id}")
    assert response.status_code == 200, response.content
    return response.json()


def test_generate_is_queued_off_the_request_path_and_reports_success(client, storage_root):
    make_root(storage_root, 4)
    lock_dir = storage_root / ".runicorn"
    lock_dir.mkdir()
    # Hold the generator's lock: the request must still answer at once, the task waits.
    with open(lock_dir / ".manifest.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        response = client.post("/api/manifest/generate", {"type": "active"}, format="json")
        assert response.status_code == 202
        body = response.json()
        task_id = body["task_id"]
        assert body["state"] == "PENDING" and body["manifest_type"] == "active"
        assert body["status_url"] == f"/api/manifest/tasks/{task_id}"
        wait_until(lambda: _state(client, task_id)["state"] == "STARTED", timeout=60)
        assert not (lock_dir / "active_manifest.json").exists()
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)

    wait_until(lambda: _state(client, task_id)["state"] == "SUCCESS", timeout=60)
    done = _state(client, task_id)
    assert done["task_id"] == task_id and done["name"] == "runicorn.manifest.generate"
    assert done["error"] is None and done["finished_at"] >= done["started_at"] >= done["submitted_at"]
    result = done["result"]
    assert result["manifest_type"] == "active" and result["revision"] == 1
    assert result["total_experiments"] == 0  # make_root's runs were written an hour ago
    written = json.loads((lock_dir / "active_manifest.json").read_bytes())
    assert written["snapshot_id"] == result["snapshot_id"]


def test_full_is_the_default_type(client, storage_root):
    make_run(storage_root)
    task_id = client.post("/api/manifest/generate", {}, format="json").json()["task_id"]
    wait_until(lambda: _state(client, task_id)["state"] == "SUCCESS", timeout=60)
    assert _state(client, task_id)["result"]["total_experiments"] == 1


def test_a_failing_generation_reports_failure(client, storage_root):
    (storage_root / ".runicorn").write_text("a file where the manifest directory should be")
    task_id = client.post("/api/manifest/generate", {"type": "full"}, format="json").json()["task_id"]
    wait_until(lambda: _state(client, task_id)["state"] == "FAILURE", timeout=60)
    state = _state(client, task_id)
    assert state["result"] is None and "Error" in state["error"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"type": "weekly"}, "type must be one of 'full', 'active', got 'weekly'"),
        ({"type": 1}, "type must be one of 'full', 'active', got 1"),
        (["full"], 'Body must be a JSON object such as {"type": "full"}'),
    ],
)
def test_generate_rejects_bad_bodies(client, storage_root, body, detail):
    response = client.post("/api/manifest/generate", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_generate_rejects_invalid_json(client, storage_root):
    response = client.post("/api/manifest/generate", "{not json", content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.json()["detail"]


def test_task_status_validates_the_id(client):
    response = client.get("/api/manifest/tasks/not-a-uuid")
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid task id format: 'not-a-uuid' (expected a UUID)"}
    unknown = str(uuid.uuid4())
    response = client.get(f"/api/manifest/tasks/{unknown}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Task not found: {unknown}"}


def test_the_beat_schedule_has_the_manifest_entries():
    schedule = celery_app.conf.beat_schedule
    assert schedule["manifest-full"] == {
        "task": "runicorn.manifest.generate", "schedule": 300.0, "kwargs": {"manifest_type": "full"},
    }
    assert schedule["manifest-active"]["schedule"] == 60.0
    assert schedule["manifest-active"]["kwargs"] == {"manifest_type": "active"}
    assert schedule["index-reconcile"]["task"] == "runicorn.index.reconcile"
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "runicorn"


def test_the_embedded_beat_runs_the_schedule(storage_root):
    make_run(storage_root)
    stop = threading.Event()
    entries = {
        "manifest-full": {"task": "runicorn.manifest.generate", "schedule": 0.2,
                          "kwargs": {"manifest_type": "full", "root": str(storage_root)}},
    }
    thread = threading.Thread(target=beat.run_schedule, args=(entries, stop), daemon=True)
    thread.start()
    state_file = storage_root / ".runicorn" / ".manifest_state.json"
    try:
        wait_until(lambda: state_file.exists() and json.loads(state_file.read_text())["last_revision"] >= 2,
                   timeout=60)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
