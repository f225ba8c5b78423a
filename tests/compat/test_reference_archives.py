"""Archives in the reference CLI's (0.5.3) layout: ``runicorn export --out X.tar.gz`` there is a
tar.gz of run directories relative to the root, which our ``runicorn import`` reads (also in its
``--archive`` form), giving back the same run files.

The reference's own ``export`` cannot be used to make one: in 0.5.3 it fails with
``UnboundLocalError: ... 'Path'`` whenever a run matches (a later ``from pathlib import Path`` in
the same function), so the archive is built here the way that command lays it out.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
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
    with tarfile.open(archive, "w:gz") as tf:
        for run_dir in source.glob("*/*/runs/*"):
            tf.add(str(run_dir), arcname=str(run_dir.relative_to(source)))
    target = tmp_path / "target"
    done = subprocess.run([sys.executable, "-m", "runicorn", "import", "--archive", str(archive), "--storage",
                           str(target)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Imported 1 run(s)" in done.stdout
    assert tree(target) == tree(source)


def test_a_tar_with_a_symlink_is_refused(tmp_path: Path):
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
