"""``client.remote`` end to end: a real sshd on 127.0.0.1 whose sessions see a temporary HOME with
a Python environment holding runicorn; the viewer under test opens the SSH connection, starts a
remote viewer there and tunnels to it, and a second client reads the remote runs through it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import runicorn as rn
import runicorn.api as api
from runicorn.api import RunicornClient

from tests.fixtures.sshd import SSHD, SshServer, start_sshd, stop_sshd

ENV_NAME = "rn-api-client"


def make_environment(home: Path) -> None:
    """``~/.venvs/<ENV_NAME>``: a venv that sees this project's packages (SDK + viewer) via a .pth."""
    venv = home / ".venvs" / ENV_NAME
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    project = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_relative_to(sys.prefix))
    # addsitedir, not a plain path line: the project's editable installs are .pth files themselves.
    (site_packages / "runicorn-project.pth").write_text(f"import site; site.addsitedir({project!r})\n")


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    if not os.path.exists(SSHD):
        message = f"{SSHD} is missing: run `make system-deps` (installs openssh-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("remote-home")
    make_environment(home)
    server = start_sshd(tmp_path_factory.mktemp("remote-sshd"), (f"SetEnv HOME={home}",))
    server.home = home  # type: ignore[attr-defined]
    yield server
    stop_sshd(server)


def connect(client: RunicornClient, server: SshServer) -> dict:
    return client.remote.connect(server.host, port=server.port, username=server.user,
                                 private_key_path=str(server.key_path), timeout=10)


def test_a_remote_viewer_through_the_client(viewer, ssh_server: SshServer) -> None:  # type: ignore[no-untyped-def]
    # Starting a remote viewer waits for it to answer: longer than the other tests' timeout.
    client = api.connect(viewer.url, timeout=120)
    remote_root = ssh_server.home / "experiments"  # type: ignore[attr-defined]
    remote_run = rn.init(project="far", name="away", storage=remote_root)
    remote_run.log({"loss": 0.125})
    remote_run.finish()

    # First contact: the host key has to be confirmed before anything else.
    with pytest.raises(api.HostKeyConfirmationRequiredError) as caught:
        connect(client, ssh_server)
    host_key = caught.value.host_key
    assert caught.value.status_code == 409 and caught.value.code == "host_key_confirmation_required"
    assert host_key["port"] == ssh_server.port and host_key["fingerprint_sha256"]
    assert client.remote.confirm_host_key(host_key)["ok"] is True

    cid = connect(client, ssh_server)["connection_id"]
    try:
        assert [c["connection_id"] for c in client.remote.list_connections()] == [cid]
        assert ENV_NAME in [e["name"] for e in client.remote.list_environments(cid, filter="runicorn_only")]
        assert client.remote.viewer_status(cid)["status"] == "stopped"
        with pytest.raises(api.NotFoundError) as not_running:
            client.remote.viewer_logs(cid)
        assert not_running.value.code == "viewer_not_running"

        viewer = client.remote.start_viewer(cid, ENV_NAME, remote_root=str(remote_root))
        assert viewer["status"] == "running" and viewer["url"].startswith("http://127.0.0.1:")
        with api.connect(viewer["url"]) as far:
            assert [e["id"] for e in far.list_experiments()] == [remote_run.id]
            assert far.get_metrics(remote_run.id)["metrics"]["loss"][0]["value"] == 0.125
        assert client.remote.viewer_status(cid)["health"] == "healthy"
        health = client.remote.health(cid)
        assert health["health"] == "healthy" and set(health["checks"].values()) == {"pass"}
        assert client.remote.ping(cid)["latency_ms"] > 0

        stopped = client.remote.stop_viewer(cid)
        assert stopped["success"] is True
        assert client.remote.viewer_status(cid)["status"] == "stopped"
    finally:
        client.remote.disconnect(cid)
    assert client.remote.list_connections() == []
    with pytest.raises(api.NotFoundError) as gone:
        client.remote.ping(cid)
    assert gone.value.code == "connection_not_found" and cid in gone.value.detail
    client.close()


def test_remote_errors_carry_the_code_and_message(client: RunicornClient) -> None:
    with pytest.raises(api.BadRequestError) as caught:
        client.remote.list_environments("")
    assert caught.value.code == "invalid_parameters" and caught.value.detail
