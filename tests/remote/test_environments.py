"""Python environments on the "remote" (sshd with a temporary HOME): detection, cache, config."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import runicorn

from apps.remote import connections

from .conftest import VENV_NAME, key_body, trust

pytestmark = pytest.mark.usefixtures("config_home", "no_connections_left")


@pytest.fixture
def cid(client, remote_sshd):  # type: ignore[no-untyped-def]
    trust(remote_sshd)
    return client.post("/api/remote/connect", key_body(remote_sshd), format="json").json()["connection_id"]


def by_name(answer):  # type: ignore[no-untyped-def]
    return {env["name"]: env for env in answer.json()["environments"]}


def test_detection_finds_the_venv_pyenv_and_system_python(client, cid, remote_home):
    answer = client.get(f"/api/remote/environments?connection_id={cid}")

    assert answer.status_code == 200
    envs = by_name(answer)
    venv = envs[VENV_NAME]
    assert venv["type"] == "venv"
    assert venv["python_path"] == str(remote_home / ".venvs" / VENV_NAME / "bin" / "python")
    assert venv["python_version"] == platform.python_version()
    assert (venv["runicorn_installed"], venv["runicorn_version"], venv["viewer_installed"]) == (
        True, runicorn.__version__, True)
    # Nothing configured there and no ~/.runicorn: the SDK's per-user default.
    assert venv["storage_root"] == str(remote_home / ".local" / "share" / "runicorn" / "runs")
    assert venv["storage_root_source"] == "default"
    assert envs["3.11-test"]["type"] == "pyenv"
    system = [e for e in envs.values() if e["type"] == "system"]
    assert len(system) == 1 and system[0]["python_path"].endswith("python3")
    assert answer.json()["total"] == len(envs)


def test_runicorn_only_filter(client, cid):
    answer = client.get(f"/api/remote/environments?connection_id={cid}&filter=runicorn_only")

    assert answer.status_code == 200
    assert all(env["runicorn_installed"] for env in answer.json()["environments"])
    assert VENV_NAME in by_name(answer)


def test_an_unknown_filter_is_invalid(client, cid):
    answer = client.get(f"/api/remote/environments?connection_id={cid}&filter=some")

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_parameters")


def count_sessions(monkeypatch, cid):  # type: ignore[no-untyped-def]
    """How many SSH sessions (command round trips) the connection opens from now on."""
    transport = connections.get(cid).transport()
    opened = []
    original = transport.open_session

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(transport, "open_session", counting)
    return opened


def test_detection_is_one_round_trip_and_cached_until_detect(client, cid, remote_home, monkeypatch):
    first = client.get(f"/api/remote/environments?connection_id={cid}")
    extra = remote_home / ".virtualenvs" / "late-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(extra)], check=True)
    try:
        opened = count_sessions(monkeypatch, cid)
        cached = client.get(f"/api/remote/environments?connection_id={cid}")
        assert opened == [] and "late-env" not in by_name(cached)  # from the cache: no SSH at all
        assert cached.json()["detection_time"] == first.json()["detection_time"]

        detected = client.post("/api/remote/environments/detect", {"connection_id": cid}, format="json")

        assert opened == [1]  # every candidate probed in one script, one channel
        assert detected.json()["environments_found"] == first.json()["total"] + 1
        late = by_name(client.get(f"/api/remote/environments?connection_id={cid}"))["late-env"]
        assert (late["type"], late["runicorn_installed"]) == ("venv", False)
    finally:
        shutil.rmtree(extra.parent)


def test_remote_config_reads_the_environments_user_config(client, cid, remote_home):
    config = remote_home / ".config" / "runicorn" / "config.json"
    # The folder may exist: a remote viewer started by another test announces itself in it.
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"user_root_dir": "/srv/runicorn-data"}))
    try:
        answer = client.get(f"/api/remote/config?connection_id={cid}&env_name={VENV_NAME}")
    finally:
        config.unlink()

    assert answer.status_code == 200
    body = answer.json()
    assert body["env_name"] == VENV_NAME and body["runicorn_version"] == runicorn.__version__
    assert body["config"]["user_root_dir"] == "/srv/runicorn-data"
    assert body["config"]["storage_root"] == "/srv/runicorn-data"
    assert body["config"]["storage_root_source"] == "config"
    assert body["config"]["config_file"] == str(config)
    assert 1024 <= body["config"]["viewer_port"] <= 65535


def test_remote_config_of_an_unknown_environment(client, cid):
    unknown = client.get(f"/api/remote/config?connection_id={cid}&env_name=nope")
    missing = client.get(f"/api/remote/config?connection_id={cid}")

    assert (unknown.status_code, unknown.json()["error"]) == (404, "environment_not_found")
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_parameters")


def test_the_viewer_needs_an_environment_with_runicorn(client, cid):
    system = next(e for e in by_name(client.get(f"/api/remote/environments?connection_id={cid}")).values()
                  if e["type"] == "system" and not e["runicorn_installed"])

    no_runicorn = client.post("/api/remote/viewer/start", {"connection_id": cid, "env_name": system["name"]},
                              format="json")
    unknown = client.post("/api/remote/viewer/start", {"connection_id": cid, "env_name": "nope"}, format="json")
    relative = client.post("/api/remote/viewer/start", {"connection_id": cid, "env_name": VENV_NAME,
                                                        "remote_root": "data/runs"}, format="json")

    assert (no_runicorn.status_code, no_runicorn.json()["error"]) == (400, "invalid_parameters")
    assert "pip install runicorn" in no_runicorn.json()["message"]
    assert (unknown.status_code, unknown.json()["error"]) == (404, "environment_not_found")
    assert (relative.status_code, relative.json()["error"]) == (400, "invalid_parameters")
    assert client.get(f"/api/remote/viewer/status?connection_id={cid}").json()["viewer"] == {"status": "stopped"}


def test_conda_installs_in_the_usual_folders_are_found(client, cid, remote_home):
    # A miniconda layout: the base prefix (conda-meta + envs/) and one named environment.
    base = remote_home / "miniconda3"
    python = Path(sys.base_prefix) / "bin" / "python3"
    for prefix in (base, base / "envs" / "torch"):
        (prefix / "conda-meta").mkdir(parents=True)
        (prefix / "bin").mkdir()
        (prefix / "bin" / "python").symlink_to(python)
    try:
        answer = client.post("/api/remote/environments/detect", {"connection_id": cid}, format="json")
    finally:
        shutil.rmtree(base)

    envs = by_name(answer)
    assert (envs["base"]["type"], envs["base"]["python_path"]) == ("conda", str(base / "bin" / "python"))
    assert (envs["torch"]["type"], envs["torch"]["python_path"]) == (
        "conda", str(base / "envs" / "torch" / "bin" / "python"))


def viewer_processes(home: Path) -> list[int]:
    """Processes running `runicorn viewer` from an interpreter under ``home``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].startswith(str(home).encode()) and b"viewer" in argv:
                found.append(int(entry.name))
    return found


def test_a_viewer_that_dies_at_start_is_reported_with_its_log(client, cid, remote_home, tmp_path):
    # The viewer's index database cannot be created: a file sits where its folder goes.
    data = remote_home / ".local" / "share" / "runicorn"
    aside = tmp_path / "aside"
    if data.exists():
        data.rename(aside)
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("not a directory")
    try:
        answer = client.post("/api/remote/viewer/start", {"connection_id": cid, "env_name": VENV_NAME,
                                                          "remote_root": str(tmp_path / "root")}, format="json")
    finally:
        data.unlink()
        if aside.exists():
            aside.rename(data)

    assert (answer.status_code, answer.json()["error"]) == (502, "viewer_start_failed")
    assert "exited during start" in answer.json()["message"]
    assert "Error" in answer.json()["message"]  # the tail of its log: the traceback
    assert viewer_processes(remote_home) == []
    assert client.get(f"/api/remote/viewer/status?connection_id={cid}").json()["viewer"] == {"status": "stopped"}
