"""``make sdk-wheel`` builds a wheel that a clean venv with no access to this repository installs
and uses (issue #19): import, a logged run, the CLI without the viewer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import runicorn

REPO = Path(__file__).resolve().parents[2]

TRAIN = """
import json, sys
import runicorn as rn
run = rn.init(project="p", name="n", storage=sys.argv[1], config={"lr": 0.1})
for epoch in range(3):
    rn.log({"loss": 1.0 / (epoch + 1), "epoch": epoch})
rn.finish()
print(json.dumps({"file": rn.__file__, "version": rn.__version__, "path": sys.path, "run_dir": str(run.run_dir)}))
"""


def _clean_env(tmp_path: Path) -> dict[str, str]:
    # Nothing that leads back to the repository or the project's venv.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "RUNICORN"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"), RUNICORN_QUIET="1")
    return env


def test_the_wheel_installs_and_works_in_a_clean_venv(tmp_path: Path) -> None:
    out = tmp_path / "wheels"
    build = subprocess.run(["make", "-s", "sdk-wheel", f"SDK_WHEEL_DIR={out}"], cwd=REPO, capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = out.glob("runicorn_sdk-*.whl")
    assert wheel.name == f"runicorn_sdk-{runicorn.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "runicorn/__init__.py" in names
    assert not [n for n in names if n.startswith(("apps/", "tests/", "runicorn_site/"))]
    metadata = zipfile.ZipFile(wheel).read(f"runicorn_sdk-{runicorn.__version__}.dist-info/METADATA").decode()
    required = [line for line in metadata.splitlines() if line.startswith("Requires-Dist") and "extra ==" not in line]
    assert "Name: runicorn-sdk" in metadata and required == []  # the standard library only; extras optional

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = _clean_env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
                             cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr

    script = work / "train.py"
    script.write_text(TRAIN, encoding="utf-8")
    root = tmp_path / "root"
    proc = subprocess.run([str(python), "-I", str(script), str(root)], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["file"].startswith(str(env_dir)) and info["version"] == runicorn.__version__
    assert not [p for p in info["path"] if p.startswith(str(REPO))]
    events = (Path(info["run_dir"]) / "events.jsonl").read_text().splitlines()
    assert [json.loads(line)["data"]["epoch"] for line in events] == [0, 1, 2]

    cli = env_dir / "bin" / "runicorn"
    shown = subprocess.run([str(cli), "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "config" in shown.stdout and "viewer" not in shown.stdout
    viewer = subprocess.run([str(cli), "viewer"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert viewer.returncode == 2
    assert "The viewer is not installed here" in viewer.stderr and "make run" in viewer.stderr
    version = subprocess.run([str(cli), "--version"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert version.stdout.strip().startswith(f"runicorn-sdk {runicorn.__version__}")


def test_the_viewer_is_offered_where_it_is_installed() -> None:
    proc = subprocess.run([sys.executable, "-m", "runicorn", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "start the web viewer" in proc.stdout
