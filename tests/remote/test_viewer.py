"""The remote viewer end to end: started on the "remote" over SSH, read through the local tunnel.

One viewer is started for the module (the slow part); the tests run in file order against it:
reading, status, logs, health, a dropped SSH session and the reconnect, and last the stop.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from apps.remote import connections, services
from tests.factories import make_run
from tests.fixtures.live_server import wait_until

from .conftest import VENV_NAME, key_body, kill_sessions, pid_alive, trust


@pytest.fixture(scope="module")
def module_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("viewer-xdg")
    patch.setenv("XDG_CONFIG_HOME", str(home))
    yield home
    patch.undo()


@pytest.fixture(scope="module")
def remote_root(remote_home: Path) -> Path:
    root = remote_home / "experiments"
    make_run(root, "vision", "resnet50")
    make_run(root, "nlp", "bert", status="failed")
    return root


@pytest.fixture(scope="module")
def started(module_config, remote_sshd, remote_root):  # type: ignore[no-untyped-def]
    trust(remote_sshd)
    cid = services.connect(key_body(remote_sshd))["connection_id"]
    answer = services.start_viewer({"connection_id": cid, "env_name": VENV_NAME, "remote_root": str(remote_root),
                                    "auto_open": False})
    viewer = connections.get(cid).viewer
    yield SimpleNamespace(cid=cid, answer=answer, url=answer["viewer"]["url"], pid=viewer.pid,
                          state_dir=Path(viewer.state_dir), server=remote_sshd, root=remote_root)
    connections.shutdown()


def run_ids(url: str) -> set[str]:
    return {run["id"] for run in requests.get(f"{url}/api/runs", timeout=10).json()}


def test_start_reports_a_local_url_to_the_remote_viewer(started):
    viewer = started.answer["viewer"]

    assert started.answer["success"] is True
    assert viewer["status"] == "running" and viewer["env_name"] == VENV_NAME
    assert viewer["url"] == f"http://127.0.0.1:{viewer['local_port']}"
    assert viewer["remote_root"] == str(started.root) and viewer["auto_open"] is False
    assert viewer["remote_port"] != viewer["local_port"]
    assert pid_alive(started.pid)


def test_the_remote_runs_are_read_through_the_tunnel(started):
    assert run_ids(started.url) == {p.name for p in started.root.glob("*/*/runs/*")}


def test_a_run_written_on_the_remote_shows_up(started):
    new_run = make_run(started.root, "vision", "vit")

    wait_until(lambda: new_run.name in run_ids(started.url), timeout=15, interval=0.2)


def test_the_remote_viewer_listens_on_the_server_loopback_only(started):
    remote_port = started.answer["viewer"]["remote_port"]
    addresses = {line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A"}  # listening sockets, local address column
    assert f"0100007F:{remote_port:04X}" in addresses  # 127.0.0.1 (little-endian hex)
    assert f"00000000:{remote_port:04X}" not in addresses  # not 0.0.0.0


def test_status_and_connection_list_report_the_viewer(client, started):
    status = client.get(f"/api/remote/viewer/status?connection_id={started.cid}").json()["viewer"]
    listed = client.get("/api/remote/connections").json()["connections"][0]

    assert (status["status"], status["health"], status["url"]) == ("running", "healthy", started.url)
    assert status["uptime_seconds"] >= 0 and status["pid"] == started.pid
    assert listed["viewer"] == {"status": "running", "local_port": status["local_port"],
                                "remote_port": status["remote_port"], "url": started.url}


def test_the_reference_ui_lists_the_viewer_as_a_session(client, started):
    answer = client.get("/api/remote/viewer/sessions")

    assert answer.status_code == 200
    (session,) = answer.json()["sessions"]
    viewer = started.answer["viewer"]
    assert session == {
        "sessionId": started.cid, "host": started.server.host, "sshPort": started.server.port,
        "username": started.server.user, "localPort": viewer["local_port"], "remotePort": viewer["remote_port"],
        "remoteRoot": str(started.root), "remotePid": started.pid, "status": "running",
        "startedAt": session["startedAt"], "uptimeSeconds": session["uptimeSeconds"], "isActive": True,
        "url": started.url,
    }
    assert session["uptimeSeconds"] >= 0 and session["startedAt"] > 1_700_000_000_000  # milliseconds


def test_logs_return_the_remote_viewers_output(client, started):
    requests.get(f"{started.url}/api/runs", timeout=10)

    answer = client.get(f"/api/remote/viewer/logs?connection_id={started.cid}&lines=500")
    two = client.get(f"/api/remote/viewer/logs?connection_id={started.cid}&lines=2")
    bad = client.get(f"/api/remote/viewer/logs?connection_id={started.cid}&lines=0")

    assert any("Runicorn viewer: storage root" in line for line in answer.json()["logs"])
    assert any('"GET /api/runs"' in line for line in answer.json()["logs"])
    assert two.json()["total_lines"] == 2
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_parameters")


def test_health_and_ping_pass(client, started):
    health = client.get(f"/api/remote/health?connection_id={started.cid}").json()
    ping = client.get(f"/api/remote/ping?connection_id={started.cid}").json()

    assert health["health"] == "healthy"
    assert health["checks"] == {"ssh_connection": "pass", "viewer_process": "pass", "tunnel_active": "pass"}
    assert ping["latency_ms"] > 0


def test_a_second_start_is_refused(client, started):
    answer = client.post("/api/remote/viewer/start", {"connection_id": started.cid, "env_name": VENV_NAME},
                         format="json")

    assert (answer.status_code, answer.json()["error"]) == (409, "viewer_already_running")


def test_a_dropped_ssh_session_fails_health_and_a_reconnect_restores_the_tunnel(client, started):
    kill_sessions(started.server)
    wait_until(lambda: not connections.get(started.cid).is_connected(), timeout=10)

    health = client.get(f"/api/remote/health?connection_id={started.cid}").json()
    status = client.get(f"/api/remote/viewer/status?connection_id={started.cid}").json()["viewer"]
    ping = client.get(f"/api/remote/ping?connection_id={started.cid}")
    listed = client.get("/api/remote/connections").json()["connections"][0]

    assert health["health"] == "unhealthy"
    assert health["checks"] == {"ssh_connection": "fail", "viewer_process": "fail", "tunnel_active": "fail"}
    assert "reconnect" in health["details"]["ssh_connection"]
    assert (status["status"], status["health"]) == ("disconnected", "unhealthy")
    assert (ping.status_code, ping.json()["error"]) == (409, "connection_lost")
    assert listed["status"] == "disconnected"
    assert pid_alive(started.pid)  # the remote viewer outlives the SSH session (setsid, nohup)

    again = client.post("/api/remote/connect", key_body(started.server), format="json")

    assert again.json()["connection_id"] == started.cid and again.json()["reconnected"] is True
    health = client.get(f"/api/remote/health?connection_id={started.cid}").json()
    assert health["health"] == "healthy", health
    assert run_ids(started.url) >= {p.name for p in started.root.glob("*/*/runs/*")}  # same local URL


def test_stop_kills_the_process_and_cleans_up(client, started):
    port = started.answer["viewer"]["local_port"]

    answer = client.post("/api/remote/viewer/stop", {"connection_id": started.cid}, format="json")

    assert answer.status_code == 200 and answer.json()["process"] == "stopped"
    assert not pid_alive(started.pid)
    assert not started.state_dir.exists()  # pid file and log removed
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    status = client.get(f"/api/remote/viewer/status?connection_id={started.cid}").json()["viewer"]
    assert status == {"status": "stopped"}
    health = client.get(f"/api/remote/health?connection_id={started.cid}").json()
    assert health["checks"] == {"ssh_connection": "pass", "viewer_process": "fail", "tunnel_active": "fail"}
    assert health["health"] == "degraded"
    again = client.post("/api/remote/viewer/stop", {"connection_id": started.cid}, format="json")
    logs = client.get(f"/api/remote/viewer/logs?connection_id={started.cid}")
    assert (again.status_code, again.json()["error"]) == (404, "viewer_not_running")
    assert client.get("/api/remote/viewer/sessions").json() == {"sessions": []}
    assert (logs.status_code, logs.json()["error"]) == (404, "viewer_not_running")
