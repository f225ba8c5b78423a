"""capture_env: environment.json with git info, packages and system facts, written in the background."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import runicorn as rn
from runicorn import environment

from .conftest import read_json_file

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "exp/lr-sweep")
    (repo / "train.py").write_text("print('hi')\n")
    _git(repo, "add", "train.py")
    _git(repo, "commit", "-q", "-m", "first")
    _git(repo, "remote", "add", "origin", "https://user:s3cret-token@example.com/team/model.git")
    return repo


def test_git_info_clean_then_dirty(repo: Path) -> None:
    info = environment.git_info(str(repo))
    assert info is not None
    assert info["commit"] == _git(repo, "rev-parse", "HEAD") and len(info["commit"]) == 40
    assert info["branch"] == "exp/lr-sweep"
    assert info["has_changes"] is False and info["changed_files_count"] == 0
    assert info["remote"] == "https://example.com/team/model.git"  # the token is not recorded
    (repo / "train.py").write_text("print('changed')\n")
    (repo / "new.py").write_text("")
    dirty = environment.git_info(str(repo))
    assert dirty is not None and dirty["has_changes"] is True and dirty["changed_files_count"] == 2


def test_no_git_info_outside_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    env = environment.capture_environment(str(plain))
    assert "git_info" not in env


def test_init_capture_env_writes_environment_json(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    run = rn.init(storage=tmp_path / "root", capture_env=True)
    run.finish()  # waits for the background capture
    env = read_json_file(run.run_dir / "environment.json")
    assert env["git_info"]["commit"] == _git(repo, "rev-parse", "HEAD")
    assert env["python_version"] == ".".join(map(str, sys.version_info[:3]))
    assert env["python_executable"] == sys.executable
    assert env["cpu_count"] == os.cpu_count()
    assert env["packages"]["pytest"] == pytest.__version__
    assert env["platform"] and env["hostname"]
    if sys.platform.startswith("linux"):
        assert env["memory_total_bytes"] > 0


def test_environment_is_absent_without_capture_env(tmp_path: Path) -> None:
    run = rn.init(storage=tmp_path / "root")
    run.finish()
    assert not (run.run_dir / "environment.json").exists()


def test_gpu_list_from_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    smi = fake_bin / "nvidia-smi"
    smi.write_text(
        "#!/bin/sh\n"
        "echo 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1111-aaaa)'\n"
        "echo 'GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2222-bbbb)'\n"
    )
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    assert environment.gpu_info() == [
        {"index": 0, "name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-1111-aaaa"},
        {"index": 1, "name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-2222-bbbb"},
    ]


def test_no_gpu_key_without_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment.shutil, "which", lambda name: None)
    assert environment.gpu_info() is None
    assert "gpu_info" not in environment.capture_environment(str(tmp_path))


def test_strip_credentials() -> None:
    assert environment.strip_credentials("https://tok@github.com/a/b.git") == "https://github.com/a/b.git"
    assert environment.strip_credentials("git@github.com:a/b.git") == "git@github.com:a/b.git"
    assert environment.strip_credentials("ssh://git@host:22/r.git\n") == "ssh://host:22/r.git"
