"""``runicorn export-data``: a run's metrics as a file, written from what the real SDK logged."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from .conftest import make_runs

TRAINING = [{"metrics": [{"loss": 1.0, "acc": 0.5}, {"loss": 0.5, "acc": 0.75}, {"loss": 0.25}]}]


def test_it_writes_the_metrics_as_csv_in_the_working_directory(cli, sdk, root, tmp_path):
    [run_id] = make_runs(sdk, TRAINING)

    done = cli("export-data", "--storage", str(root), "--run-id", run_id)

    assert done.returncode == 0, done.stderr
    target = tmp_path / "work" / f"{run_id}_metrics.csv"
    assert f"to {target}" in done.stdout
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["step", "time", "stage", "acc", "loss"]
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [("0", "0.5", "1.0"), ("1", "0.75", "0.5"), ("2", "", "0.25")]


def test_csv_on_standard_output_is_the_same_table_the_api_serves(cli, sdk, root):
    [run_id] = make_runs(sdk, TRAINING)
    from runicorn import metrics_export

    done = cli("export-data", "--storage", str(root), "--run-id", run_id, "--output", "-")

    assert done.returncode == 0, done.stderr
    events = next(root.glob(f"*/*/runs/{run_id}/events.jsonl"))
    assert done.stdout.encode() == b"".join(metrics_export.csv_chunks(events))


def test_excel_keeps_numbers_as_numbers(cli, sdk, root, tmp_path):
    from openpyxl import load_workbook

    [run_id] = make_runs(sdk, TRAINING)
    target = tmp_path / "loss.xlsx"

    done = cli("export-data", "--storage", str(root), "--run-id", run_id, "--format", "excel", "--output", str(target))

    assert done.returncode == 0, done.stderr
    sheet = load_workbook(target)["metrics"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["step", "time", "stage", "acc", "loss"]
    assert [(v[0], v[3], v[4]) for v in values[1:]] == [(0, 0.5, 1.0), (1, 0.75, 0.5), (2, None, 0.25)]


def test_markdown_and_html_hold_every_row(cli, sdk, root, tmp_path):
    [run_id] = make_runs(sdk, TRAINING)

    for fmt, ext in (("markdown", "md"), ("html", "html")):
        done = cli("export-data", "--storage", str(root), "--run-id", run_id, "--format", fmt)
        assert done.returncode == 0, done.stderr
        text = (tmp_path / "work" / f"{run_id}_metrics.{ext}").read_text()
        assert "vision/resnet" in text
        if fmt == "markdown":
            assert "| step | time | stage | acc | loss |" in text
            assert text.count("\n| ") == 4  # header + three rows
        else:
            assert text.count("<tr><td>") == 3 and "<th>loss</th>" in text


def test_excel_without_openpyxl_says_what_to_install(cli, sdk, root, tmp_path):
    [run_id] = make_runs(sdk, TRAINING)
    blocker = tmp_path / "no_openpyxl"
    blocker.mkdir()
    (blocker / "openpyxl.py").write_text("raise ImportError('openpyxl is not installed here')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), str(Path(__file__).resolve().parents[2] / "sdk")])}

    done = cli("export-data", "--storage", str(root), "--run-id", run_id, "--format", "excel", env=env)

    assert done.returncode == 1
    assert "pip install openpyxl" in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "work").iterdir())  # no half file left behind


def test_an_unknown_run_fails_with_a_hint(cli, root):
    done = cli("export-data", "--storage", str(root), "--run-id", "20250101_000000_abcdef")

    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"error: run 20250101_000000_abcdef not found under {root}; `runicorn manage --action search` lists the runs"
    )


def test_a_malformed_run_id_is_a_usage_error(cli, root):
    done = cli("export-data", "--storage", str(root), "--run-id", "../../etc")

    assert done.returncode == 2
    assert "invalid run id '../../etc'" in done.stderr


def test_a_missing_storage_root_says_how_to_set_one(cli, tmp_path):
    done = cli("export-data", "--storage", str(tmp_path / "nowhere"), "--run-id", "20250101_000000_abcdef")

    assert done.returncode == 1
    assert "does not exist; pass --storage PATH" in done.stderr


def test_help_shows_examples(cli):
    done = cli("export-data", "--help")

    assert done.returncode == 0
    assert "examples:\n  runicorn export-data --run-id" in done.stdout


def test_on_a_terminal_it_draws_a_progress_bar(cli_env, sdk, root, tmp_path):
    [run_id] = make_runs(sdk, [{"metrics": [{"loss": 1.0 / (i + 1)} for i in range(5000)]}])
    parent, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "runicorn", "export-data", "--storage", str(root),
                             "--run-id", run_id], cwd=tmp_path, env=cli_env, stdin=child, stdout=child, stderr=child)
    os.close(child)
    output = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    assert proc.wait(timeout=60) == 0
    os.close(parent)
    text = output.decode()
    assert f"Exporting {run_id} [" in text and "(100%)" in text


def test_without_orjson_the_standard_library_writes_the_same_table(cli, root, tmp_path):
    # A training environment has the SDK alone: no orjson. Odd values must come out the same.
    run_dir = root / "p" / "e" / "runs" / "20250101_000000_abcdef"
    run_dir.mkdir(parents=True)
    (run_dir / "meta.json").write_text('{"id": "20250101_000000_abcdef", "project": "p", "name": "e"}')
    (run_dir / "events.jsonl").write_text(
        '{"ts": 1.0, "type": "metrics", "data": {"global_step": 1, "x": 0.30000000000000004, "big": '
        '12345678901234567890, "hist": [1, 2.5, {"a": "é"}], "flag": true, "note": "a,b \\"c\\""}}\n'
        '{"ts": 2.0, "type": "metrics", "data": {"global_step": 2, "x": NaN, "big": -Infinity}}\n'
        '{"ts": 3.0, "type": "metrics", "da'
    )
    blocker = tmp_path / "no_orjson"
    blocker.mkdir()
    (blocker / "orjson.py").write_text("raise ImportError('orjson is not installed here')\n")
    sdk_only = {"PYTHONPATH": os.pathsep.join([str(blocker), str(Path(__file__).resolve().parents[2] / "sdk")])}

    fast = cli("export-data", "--storage", str(root), "--run-id", "20250101_000000_abcdef", "--output", "-")
    plain = cli("export-data", "--storage", str(root), "--run-id", "20250101_000000_abcdef", "--output", "-",
                env=sdk_only)

    assert fast.returncode == plain.returncode == 0, fast.stderr + plain.stderr
    assert plain.stdout == fast.stdout
    assert list(csv.reader(io.StringIO(plain.stdout)))[1:] == [
        ["1", "1.0", "", "12345678901234567890", "true", '[1,2.5,{"a":"é"}]', 'a,b "c"', "0.30000000000000004"],
        ["2", "2.0", "", "-inf", "", "", "", "nan"],
    ]
