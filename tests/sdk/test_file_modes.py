"""Every JSON file the SDK writes is readable by a viewer running as another user (issue #15.12).

The artifact records used to be written through ``tempfile.mkstemp`` and stayed 0600, while the
run files were 0644; one helper (``runicorn.jsonio.atomic_write_bytes``) now writes them all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import runicorn as rn
from runicorn.manifest.generator import ManifestGenerator
from runicorn.manifest.models import ManifestType

from tests.factories import make_run


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_artifact_records_are_0644_like_run_files(tmp_path: Path, umask_022: None) -> None:
    root = tmp_path / "root"
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"w" * 100)
    run = rn.init(project="p", name="n", storage=root, config={"lr": 0.1})
    run.summary({"best": 1})
    run.log_artifact(rn.Artifact("resnet", type="model").add_file(weights))
    run.finish()

    adir = root / "artifacts" / "model" / "resnet"
    written = [adir / "versions.json", adir / "v1" / "metadata.json", adir / "v1" / "manifest.json"]
    written += [run.run_dir / name for name in ("meta.json", "status.json", "config.json", "summary.json",
                                                "artifacts_created.json")]
    assert {str(p.relative_to(root)): _mode(p) for p in written} == {
        str(p.relative_to(root)): 0o644 for p in written
    }
    assert not [p for p in root.rglob(".*.tmp")], "a temp file was left behind"


def test_sync_manifests_are_0644(tmp_path: Path, umask_022: None) -> None:
    root = tmp_path / "root"
    make_run(root, "vision", "resnet", status="finished")
    _, path = ManifestGenerator(root).generate(ManifestType.FULL)
    outputs = sorted(path.parent.iterdir())
    assert outputs and {p.name: _mode(p) for p in outputs if p.is_file()} == {
        p.name: 0o644 for p in outputs if p.is_file()
    }
