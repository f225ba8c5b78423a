"""A viewer that shuts down takes its remote viewers, tunnels and SSH sessions with it."""

from __future__ import annotations

import signal
import socket

import pytest
import requests

from tests.factories import make_run
from tests.fixtures.live_server import wait_until

from .conftest import VENV_NAME, key_body, pid_alive


@pytest.mark.django_db(transaction=True)
def test_sigterm_to_the_viewer_stops_the_remote_viewer(live_viewer_factory, remote_sshd, remote_home, tmp_path):
    remote_root = remote_home / "shutdown-root"
    make_run(remote_root, "p", "n")
    live = live_viewer_factory(tmp_path / "local-root", XDG_CONFIG_HOME=str(tmp_path / "xdg"))

    # What the web UI does: connect, confirm the host key it is shown, connect again, start.
    first = live.post("/api/remote/connect", json=key_body(remote_sshd))
    assert first.status_code == 409
    assert live.post("/api/remote/known-hosts/accept", json=first.json()["detail"]["host_key"]).ok
    cid = live.post("/api/remote/connect", json=key_body(remote_sshd)).json()["connection_id"]
    started = requests.post(f"{live.url}/api/remote/viewer/start", timeout=120,
                            json={"connection_id": cid, "env_name": VENV_NAME, "remote_root": str(remote_root)})
    assert started.status_code == 200, started.text
    viewer = started.json()["viewer"]
    assert len(requests.get(f"{viewer['url']}/api/runs", timeout=10).json()) == 1
    assert pid_alive(viewer["pid"])

    live.process.send_signal(signal.SIGTERM)
    live.process.wait(timeout=60)

    wait_until(lambda: not pid_alive(viewer["pid"]), timeout=10)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", viewer["local_port"]), timeout=2).close()
    assert f"remote viewer of {cid}" in live.log() and "disconnected" in live.log()
