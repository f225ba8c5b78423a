"""GET /api/config and POST /api/config/user_root_dir: the root switches at once, re-indexed."""

from __future__ import annotations

import json
import os

import pytest
import runicorn

from tests.factories import make_run
from tests.fixtures.live_server import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_config_reports_root_config_file_and_version(client, config_home, storage_root):
    body = client.get("/api/config").json()

    assert body == {
        "user_root_dir": "",
        "storage": str(storage_root),
        "storage_source": "RUNICORN_DIR",  # the test session's environment
        "config_file": str(config_home / "config.json"),
        "version": runicorn.__version__,
    }


def test_setting_user_root_dir_serves_the_new_root_at_once(client, config_home, storage_root, tmp_path):
    make_run(storage_root, "old", "exp")
    new_root = tmp_path / "elsewhere"
    run_dir = make_run(new_root, "vision", "resnet")

    answer = client.post("/api/config/user_root_dir", {"path": str(new_root)}, format="json")

    assert answer.status_code == 200
    assert answer.json()["ok"] is True
    assert answer.json()["storage"] == answer.json()["user_root_dir"] == str(new_root)
    assert [r["id"] for r in client.get("/api/runs").json()] == [run_dir.name]  # old root's run is gone
    assert client.get("/api/config").json()["storage"] == str(new_root)
    saved = json.loads((config_home / "config.json").read_text())
    assert saved["user_root_dir"] == str(new_root)  # the SDK and the next start use it too


def test_a_missing_root_is_created(client, storage_root, tmp_path):
    target = tmp_path / "new" / "deep" / "root"

    answer = client.post("/api/config/user_root_dir", {"path": str(target)}, format="json")

    assert answer.status_code == 200
    assert target.is_dir()


def test_home_and_variables_are_expanded(client, storage_root, tmp_path, monkeypatch):
    monkeypatch.setenv("RN_TEST_BASE", str(tmp_path))

    answer = client.post("/api/config/user_root_dir", {"path": "$RN_TEST_BASE/from-var"}, format="json")

    assert answer.status_code == 200
    assert answer.json()["storage"] == str(tmp_path / "from-var")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("relative/dir", "must be absolute"),
        ("", "path is required"),
        (None, "path is required"),
        (42, "path is required"),
    ],
)
def test_bad_paths_are_refused_with_the_reason(client, storage_root, path, reason):
    answer = client.post("/api/config/user_root_dir", {"path": path}, format="json")

    assert answer.status_code == 400
    assert reason in answer.json()["detail"]
    assert client.get("/api/config").json()["storage"] == str(storage_root)  # nothing switched


def test_a_file_is_not_a_root(client, storage_root, tmp_path):
    file = tmp_path / "a-file"
    file.write_text("x")

    answer = client.post("/api/config/user_root_dir", {"path": str(file)}, format="json")

    assert answer.status_code == 400
    assert "is not a directory" in answer.json()["detail"]


def test_a_path_that_cannot_be_created_is_refused(client, storage_root, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")

    answer = client.post("/api/config/user_root_dir", {"path": str(blocker / "sub")}, format="json")

    assert answer.status_code == 400
    assert "cannot be created" in answer.json()["detail"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any directory whatever its mode")
def test_an_unwritable_directory_is_refused(client, storage_root, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)

    answer = client.post("/api/config/user_root_dir", {"path": str(locked)}, format="json")

    assert answer.status_code == 400
    assert "is not writable" in answer.json()["detail"]
    assert client.get("/api/config").json()["storage"] == str(storage_root)


@pytest.mark.parametrize("path", ["/", "/proc", "/proc/self", "/etc", "/sys/fs"])
def test_system_directories_are_never_roots(client, storage_root, path):
    answer = client.post("/api/config/user_root_dir", {"path": path}, format="json")

    assert answer.status_code == 400
    assert "is a system directory" in answer.json()["detail"]


def test_a_body_that_is_not_an_object_is_refused(client, storage_root):
    answer = client.post("/api/config/user_root_dir", ["/tmp"], format="json")

    assert answer.status_code == 400


def test_the_written_config_keeps_other_keys(client, config_home, storage_root, tmp_path):
    config_home.mkdir(parents=True)
    (config_home / "config.json").write_text(json.dumps({"ui": {"theme": "dark"}}))

    client.post("/api/config/user_root_dir", {"path": str(tmp_path / "r")}, format="json")

    assert json.loads((config_home / "config.json").read_text())["ui"] == {"theme": "dark"}


def test_a_running_indexer_follows_the_new_root(client, storage_root, tmp_path, settings):
    from apps.runs import watcher

    settings.RUNICORN_LIVENESS_SECONDS = 0.5  # the watch loop wakes this often to look at its root
    thread = watcher.start_watcher()
    try:
        assert thread.ready.wait(10)
        new_root = tmp_path / "followed"
        client.post("/api/config/user_root_dir", {"path": str(new_root)}, format="json")
        wait_until(lambda: thread.root == new_root, timeout=10)
        run_dir = make_run(new_root, "live", "exp")  # written after the switch: seen by the watcher
        wait_until(lambda: run_dir.name in [r["id"] for r in client.get("/api/runs").json()], timeout=10)
    finally:
        watcher.stop_watcher()
        thread.join(timeout=10)
