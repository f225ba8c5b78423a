"""``runicorn delete``: permanent deletion, shown first, confirmed, and never of a live run."""

from __future__ import annotations

import json
from pathlib import Path

from runicorn import layout

from .conftest import make_runs


def run_dirs(root: Path) -> dict[str, Path]:
    return {loc.run_id: loc.path for loc in layout.iter_run_dirs(root)}


def test_dry_run_lists_the_runs_and_deletes_nothing(cli, sdk, root):
    first, second = make_runs(sdk, [{"metrics": [{"loss": 1.0}]}, {"name": "vit"}])

    done = cli("delete", "--storage", str(root), "--run-id", first, "--dry-run")

    assert done.returncode == 0, done.stderr
    assert "Would permanently delete:" in done.stdout and f"  {first}  vision/resnet  finished" in done.stdout
    assert second not in done.stdout
    assert done.stdout.rstrip().endswith("Dry run: nothing was deleted.")
    assert set(run_dirs(root)) == {first, second}


def test_force_deletes_the_runs_and_leaves_the_others(cli, sdk, root):
    first, second, third = make_runs(sdk, [{}, {}, {"name": "vit"}])

    done = cli("delete", "--storage", str(root), "--run-id", first, "--run-id", third, "--force")

    assert done.returncode == 0, done.stderr
    assert "Deleted 2 of 2 run(s)." in done.stdout
    assert set(run_dirs(root)) == {second}
    assert not list(root.glob("*/*/runs/.*"))  # no trash left behind


def test_without_a_terminal_it_refuses_to_ask_instead_of_hanging(cli, sdk, root):
    [run_id] = make_runs(sdk, [{}])

    done = cli("delete", "--storage", str(root), "--run-id", run_id, input="y\n")

    assert done.returncode == 2
    assert "add --force (or --dry-run first)" in done.stderr
    assert set(run_dirs(root)) == {run_id}


def test_deleted_takes_the_runs_in_the_recycle_bin(cli, sdk, root):
    kept, binned = make_runs(sdk, [{}, {}])
    assert cli("manage", "--storage", str(root), "--action", "delete", "--run-id", binned).returncode == 0

    done = cli("delete", "--storage", str(root), "--deleted", "--force")

    assert done.returncode == 0, done.stderr
    assert "(in the recycle bin)" in done.stdout
    assert set(run_dirs(root)) == {kept}


def test_a_running_run_is_never_deleted(cli, sdk, root):
    [run_id] = make_runs(sdk, [{}])
    run_dir = run_dirs(root)[run_id]
    meta = json.loads((run_dir / "meta.json").read_text())
    import os

    (run_dir / "status.json").write_text(json.dumps({"status": "running", "started_at": 1.0}))
    (run_dir / "meta.json").write_text(json.dumps({**meta, "pid": os.getpid()}))  # this test process: alive

    done = cli("delete", "--storage", str(root), "--run-id", run_id, "--force")

    assert done.returncode == 1
    assert "skipped: its process is still running" in done.stdout
    assert "nothing deleted: every run given is still running" in done.stderr
    assert run_dir.is_dir()


def test_artifacts_only_the_run_made_go_with_it_on_request(cli, sdk, root, tmp_path):
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"w" * 1000)
    ids = sdk(f"""
        maker = rn.init(project="vision", name="resnet")
        for n in ("orphan", "shared"):
            art = rn.Artifact(n, type="model")
            art.add_file({str(weights)!r})
            maker.log_artifact(art)
        rn.finish()
        user = rn.init(project="vision", name="resnet")
        user.use_artifact("shared:latest")
        rn.finish()
        print(json.dumps([maker.id, user.id]))
    """)
    maker, user = ids

    plan = cli("delete", "--storage", str(root), "--run-id", maker, "--dry-run")
    assert "  model/orphan:v1" in plan.stdout and "shared" not in plan.stdout
    assert "kept (add --with-artifacts to delete them)" in plan.stdout

    done = cli("delete", "--storage", str(root), "--run-id", maker, "--with-artifacts", "--force")

    assert done.returncode == 0, done.stderr
    assert not (root / "artifacts" / "model" / "orphan" / "v1").exists()
    assert (root / "artifacts" / "model" / "shared" / "v1" / "metadata.json").is_file()
    assert set(run_dirs(root)) == {user}


def test_unknown_runs_are_named_and_nothing_is_deleted(cli, sdk, root):
    [run_id] = make_runs(sdk, [{}])

    done = cli("delete", "--storage", str(root), "--run-id", run_id, "--run-id", "20250101_000000_abcdef", "--force")

    assert done.returncode == 1
    assert "run(s) not found under" in done.stderr and "20250101_000000_abcdef" in done.stderr
    assert set(run_dirs(root)) == {run_id}


def test_it_needs_runs_to_act_on(cli, root):
    done = cli("delete", "--storage", str(root))

    assert done.returncode == 2
    assert "one of the arguments --run-id --deleted is required" in done.stderr
