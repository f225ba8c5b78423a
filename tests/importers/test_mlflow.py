"""runicorn import mlflow: runs written by the real mlflow client, read from a local mlruns
directory and from a real `mlflow server` on loopback."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.django_db

WRITE_RUNS = """
import os, sys
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # MLflow 3 writes mlruns directories only when asked
import mlflow

mlflow.set_tracking_uri(sys.argv[1] if len(sys.argv) > 1 else os.path.abspath("mlruns"))
mlflow.set_experiment("integ")
with mlflow.start_run(run_name="good") as run:
    mlflow.log_params({"lr": "0.01", "layers": 3, "optim": "adam"})
    mlflow.set_tag("team", "vision")
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_metric("acc", 0.9, step=2)
    with open("weights.txt", "w") as fh:
        fh.write("w")
    mlflow.log_artifact("weights.txt", artifact_path="model")
with mlflow.start_run(run_name="bad"):
    mlflow.log_metric("loss", 5.0, step=0)
    mlflow.end_run(status="FAILED")
print("OK")
"""


def check_imported(api, reindex) -> None:  # type: ignore[no-untyped-def]
    reindex()
    runs = {r["name"]: r for r in api.get("/api/runs").json()}
    assert set(runs) == {"good", "bad"}
    good = api.get(f"/api/runs/{runs['good']['id']}").json()
    assert good["project"] == "integ" and good["status"] == "finished"
    assert good["config"] == {"lr": 0.01, "layers": 3, "optim": "adam"}
    assert good["summary"] == {"loss": pytest.approx(1 / 3), "acc": 0.9}
    assert good["started_at"] <= good["ended_at"]
    rows = api.get(f"/api/runs/{good['id']}/metrics_step").json()["rows"]
    assert [(r["global_step"], r.get("loss"), r.get("acc")) for r in rows] == [
        (0, 1.0, None), (1, 0.5, None), (2, pytest.approx(1 / 3), 0.9)]
    assert api.get(f"/api/runs/{runs['bad']['id']}").json()["status"] == "failed"
    created = api.get(f"/api/runs/{good['id']}/artifacts").json()["created"]
    assert [(a["name"], a["type"], a["version"]) for a in created] == [("good-mlflow", "custom", 1)]
    files = api.get("/api/artifacts/good-mlflow/v1/files?type=custom").json()["files"]
    assert [f["path"] for f in files] == ["model/weights.txt"]
    page = api.get("/api/v2/experiments", {"q": 'imported_from = "mlflow" and status = "failed"'}).json()
    assert [e["name"] for e in page["experiments"]] == ["bad"]


def test_a_local_mlruns_directory_imports_once_and_an_unknown_experiment_is_refused(api, reindex, train, cli, tmp_path):
    train(WRITE_RUNS)
    first = cli("import", "mlflow", str(tmp_path / "mlruns"), "--experiment", "integ")
    assert "Imported 2 run(s)" in first.stdout
    check_imported(api, reindex)
    again = cli("import", "mlflow", str(tmp_path / "mlruns"))
    assert "Imported 0 run(s)" in again.stdout
    reindex()
    assert len(api.get("/api/runs").json()) == 2
    done = cli("import", "mlflow", str(tmp_path / "mlruns"), "--experiment", "nope", check=False)
    assert done.returncode == 1
    assert "no MLflow experiment named 'nope'; leave out --experiment to import all of them" in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mlflow_server(framework_python: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    port = _free_port()
    mlflow = framework_python.parent / "mlflow"
    store = tmp_path / "server"
    store.mkdir()
    proc = subprocess.Popen(
        [str(mlflow), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{store}/mlflow.db", "--artifacts-destination", str(store / "artifacts")],
        cwd=store, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={"PATH": f"{framework_python.parent}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"mlflow server did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_tracking_server_imports_the_same_runs(api, reindex, train, cli, mlflow_server, tmp_path):
    script = tmp_path / "write.py"
    script.write_text(WRITE_RUNS)
    train(f"import runpy, sys\nsys.argv = ['write.py', {mlflow_server!r}]\nrunpy.run_path({str(script)!r})\n")
    done = cli("import", "mlflow", mlflow_server)
    assert "Imported 2 run(s)" in done.stdout
    check_imported(api, reindex)
    assert REPO.is_dir()
