"""POST /api/remote/connect against a real sshd: key, password, agent; host keys; errors; limits."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import stat
import subprocess
import uuid

import pytest

from apps.remote import known_hosts

from .conftest import key_body, trust

pytestmark = pytest.mark.usefixtures("config_home", "no_connections_left")


@pytest.fixture
def server(remote_sshd):  # type: ignore[no-untyped-def]
    return remote_sshd


def connect(client, body):  # type: ignore[no-untyped-def]
    return client.post("/api/remote/connect", body, format="json")


def test_key_login_opens_a_listed_connection(client, server):
    trust(server)

    answer = connect(client, key_body(server))

    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True and body["status"] == "connected"
    assert body["connection_id"].startswith("conn_") and len(body["connection_id"]) == 13
    assert (body["host"], body["port"], body["username"]) == (server.host, server.port, server.user)
    assert body["server_info"]["os"] == "Linux" and body["server_info"]["hostname"]
    listed = client.get("/api/remote/connections").json()
    assert listed["total"] == 1
    assert listed["connections"][0]["connection_id"] == body["connection_id"]


def test_an_unknown_host_key_needs_confirmation_then_the_retry_succeeds(client, server, config_home):
    first = connect(client, key_body(server))

    assert first.status_code == 409
    host_key = first.json()["detail"]["host_key"]
    assert first.json()["detail"]["code"] == "HOST_KEY_CONFIRMATION_REQUIRED"
    real = server.host_key()
    assert host_key == {
        "host": server.host, "port": server.port, "known_hosts_host": f"[{server.host}]:{server.port}",
        "key_type": "ssh-ed25519", "fingerprint_sha256": real.fingerprint,
        "public_key": f"ssh-ed25519 {real.get_base64()}", "reason": "unknown",
    }
    assert server.user not in str(first.json())  # no credential was sent before the key was known

    accepted = client.post("/api/remote/known-hosts/accept", host_key, format="json")
    retry = connect(client, key_body(server))

    assert accepted.status_code == 200
    assert retry.status_code == 200
    entries = client.get("/api/remote/known-hosts").json()["entries"]
    assert [(e["host"], e["port"], e["fingerprint_sha256"]) for e in entries] == [
        (server.host, server.port, real.fingerprint)
    ]
    assert stat.S_IMODE((config_home / "known_hosts").stat().st_mode) == 0o600
    assert (config_home / "known_hosts").read_text().split() == [
        f"[{server.host}]:{server.port}", "ssh-ed25519", real.get_base64()
    ]


def other_public_key(tmp_path) -> str:  # type: ignore[no-untyped-def]
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "other")], check=True)
    return " ".join((tmp_path / "other.pub").read_text().split()[:2])


def test_a_changed_host_key_is_refused_with_both_fingerprints(client, server, tmp_path):
    impostor = other_public_key(tmp_path)
    impostor_fp = known_hosts.fingerprint_of(__import__("base64").b64decode(impostor.split()[1]))
    known_hosts.accept(server.host, server.port, impostor, impostor_fp)

    answer = connect(client, key_body(server))

    assert answer.status_code == 409
    host_key = answer.json()["detail"]["host_key"]
    assert host_key["reason"] == "changed"
    assert host_key["expected_fingerprint_sha256"] == impostor_fp
    assert host_key["fingerprint_sha256"] == server.host_key().fingerprint
    assert "man-in-the-middle" in answer.json()["detail"]["message"]
    # Confirming the new key replaces the old one.
    assert client.post("/api/remote/known-hosts/accept", host_key, format="json").status_code == 200
    assert connect(client, key_body(server)).status_code == 200
    assert [e["fingerprint_sha256"] for e in known_hosts.list_entries()] == [server.host_key().fingerprint]


def test_accepting_a_key_with_another_fingerprint_is_refused(client, server, tmp_path):
    key = server.host_key()
    body = {"host": server.host, "port": server.port, "key_type": "ssh-ed25519",
            "public_key": f"ssh-ed25519 {key.get_base64()}", "fingerprint_sha256": "SHA256:" + "A" * 43}

    answer = client.post("/api/remote/known-hosts/accept", body, format="json")

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_parameters"
    assert known_hosts.list_entries() == []


def test_removing_a_known_host_asks_for_confirmation_again(client, server):
    trust(server)

    removed = client.delete(f"/api/remote/known-hosts?host={server.host}&port={server.port}")

    assert removed.json() == {"success": True, "ok": True, "changed": True, "removed": 1}
    assert connect(client, key_body(server)).status_code == 409


def test_password_login_and_wrong_password(client, server, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="paramiko")  # quiet by default: look at everything it says
    user, password = server.password_user()
    trust(server)
    wrong = "not-the-password-" + uuid.uuid4().hex
    body = {"host": server.host, "port": server.port, "username": user, "auth_method": "password", "timeout": 10}

    good = connect(client, {**body, "password": password})
    bad = connect(client, {**body, "password": wrong})

    assert good.status_code == 200 and good.json()["username"] == user
    assert bad.status_code == 401
    assert bad.json()["error"] == "authentication_failed" and bad.json()["success"] is False
    for secret in (password, wrong):
        assert secret not in good.content.decode() + bad.content.decode()
        assert secret not in caplog.text


def test_a_password_request_without_password_is_invalid(client, server):
    trust(server)
    body = {"host": server.host, "port": server.port, "username": server.user, "auth_method": "password"}

    answer = connect(client, body)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_parameters"


@pytest.fixture
def encrypted_key(server, tmp_path):  # type: ignore[no-untyped-def]
    copy = tmp_path / "client_key"
    shutil.copy(server.key_path, copy)
    passphrase = "pass-" + uuid.uuid4().hex
    subprocess.run(["ssh-keygen", "-q", "-p", "-N", passphrase, "-f", str(copy)], check=True)
    return copy.read_text(), passphrase


def test_private_key_content_with_its_passphrase(client, server, encrypted_key):
    trust(server)
    text, passphrase = encrypted_key
    body = {"host": server.host, "port": server.port, "username": server.user, "private_key": text, "timeout": 10}

    good = connect(client, {**body, "passphrase": passphrase})
    wrong = connect(client, {**body, "passphrase": "nope"})
    missing = connect(client, body)

    assert good.status_code == 200 and good.json()["auth_method"] == "key"
    assert (wrong.status_code, wrong.json()["error"]) == (401, "authentication_failed")
    assert "wrong passphrase" in wrong.json()["message"]
    assert (missing.status_code, missing.json()["error"]) == (401, "authentication_failed")
    assert "passphrase is needed" in missing.json()["message"]


def test_garbage_key_content_is_invalid(client, server):
    trust(server)
    body = {"host": server.host, "port": server.port, "username": server.user, "private_key": "not a key"}

    answer = connect(client, body)

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_parameters")


@pytest.fixture
def agent(server, monkeypatch):  # type: ignore[no-untyped-def]
    """A real ssh-agent holding the fixture's client key."""
    out = subprocess.run(["ssh-agent", "-s"], check=True, capture_output=True, text=True).stdout
    env = dict(part.split("=", 1) for part in out.replace(";", "\n").split() if "=" in part)
    try:
        subprocess.run(["ssh-add", "-q", str(server.key_path)], check=True, env={**os.environ, **env},
                       capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", env["SSH_AUTH_SOCK"])
        yield
    finally:
        os.kill(int(env["SSH_AGENT_PID"]), 15)


def test_agent_login(client, server, agent):
    trust(server)
    body = {"host": server.host, "port": server.port, "username": server.user, "auth_method": "agent"}

    answer = connect(client, body)

    assert answer.status_code == 200 and answer.json()["auth_method"] == "agent"


def test_agent_login_without_an_agent(client, server, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    trust(server)

    body = {"host": server.host, "port": server.port, "username": server.user, "auth_method": "agent"}

    answer = connect(client, body)

    assert (answer.status_code, answer.json()["error"]) == (401, "authentication_failed")
    assert "agent" in answer.json()["message"]


def test_one_click_connect_with_a_saved_connection(client, server, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="paramiko")
    user, password = server.password_user()
    trust(server)
    saved = client.post("/api/config/ssh_connections", {
        "host": server.host, "port": server.port, "username": user, "auth_method": "password",
        "remember_password": True, "password": password,
    }, format="json").json()

    answer = connect(client, {"saved_key": saved["key"]})
    details = client.get(f"/api/config/ssh_connections/{saved['key']}/details")

    assert answer.status_code == 200 and answer.json()["username"] == user
    out, err = capfd.readouterr()
    for text in (answer.content.decode(), details.content.decode(), caplog.text, out, err):
        assert password not in text


def test_an_unknown_saved_connection_is_404(client):
    answer = connect(client, {"saved_key": "nowhere:22@me"})

    assert (answer.status_code, answer.json()["error"]) == (404, "connection_not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "host"), ({"host": "h", "username": "u", "port": "ssh"}, "port"), ({"host": "h"}, "username"),
     ({"host": "h", "username": "u", "timeout": 0}, "timeout"),
     ({"host": "h", "username": "u", "auth_method": "x"}, "auth_method"),
     ({"host": "h", "username": "u", "use_agent": False}, "No credentials")],
)
def test_malformed_requests_are_invalid_parameters(client, body, field):
    answer = connect(client, body)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_parameters" and field in answer.json()["message"]


def test_a_closed_port_is_a_connection_failure(client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: refused

    answer = connect(client, {"host": "127.0.0.1", "port": port, "username": "u", "password": "p"})

    assert (answer.status_code, answer.json()["error"]) == (502, "connection_failed")


def test_a_server_that_never_speaks_is_a_timeout(client):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts the connection; no SSH banner ever comes

        answer = connect(client, {"host": "127.0.0.1", "port": silent.getsockname()[1], "username": "u",
                                  "password": "p", "timeout": 1})

    assert (answer.status_code, answer.json()["error"]) == (408, "connection_timeout")


def test_reconnecting_keeps_the_connection_id(client, server):
    trust(server)
    first = connect(client, key_body(server)).json()
    second = connect(client, key_body(server)).json()

    assert second["connection_id"] == first["connection_id"]
    assert (first["reconnected"], second["reconnected"]) == (False, True)
    assert client.get("/api/remote/connections").json()["total"] == 1


def test_disconnect_closes_and_forgets_the_connection(client, server):
    trust(server)
    cid = connect(client, key_body(server)).json()["connection_id"]

    closed = client.delete(f"/api/remote/connections/{cid}?cleanup_viewer=true")
    again = client.delete(f"/api/remote/connections/{cid}")

    assert closed.status_code == 200 and closed.json()["connection_id"] == cid
    assert client.get("/api/remote/connections").json() == {"success": True, "connections": [], "total": 0}
    assert (again.status_code, again.json()["error"]) == (404, "connection_not_found")


def test_ping_measures_the_round_trip(client, server):
    trust(server)
    cid = connect(client, key_body(server)).json()["connection_id"]

    answer = client.get(f"/api/remote/ping?connection_id={cid}")

    assert answer.status_code == 200
    assert 0 < answer.json()["latency_ms"] < 5000
    assert client.get("/api/remote/connections").json()["connections"][0]["last_ping"]


@pytest.mark.parametrize("path", ["/api/remote/ping", "/api/remote/health", "/api/remote/environments",
                                  "/api/remote/viewer/status", "/api/remote/viewer/logs"])
def test_unknown_or_missing_connection_ids(client, path):
    missing = client.get(path)
    unknown = client.get(f"{path}?connection_id=conn_00000000")
    malformed = client.get(f"{path}?connection_id=../etc")

    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_parameters")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "connection_not_found")
    assert (malformed.status_code, malformed.json()["error"]) == (404, "connection_not_found")


def test_connection_attempts_are_limited_per_client(client, settings):
    settings.RUNICORN_RATE_LIMIT_ENABLED = True
    settings.RATELIMIT_CACHE_PREFIX = f"rl-remote-{uuid.uuid4().hex}:"
    shipped = connect(client, {})
    assert int(shipped["X-RateLimit-Limit"]) == 5 and int(shipped["X-RateLimit-Reset"]) <= 60

    # Per hour in the test, so a window cannot roll over between the requests.
    settings.RATELIMIT_CACHE_PREFIX = f"rl-remote-{uuid.uuid4().hex}:"
    settings.RUNICORN_RATE_LIMITS = {**settings.RUNICORN_RATE_LIMITS, "POST /api/remote/connect": "5/h"}
    answers = [connect(client, {}) for _ in range(6)]
    other_client = client.post("/api/remote/connect", {}, format="json", REMOTE_ADDR="10.1.2.3")

    assert [a.status_code for a in answers] == [400] * 5 + [429]
    limited = answers[-1]
    assert limited["X-RateLimit-Limit"] == "5" and limited["X-RateLimit-Remaining"] == "0"
    assert int(limited["Retry-After"]) > 0 and int(limited["X-RateLimit-Reset"]) > 0
    assert other_client.status_code == 400
