"""The first example of docs/getting-started.md runs as written and logs what it says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import read_events, read_json_file, the_run_dir

DOC = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


def test_the_getting_started_example_runs(tmp_path: Path) -> None:
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)  # type: ignore[union-attr]
    root = tmp_path / "root"
    env = dict(os.environ, RUNICORN_DIR=str(root))
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("runicorn: writing run mnist/cnn-baseline/")
    run_dir = the_run_dir(root)
    metrics = [e["data"] for e in read_events(run_dir) if e["type"] == "metrics"]
    assert [m["val_acc"] for m in metrics if "val_acc" in m] == [0.80 + e * 0.03 for e in range(5)]
    assert {m["stage"] for m in metrics if "val_acc" in m} == {"val"}
    summary = read_json_file(run_dir / "summary.json")
    assert summary["test_acc"] == 0.91 and summary["best_metric_name"] == "val_acc"
    assert "epoch 4: val_acc=0.920" in (run_dir / "logs.txt").read_text()
    assert read_json_file(run_dir / "artifacts_created.json")["artifacts"][0]["name"] == "cnn"
