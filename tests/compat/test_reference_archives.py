"""Archives of the reference CLI (0.5.3): what its ``runicorn export --out X.tar.gz`` writes, our
``runicorn import`` reads (also in its own ``--archive`` form), giving back the same run files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.archives.conftest import tree
from tests.benchmarks.common import Reference

pytestmark = pytest.mark.reference

WRITE = """
import sys
import runicorn as rn
run = rn.init(project="vision", name="resnet", storage=sys.argv[1])
run.log({"loss": 0.5})
run.log_text("hello")
run.finish()
print(run.id)
"""


def test_a_reference_tar_gz_export_imports_with_its_files(reference: Reference, tmp_path: Path):
    source = tmp_path / "source"
    reference.run_script(WRITE, [str(source)], tmp_path)
    archive = tmp_path / "old.tar.gz"
    subprocess.run([str(reference.bin_dir / "runicorn"), "export", "--storage", str(source), "--out", str(archive)],
                   check=True, capture_output=True, timeout=120)
    target = tmp_path / "target"
    done = subprocess.run([sys.executable, "-m", "runicorn", "import", "--archive", str(archive), "--storage",
                           str(target)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Imported 1 run(s)" in done.stdout
    assert tree(target) == tree(source)


def test_a_tar_with_a_symlink_is_refused(tmp_path: Path):
    import tarfile

    archive = tmp_path / "bad.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        info = tarfile.TarInfo("p/n/runs/20250101_000000_abcdef/meta.json")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    target = tmp_path / "target"
    done = subprocess.run([sys.executable, "-m", "runicorn", "import", str(archive), "--storage", str(target)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "is a link or device; archives hold regular files only. Nothing was written." in done.stderr
    assert not target.exists()
