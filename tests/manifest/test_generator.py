"""ManifestGenerator and ``runicorn generate-manifest``: format, atomic output, incremental scans."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runicorn import cli
from runicorn.manifest import ManifestGenerator, ManifestType, SyncManifest
from runicorn.progress import ProgressBar

from tests.factories import make_run, metric_event
from tests.manifest.helpers import backdate, make_root

REF_PYTHON = Path(__file__).resolve().parents[2] / ".cache" / "ref" / "bin" / "python"


def _load(path: Path) -> dict:
    return json.loads(path.read_bytes())


def test_full_manifest_has_the_reference_fields(tmp_path):
    root = tmp_path / "root"
    run = make_run(root, "vision", "resnet", status="finished",
                   events=[metric_event(1, 1.0, loss=0.5)], logs="12:00:00 | hi\n", meta_extra={"tags": ["a"]})
    (run / "media").mkdir()
    (run / "media" / "img.png").write_bytes(b"\x89PNG....")

    manifest, path = ManifestGenerator(root).generate(ManifestType.FULL)

    assert path == root.resolve() / ".runicorn" / "full_manifest.json"
    data = _load(path)
    assert data["format_version"] == "1.0"
    assert data["manifest_type"] == "full"
    assert data["revision"] == 1 == manifest.revision
    assert len(data["snapshot_id"]) == 36
    assert data["server_hostname"] and data["remote_root"] == str(root.resolve())
    assert abs(data["generated_at"] - time.time()) < 60
    (exp,) = data["experiments"]
    assert (exp["run_id"], exp["project"], exp["name"], exp["status"]) == (run.name, "vision", "resnet", "finished")
    assert exp["tags"] == ["a"]
    assert exp["created_at"] > 0 and exp["updated_at"] >= exp["created_at"] - 1
    files = {f["path"].rsplit("/", 1)[-1]: f for f in exp["files"]}
    prefix = f"vision/resnet/runs/{run.name}/"
    assert set(files) == {"meta.json", "status.json", "events.jsonl", "logs.txt", "img.png"}
    assert files["meta.json"]["path"] == prefix + "meta.json" and files["meta.json"]["priority"] == 1
    assert files["events.jsonl"]["priority"] == 2 and files["events.jsonl"]["is_append_only"] is True
    assert files["img.png"]["path"] == prefix + "media/img.png" and files["img.png"]["priority"] == 3
    assert files["events.jsonl"]["size"] == (run / "events.jsonl").stat().st_size
    assert files["events.jsonl"]["mtime"] == (run / "events.jsonl").stat().st_mtime
    assert data["statistics"] == {
        "total_experiments": 1,
        "total_files": 5,
        "total_bytes": sum(f["size"] for f in exp["files"]),
    }
    # The gzip copy holds the same document, and nothing half-written is left behind.
    assert json.loads(gzip.decompress((path.parent / "full_manifest.json.gz").read_bytes())) == data
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert SyncManifest.from_dict(data).total_files == 5


def test_revision_increments_and_snapshot_changes(tmp_path):
    root = tmp_path / "root"
    make_run(root)
    first, _ = ManifestGenerator(root).generate()
    second, _ = ManifestGenerator(root).generate(ManifestType.ACTIVE)
    third, _ = ManifestGenerator(root).generate()
    assert [first.revision, second.revision, third.revision] == [1, 2, 3]
    assert len({first.snapshot_id, second.snapshot_id, third.snapshot_id}) == 3


def test_regeneration_rereads_only_changed_runs(tmp_path):
    root = tmp_path / "root"
    runs = make_root(root, 30)
    generator = ManifestGenerator(root)
    generator.generate()
    assert generator.last_scan.rescanned == 30

    # A soft-delete marker (a new file) changes one run's directory.
    (runs[4] / ".deleted").write_text(json.dumps({"deleted_at": time.time(), "reason": "user_deleted"}))
    generator = ManifestGenerator(root)
    manifest, _ = generator.generate()

    assert manifest.revision == 2
    assert (generator.last_scan.rescanned, generator.last_scan.reused) == (1, 29)
    changed = next(e for e in manifest.experiments if e.run_id == runs[4].name)
    assert any(f.path.endswith("/.deleted") for f in changed.files)
    # Written to just before that scan, the run is re-read once more (an in-place rewrite could
    # have followed without touching the directory); after the settle time it is not.
    generator = ManifestGenerator(root)
    generator.generate()
    assert generator.last_scan.rescanned == 1
    generator = ManifestGenerator(root)
    generator.settle_seconds = 0.0
    generator.generate()
    assert generator.last_scan.rescanned == 0


def test_regeneration_counts_rescans(tmp_path):
    root = tmp_path / "root"
    runs = make_root(root, 10)
    ManifestGenerator(root).generate()
    (runs[2] / "summary.json").unlink()  # removes a file: the directory changes
    generator = ManifestGenerator(root)
    manifest, _ = generator.generate()
    assert generator.last_scan.rescanned == 1
    entry = next(e for e in manifest.experiments if e.run_id == runs[2].name)
    assert not any(f.path.endswith("summary.json") for f in entry.files)


def test_running_runs_are_reread_because_appends_leave_the_directory_alone(tmp_path):
    root = tmp_path / "root"
    run = make_run(root, status="running", events=[metric_event(1, 1.0, loss=1.0)])
    backdate(root, 3600)
    ManifestGenerator(root).generate()
    dir_mtime = os.stat(run).st_mtime_ns
    with open(run / "events.jsonl", "a") as fh:
        fh.write(json.dumps(metric_event(2, 2.0, loss=0.5)) + "\n")
    assert os.stat(run).st_mtime_ns == dir_mtime

    manifest, _ = ManifestGenerator(root).generate()

    events = next(f for f in manifest.experiments[0].files if f.path.endswith("events.jsonl"))
    assert events.size == (run / "events.jsonl").stat().st_size


def test_no_incremental_rereads_everything(tmp_path):
    root = tmp_path / "root"
    make_root(root, 5)
    ManifestGenerator(root).generate()
    generator = ManifestGenerator(root, incremental=False)
    generator.generate()
    assert generator.last_scan.rescanned == 5


def test_active_manifest_lists_only_recently_written_runs(tmp_path):
    root = tmp_path / "root"
    old = make_run(root, "p", "old")
    backdate(root, 7200)
    new = make_run(root, "p", "new")
    manifest, path = ManifestGenerator(root, active_window_seconds=600).generate(ManifestType.ACTIVE)
    assert path.name == "active_manifest.json"
    assert [e.run_id for e in manifest.experiments] == [new.name]
    full, _ = ManifestGenerator(root).generate(ManifestType.FULL)
    assert {e.run_id for e in full.experiments} == {old.name, new.name}


def test_unsafe_and_foreign_directories_are_not_published(tmp_path):
    root = tmp_path / "root"
    make_run(root, "p", "n")
    (root / "p" / "n" / "runs" / "not-a-run-id").mkdir()
    (root / "artifacts" / "model" / "x").mkdir(parents=True)
    (root / ".hidden" / "n" / "runs").mkdir(parents=True)
    manifest, _ = ManifestGenerator(root).generate()
    assert manifest.total_experiments == 1
    assert all(f.path.startswith("p/n/runs/") for e in manifest.experiments for f in e.files)


def test_cli_writes_manifest_and_prints_a_summary(tmp_path, capsys):
    root = tmp_path / "root"
    make_root(root, 3)
    assert cli.main(["generate-manifest", "--root", str(root)]) == 0
    out = capsys.readouterr()
    assert "revision:      1" in out.out and "runs:          3" in out.out
    assert out.err == ""  # no progress bar when stderr is not a terminal
    assert (root / ".runicorn" / "full_manifest.json.gz").exists()

    custom = tmp_path / "out" / "m.json"
    custom.parent.mkdir()
    assert cli.main(["generate-manifest", "--root", str(root), "--active", "--active-window", "7200",
                     "--output", str(custom), "--no-incremental"]) == 0
    data = _load(custom)
    assert data["manifest_type"] == "active" and data["revision"] == 2
    assert len(data["experiments"]) == 3
    assert (tmp_path / "out" / "m.json.gz").exists()


def test_cli_rejects_a_missing_root(tmp_path, capsys):
    assert cli.main(["generate-manifest", "--root", str(tmp_path / "nope")]) == 1
    assert "not a directory" in capsys.readouterr().err


def test_progress_bar_draws_only_on_a_terminal():
    class Stream:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    tty, pipe = Stream(True), Stream(False)
    for stream in (tty, pipe):
        bar = ProgressBar("Scanning", stream=stream, min_interval=0)
        for i in range(1, 5):
            bar(i, 4)
        bar.close()
    assert "4/4 (100%)" in tty.text and tty.text.endswith("\n")
    assert pipe.text == ""


def test_cli_runs_as_a_command(tmp_path):
    root = tmp_path / "root"
    make_run(root)
    done = subprocess.run([sys.executable, "-m", "runicorn", "generate-manifest", "--root", str(root)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _load(root / ".runicorn" / "full_manifest.json")["statistics"]["total_experiments"] == 1


@pytest.mark.reference
def test_reference_and_ours_read_each_others_manifests(tmp_path):
    if not REF_PYTHON.exists():
        pytest.skip("the reference is not installed in .cache/ref (make ref)")
    root = tmp_path / "root"
    make_root(root, 4)
    ManifestGenerator(root).generate()
    ref_out = tmp_path / "ref-out"
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from runicorn.manifest import ManifestGenerator\n"
        "from runicorn.manifest.models import SyncManifest\n"
        "ours = SyncManifest.from_dict(json.load(open(sys.argv[1])))\n"
        "print(ours.total_experiments, ours.total_files)\n"
        "ManifestGenerator(Path(sys.argv[2]), output_dir=Path(sys.argv[3])).generate()\n"
    )
    done = subprocess.run(
        [str(REF_PYTHON), "-c", script, str(root / ".runicorn" / "full_manifest.json"), str(root), str(ref_out)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", "20"]
    theirs = SyncManifest.from_dict(_load(ref_out / "full_manifest.json"))
    assert theirs.total_experiments == 4
    assert any(f.is_append_only for e in theirs.experiments for f in e.files)
