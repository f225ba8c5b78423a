"""``runicorn rate-limit``: overrides written to the user config, shown with their source, and
applied by a real viewer started afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.fixtures.live_server import free_port


def limits_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "runicorn" / "rate_limits.json"


def test_show_lists_the_built_in_limits_with_their_source(cli):
    done = cli("rate-limit")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Rate limiting: on\n")
    lines = {line.split()[0] if line.split()[0] == "default" else " ".join(line.split()[:2]): line
             for line in done.stdout.splitlines() if line.startswith("  ")}
    assert lines["default"].split()[1] == "600/m" and lines["default"].endswith("built-in")
    assert lines["GET /api/runs"].split()[2] == "100/m"


def test_set_writes_the_reference_format_and_show_marks_it(cli, tmp_path):
    done = cli("rate-limit", "--action", "set", "--endpoint", "get /api/runs", "--max-requests", "300",
               "--window", "60", "--description", "dashboards poll")
    shown = json.loads(cli("rate-limit", "--json").stdout)

    assert done.returncode == 0, done.stderr
    assert "A running viewer applies this when it is restarted." in done.stdout
    assert json.loads(limits_file(tmp_path).read_text()) == {"endpoints": {"GET /api/runs": {
        "max_requests": 300, "window_seconds": 60, "burst_size": None, "description": "dashboards poll"}}}
    assert shown["rules"]["GET /api/runs"] == {"rate": "300/m", "source": "user file"}
    assert shown["rules"]["default"] == {"rate": "600/m", "source": "built-in"}


def test_the_environment_wins_over_the_file(cli):
    cli("rate-limit", "--action", "set", "--endpoint", "default", "--max-requests", "1000")

    shown = json.loads(cli("rate-limit", "--json", env={"RUNICORN_RATE_LIMITS": '{"default": "5/s"}'}).stdout)

    assert shown["rules"]["default"] == {"rate": "5/s", "source": "RUNICORN_RATE_LIMITS"}


def test_remove_and_reset_undo_overrides(cli, tmp_path):
    cli("rate-limit", "--action", "set", "--endpoint", "/api/runs", "--max-requests", "7")

    removed = cli("rate-limit", "--action", "remove", "--endpoint", "/api/runs")
    assert removed.returncode == 0 and json.loads(limits_file(tmp_path).read_text()) == {"endpoints": {}}
    again = cli("rate-limit", "--action", "remove", "--endpoint", "/api/runs")
    refused = cli("rate-limit", "--action", "reset")
    reset = cli("rate-limit", "--action", "reset", "--force")

    assert again.returncode == 1 and "has no override" in again.stderr
    assert refused.returncode == 2 and "add --force" in refused.stderr
    assert reset.returncode == 0 and not limits_file(tmp_path).exists()


def test_bad_input_is_refused_and_the_file_left_alone(cli, tmp_path):
    cli("rate-limit", "--action", "set", "--endpoint", "/api/runs", "--max-requests", "7")
    before = limits_file(tmp_path).read_text()

    no_count = cli("rate-limit", "--action", "set", "--endpoint", "/api/runs")
    bad_route = cli("rate-limit", "--action", "set", "--endpoint", "api/runs", "--max-requests", "5")
    bad_window = cli("rate-limit", "--action", "set", "--endpoint", "/api/runs", "--max-requests", "5",
                     "--window", "0")

    assert [p.returncode for p in (no_count, bad_route, bad_window)] == [2, 2, 2]
    assert "needs --max-requests N" in no_count.stderr
    assert "must be 'default', '/api/route' or 'METHOD /api/route'" in bad_route.stderr
    assert "--window must be a positive number" in bad_window.stderr
    assert limits_file(tmp_path).read_text() == before


def test_validate_names_what_is_wrong_in_a_hand_edited_file(cli, tmp_path):
    limits_file(tmp_path).parent.mkdir(parents=True)
    limits_file(tmp_path).write_text(json.dumps({"endpoints": {"/api/runs": {"max_requests": -1}}}))

    done = cli("rate-limit", "--action", "validate")

    assert done.returncode == 1
    assert "endpoints['/api/runs'].max_requests must be a positive whole number, got -1" in done.stderr


def test_a_file_of_the_reference_is_read_as_it_is(cli, tmp_path):
    limits_file(tmp_path).parent.mkdir(parents=True)
    limits_file(tmp_path).write_text(json.dumps({
        "_comment": "High limits for local-only API",
        "default": {"max_requests": 6000, "window_seconds": 60, "burst_size": None},
        "endpoints": {"/api/runs": {"max_requests": 50, "window_seconds": 30, "burst_size": None}},
        "settings": {"enable_rate_limiting": True, "log_violations": True, "whitelist_localhost": False}}))

    shown = json.loads(cli("rate-limit", "--json").stdout)

    assert shown["rules"]["default"]["rate"] == "6000/m"
    assert shown["rules"]["/api/runs"] == {"rate": "50/30s", "source": "user file"}
    assert "GET /api/runs" not in shown["rules"]  # the bare route replaces the built-in GET rule


def start_viewer(cli_env: dict[str, str], root: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "runicorn", "viewer", "--port", str(port), "--storage", str(root)],
        env={**cli_env, "RUNICORN_DB_PATH": str(workdir / "index.sqlite3"), "RUNICORN_START_INDEXER": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            requests.get(url + "/api/health", timeout=1)
            return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"viewer did not start: {proc.communicate()[0]}")


def test_a_viewer_started_afterwards_applies_the_overrides(cli, cli_env, root, tmp_path):
    set_ = cli("rate-limit", "--action", "set", "--endpoint", "GET /api/runs", "--max-requests", "2",
               "--window", "3600")
    assert set_.returncode == 0, set_.stderr
    proc, url = start_viewer(cli_env, root, tmp_path)
    try:
        answers = [requests.get(url + "/api/runs", timeout=10) for _ in range(3)]
        other = requests.get(url + "/api/projects", timeout=10)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    assert other.headers["X-RateLimit-Limit"] == "600"  # the built-in default still covers the rest


def test_a_viewer_refuses_to_start_on_a_broken_file(cli_env, root, tmp_path):
    limits_file(tmp_path).parent.mkdir(parents=True)
    limits_file(tmp_path).write_text('{"default": {"max_requests": "many"}}')

    done = subprocess.run([sys.executable, "-m", "runicorn", "viewer", "--port", str(free_port()),
                           "--storage", str(root)], env=cli_env, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert "default.max_requests must be a positive whole number, got 'many'" in done.stderr
