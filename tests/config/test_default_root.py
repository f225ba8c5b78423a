"""One storage root for the SDK and the viewer with nothing configured (issue #19).

Real processes throughout: training scripts through the SDK, ``runicorn viewer`` (daphne) and
``runicorn config`` in subprocesses, each from a working directory of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from runicorn import config as user_config

from tests.fixtures.live_server import start_viewer, stop_viewer, wait_until

TRAIN = (
    "import runicorn as rn\nrun = rn.init(project='p', name='n')\nrn.log(loss=0.5)\nrn.finish()\n"
    "print(run.run_dir)\n"
)


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A user with nothing configured: own config, data and runtime directories, no RUNICORN_DIR."""
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    (tmp_path / "runtime").mkdir()
    return env


def _run(args: list[str], cwd: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **env_extra)
    env.pop("RUNICORN_DIR", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def _train(cwd: Path, env_extra: dict[str, str]) -> tuple[Path, str]:
    cwd.mkdir(parents=True, exist_ok=True)
    proc = _run([sys.executable, "-c", TRAIN], cwd, env_extra)
    assert proc.returncode == 0, proc.stderr
    return Path(proc.stdout.strip()), proc.stderr


def test_sdk_and_viewer_agree_from_different_directories_and_follow_the_config(tmp_path: Path,
                                                                                user_env: dict[str, str]) -> None:
    default = tmp_path / "data" / "runicorn" / "runs"
    run_dir, said = _train(tmp_path / "job-a", user_env)
    assert run_dir.is_relative_to(default)
    assert said.count("\n") == 1 and f"in {run_dir} (the per-user default" in said
    assert "`runicorn viewer` shows it" in said  # no viewer yet

    (tmp_path / "elsewhere").mkdir()
    viewer = start_viewer(None, tmp_path, user_env, cwd=tmp_path / "elsewhere")
    try:
        config = viewer.get("/api/config").json()
        assert (config["storage"], config["storage_source"]) == (str(default), "default")
        run_id = run_dir.name
        wait_until(lambda: run_id in {r["id"] for r in viewer.get("/api/runs").json()}, timeout=20)

        # A second job, from a third directory, is told where to look.
        second, said = _train(tmp_path / "job-b", user_env)
        assert said.strip().endswith(f"; view it at {viewer.url}/runs/{second.name}")
        quiet, said = _train(tmp_path / "job-b", dict(user_env, RUNICORN_QUIET="1"))
        assert said == ""

        # `runicorn config --set-user-root` moves the running viewer, and the jobs with it.
        new_root = tmp_path / "team-runs"
        proc = _run([sys.executable, "-m", "runicorn", "config", "--set-user-root", str(new_root)],
                    tmp_path, user_env)
        assert proc.returncode == 0, proc.stderr
        wait_until(lambda: viewer.get("/api/config").json()["storage"] == str(new_root), timeout=20)
        assert viewer.get("/api/config").json()["storage_source"] == "user config"
        third, said = _train(tmp_path / "job-c", user_env)
        assert third.is_relative_to(new_root)
        assert said.strip().endswith(f"; view it at {viewer.url}/runs/{third.name}")
        wait_until(lambda: third.name in {r["id"] for r in viewer.get("/api/runs").json()}, timeout=20)
    finally:
        stop_viewer(viewer)
    assert viewer.process.returncode == 0 or viewer.process.returncode < 0
    assert list((tmp_path / "runtime" / "runicorn" / "viewers").iterdir()) == []  # withdrawn at exit


def test_an_existing_dot_runicorn_is_still_used_and_named(tmp_path: Path, user_env: dict[str, str]) -> None:
    legacy = tmp_path / "project" / ".runicorn"
    legacy.mkdir(parents=True)
    run_dir, said = _train(tmp_path / "project", user_env)
    assert run_dir.is_relative_to(legacy.resolve())
    assert "./.runicorn exists in the working directory" in said
    # Elsewhere the default again: the legacy directory is only used where it exists.
    other, _ = _train(tmp_path / "other", user_env)
    assert other.is_relative_to(tmp_path / "data" / "runicorn" / "runs")


def test_a_viewer_with_an_explicit_root_does_not_follow_the_config(tmp_path: Path) -> None:
    from apps.config.follow import ConfigFollower
    from apps.runs.storage import get_storage_root

    served = get_storage_root()  # the test session's RUNICORN_DIR
    follower = ConfigFollower()
    user_config.set_user_root_dir(str(tmp_path / "somewhere-else"))
    try:
        assert follower.check() is False
        assert get_storage_root() == served
    finally:
        user_config.save_user_config({"user_root_dir": ""})


def test_after_a_switch_at_run_time_the_viewer_follows_the_config_not_its_start_env(
        tmp_path: Path, storage_root: Path, db) -> None:  # type: ignore[no-untyped-def]
    from apps.config import storage_root as served
    from apps.config.follow import ConfigFollower
    from apps.runs.storage import get_storage_root, get_storage_source

    # Started with RUNICORN_DIR (the session's), then switched from the Settings page.
    served.switch_user_root(str(tmp_path / "picked"))
    follower = ConfigFollower()
    try:
        user_config.set_user_root_dir(str(tmp_path / "from-the-cli"))
        assert follower.check() is True
        assert (get_storage_root(), get_storage_source()) == ((tmp_path / "from-the-cli").resolve(), "user config")
        user_config.save_user_config({"user_root_dir": ""})
        assert follower.check() is False  # not back to RUNICORN_DIR, which the user switched away from
        assert get_storage_root() == (tmp_path / "from-the-cli").resolve()
    finally:
        user_config.save_user_config({"user_root_dir": ""})


def test_config_show_names_the_default_and_the_source(tmp_path: Path, user_env: dict[str, str]) -> None:
    proc = _run([sys.executable, "-m", "runicorn", "config", "--show"], tmp_path, user_env)
    assert proc.returncode == 0, proc.stderr
    assert f'"effective_storage_root": "{tmp_path / "data" / "runicorn" / "runs"}"' in proc.stdout
    assert '"effective_storage_root_source": "default"' in proc.stdout
