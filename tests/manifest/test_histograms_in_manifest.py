"""A run's histograms.jsonl travels with the sync manifest like events.jsonl: an append-only data
file, so remote viewers show the Histograms tab too."""

from __future__ import annotations

import json

import runicorn as rn
from runicorn import lifecycle
from runicorn.manifest.generator import ManifestGenerator


def test_histograms_are_an_append_only_data_file_of_the_run(tmp_path):
    root = tmp_path / "root"
    run = rn.init(project="vision", name="resnet", storage=root)
    run.log({"loss": 1.0})
    run.log_histogram("w", [1.0, 2.0], step=1)
    run.finish()
    lifecycle.active = None
    _manifest, path = ManifestGenerator(root).generate()
    (exp,) = json.loads(path.read_text())["experiments"]
    files = {f["path"].rsplit("/", 1)[-1]: f for f in exp["files"]}
    entry = files["histograms.jsonl"]
    assert entry["path"] == f"vision/resnet/runs/{run.id}/histograms.jsonl"
    assert entry["is_append_only"] is True and entry["priority"] == files["events.jsonl"]["priority"]
    assert entry["size"] == (run.run_dir / "histograms.jsonl").stat().st_size
