"""``use_artifact(...).download()``: one verified copy per version in a per-user cache, reused by
later runs, bounded and cleaned; ``download(target)`` still copies where it is told (issue #19)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import runicorn as rn
from runicorn.artifacts import cache

from tests.artifacts.conftest import write_file

USE = """
import sys
import runicorn as rn
run = rn.init(project="p", name="consumer", storage=sys.argv[1])
print(run.use_artifact("weights:latest", type="model").download())
rn.finish()
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("RUNICORN_CACHE_DIR", str(path))
    return path


def _log(root: Path, src: Path, content: bytes) -> None:
    run = rn.init(project="p", name="producer", storage=root)
    run.log_artifact(rn.Artifact("weights", type="model").add_file(write_file(src / "w.bin", content)))
    run.finish()


def test_four_runs_share_one_cached_copy(root: Path, src: Path, cache_home: Path) -> None:
    _log(root, src, b"w" * 10_000)
    env = dict(os.environ, RUNICORN_CACHE_DIR=str(cache_home), RUNICORN_QUIET="1")
    folders = set()
    for _ in range(4):
        proc = subprocess.run([sys.executable, "-c", USE, str(root)], capture_output=True, text=True, env=env,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr
        folders.add(proc.stdout.strip())
    assert len(folders) == 1
    (folder,) = folders
    assert Path(folder).parent == cache_home and (Path(folder) / "w.bin").read_bytes() == b"w" * 10_000
    assert sorted(p.name for p in cache_home.iterdir()) == [Path(folder).name]


def test_a_changed_cached_file_is_copied_again(root: Path, src: Path, cache_home: Path) -> None:
    _log(root, src, b"original" * 100)
    first = rn.init(project="p", name="c", storage=root).use_artifact("weights:latest").download()
    (first / "w.bin").write_bytes(b"edited by the user")
    again = rn.init(project="p", name="c", storage=root).use_artifact("weights:latest").download()
    assert again == first and (again / "w.bin").read_bytes() == b"original" * 100


def test_the_cache_is_bounded_least_recently_used_first(root: Path, src: Path, cache_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNICORN_ARTIFACT_CACHE_BYTES", "15000")
    run = rn.init(project="p", name="producer", storage=root)
    for i in range(3):
        run.log_artifact(rn.Artifact("weights", type="model").add_file(write_file(src / "w.bin", bytes([i]) * 10_000)))
    v1 = run.use_artifact("weights:v1").download()
    v2 = run.use_artifact("weights:v2").download()
    assert not v1.exists() and v2.is_dir()  # 2 x 10 kB > 15 kB: the older entry went
    v3 = run.use_artifact("weights:v3").download()
    assert [p.name for p in cache_home.iterdir()] == [v3.name]
    run.finish()


def test_a_copy_left_unfinished_is_removed_once_stale(cache_home: Path) -> None:
    stale = cache_home / ".partial-weights-v1-0123456789abcdef-deadbeef"
    fresh = cache_home / ".partial-weights-v2-0123456789abcdef-cafebabe"
    for path in (stale, fresh):
        write_file(path / "w.bin", b"half")
    old = time.time() - 2 * cache.STALE_PARTIAL_SECONDS
    os.utime(stale, (old, old))
    cache.clean()
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a download under way


def test_download_into_a_given_directory_copies_there(root: Path, src: Path, cache_home: Path,
                                                      tmp_path: Path) -> None:
    _log(root, src, b"x" * 100)
    out = rn.init(project="p", name="c", storage=root).use_artifact("weights:latest").download(tmp_path / "mine")
    assert out == tmp_path / "mine" and (out / "w.bin").read_bytes() == b"x" * 100
    assert not cache_home.exists()
