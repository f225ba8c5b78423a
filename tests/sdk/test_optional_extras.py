"""The SDK stays standard-library-only: integrations and importers load their framework only when
imported, and say which extra to install when it is missing (the viewer's venv has none of them)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest


@pytest.mark.parametrize(("module", "extra"), [
    ("runicorn.integrations.lightning", "lightning"),
    ("runicorn.integrations.transformers", "transformers"),
    ("runicorn.integrations.keras", "keras"),
])
def test_an_integration_without_its_framework_names_the_extra(module, extra):
    sys.modules.pop(module, None)
    with pytest.raises(ImportError, match=rf"pip install 'runicorn\[{extra}\]'"):
        importlib.import_module(module)


@pytest.mark.parametrize(("form", "extra"), [("tensorboard", "tensorboard"), ("mlflow", "mlflow")])
def test_an_importer_without_its_tool_names_the_extra(tmp_path, form, extra):
    done = subprocess.run([sys.executable, "-m", "runicorn", "import", form, str(tmp_path), "--storage",
                           str(tmp_path / "root")], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"pip install 'runicorn[{extra}]'" in done.stderr


def test_importing_the_sdk_and_its_drop_ins_loads_no_framework():
    code = ("import sys, runicorn, runicorn.log_compat.tensorboard, runicorn.log_compat.tensorboardX, "
            "runicorn.log_compat.torchvision, runicorn.log_compat.imagenet, runicorn.integrations, runicorn.cli; "
            "print(sorted(m for m in ('torch', 'numpy', 'tensorboard', 'lightning', 'mlflow', 'keras') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
