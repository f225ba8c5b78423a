"""A storage root with runs written by the real SDK (metrics, logs, media, histograms, artifacts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import runicorn as rn
from runicorn import lifecycle


def make_runs(root: Path) -> dict[str, str]:
    """Three runs: ``train`` logs and creates a model, ``evaluate`` uses it, ``other`` is elsewhere."""
    train = rn.init(project="vision", name="resnet", storage=root, config={"lr": 0.1}, tags=["baseline"])
    for step in range(1, 4):
        train.log({"loss": 1.0 / step})
    train.log_text("epoch done")
    train.log_image("sample", b"\x89PNG\r\n\x1a\n" + b"0" * 20, step=1)
    train.log_histogram("w", [1, 2, 3], step=3)
    weights = root.parent / "weights.bin"
    weights.write_bytes(b"weights" * 100)
    model = rn.Artifact("resnet-model", type="model")
    model.add_file(weights)
    model.add_file(weights, name="copy/weights.bin")  # the same content twice: one blob in the archive
    train.log_artifact(model)
    train.finish()
    evaluate = rn.init(project="vision", name="eval", storage=root)
    evaluate.use_artifact("resnet-model:latest")
    evaluate.log({"acc": 0.9})
    evaluate.finish()
    other = rn.init(project="nlp", name="bert", storage=root)
    other.log({"loss": 2.0})
    other.finish()
    lifecycle.active = None
    return {"train": train.id, "evaluate": evaluate.id, "other": other.id}


def tree(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` by relative path (locks and temporaries left out)."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if name.endswith(".lock") or name == ".lock" or rel.startswith("artifacts/.pool"):
                continue
            out[rel] = full.read_bytes()
    return out


@pytest.fixture
def source_root(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    root.mkdir()
    return root
