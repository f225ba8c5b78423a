"""A full, read-only or removed disk never kills the training job (issue #15.2).

The storage root is a real 2 MiB tmpfs, the training script a real process. Every SDK call that
writes is made while the disk refuses writes; the script must end with exit code 0, each kind of
failure must be reported once on stderr, writing must resume when the disk takes data again, and
every line on disk must be whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import child_env, metric_steps, read_events, read_json_file, the_run_dir

# The calls a training loop makes, made while the disk refuses writes. Phase markers on stdout and
# "go" lines on stdin let the test change the disk between phases.
SCRIPT = r"""
import os, shutil, sys
import runicorn as rn

root, src, mode = sys.argv[1], sys.argv[2], sys.argv[3]
run_id = sys.argv[4] if len(sys.argv) > 4 else None  # "ro": resume a run on a read-only disk

def step():
    sys.stdin.readline()

run = rn.init(project="p", name="n", storage=root, config={"lr": 0.1}, run_id=run_id)
rn.set_primary_metric("acc", mode="max")
for i in range(100):
    rn.log({"acc": i / 1000, "phase": 1})
run.flush()
print("ready", flush=True)
step()

if mode == "full":  # fill the disk from here, so the test knows exactly when it is full
    with open(os.path.join(root, "filler"), "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
elif mode == "removed":
    shutil.rmtree(run.run_dir)

long = "x" * 200
for i in range(20000):  # far more than the disk holds
    rn.log({"acc": 0.5 + i / 100000, "phase": 2, "note_" + long: i})
    if i % 2000 == 0:
        run.flush()
        rn.summary({"during": i})
        run.summary({"also": i})
        run.config["seen"] = i
        rn.log_text("during " + long * 5)
        rn.log_image("img", b"\x89PNG\r\n\x1a\n" + b"\0" * 50000)
        run.add_tags("t%d" % i)
        run.log_artifact(rn.Artifact("weights", type="model").add_file(os.path.join(src, "w.bin")))
run.flush()
print("refused", flush=True)
step()

if mode == "full":
    os.unlink(os.path.join(root, "filler"))
for i in range(100):
    rn.log({"acc": 0.9 + i / 1000, "phase": 3})
rn.summary({"after": True})
rn.log_text("after")
rn.finish()
print("done", flush=True)
"""


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB tmpfs (needs root); skipped with the reason where mounting is not permitted."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        reason = f"cannot mount a tmpfs here (needs root): {proc.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _remount(mount_point: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount_point)], check=True)


def _train(tmp_path: Path, root: Path, mode: str, between: dict[str, Callable[[], None]],
           *args: str) -> tuple[int, str]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "w.bin").write_bytes(os.urandom(300_000))
    script = tmp_path / "train.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(root), str(src), mode, *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    for marker in ("ready", "refused"):
        line = proc.stdout.readline().strip()
        assert line == marker, f"child said {line!r}; stderr: {proc.stderr.read() if proc.stderr else ''}"
        if marker in between:
            between[marker]()
        proc.stdin.write("go\n")
        proc.stdin.flush()
    _, stderr = proc.communicate(timeout=120)
    return proc.returncode, stderr


def _assert_resumed(run_dir: Path, stderr: str, first_phase_kept: bool = True) -> None:
    events = read_events(run_dir)  # strict: a torn or glued line fails here
    phases = [e["data"]["phase"] for e in events if e["type"] == "metrics"]
    assert phases[-100:] == [3] * 100
    if first_phase_kept:
        assert phases[:100] == [1] * 100
    steps = metric_steps(events)
    assert steps == sorted(steps) and steps[-1] == 20200
    summary = read_json_file(run_dir / "summary.json")
    assert summary["after"] is True and summary["best_metric_name"] == "acc"
    assert summary["best_metric_value"] == pytest.approx(0.999)
    assert read_json_file(run_dir / "status.json")["status"] == "finished"
    logs = (run_dir / "logs.txt").read_text().splitlines()
    assert logs[-1].endswith(" | after") and all(" | " in line for line in logs)
    assert read_json_file(run_dir / "config.json")["lr"] == 0.1
    assert "works again" in stderr
    assert "Traceback" not in stderr, stderr


def test_full_disk_drops_data_reports_once_and_resumes(tmp_path: Path, small_disk: Path) -> None:
    code, stderr = _train(tmp_path, small_disk, "full", {})
    assert code == 0, stderr
    assert stderr.count("the disk is full") == 1, stderr
    assert stderr.count("works again") == 1, stderr
    _assert_resumed(the_run_dir(small_disk), stderr)
    assert not list(small_disk.rglob(".*.tmp")), "a temp file was left behind"


def test_read_only_disk_reports_once_and_resumes(tmp_path: Path, small_disk: Path) -> None:
    # Linux refuses to remount read-only while a file is open for writing, so the disk is
    # read-only from the start: the job resumes a run whose directory exists, writes nothing,
    # and catches up when the disk is made writable again.
    run_id = "20260101_000000_abcdef"
    (small_disk / "p" / "n" / "runs" / run_id).mkdir(parents=True)
    _remount(small_disk, "ro")
    code, stderr = _train(tmp_path, small_disk, "ro", {"refused": lambda: _remount(small_disk, "rw")}, run_id)
    assert code == 0, stderr
    assert stderr.count("the file system is read-only") == 1, stderr
    run_dir = the_run_dir(small_disk)
    _assert_resumed(run_dir, stderr, first_phase_kept=False)
    # Written again once the disk took data: the run is complete for the viewer.
    assert read_json_file(run_dir / "meta.json")["id"] == run_id
    assert "t18000" in read_json_file(run_dir / "meta.json")["tags"]


def test_removed_run_directory_is_reported_once_and_not_recreated(tmp_path: Path, small_disk: Path) -> None:
    code, stderr = _train(tmp_path, small_disk, "removed", {})
    assert code == 0, stderr
    assert stderr.count("the run directory was removed") == 1, stderr
    assert "Traceback" not in stderr, stderr
    assert not (small_disk / "p" / "n" / "runs").exists() or not any((small_disk / "p" / "n" / "runs").iterdir())
