"""``runicorn import mlflow PATH_OR_TRACKING_URI``: MLflow runs as Runicorn runs.

Read through MLflow's own ``MlflowClient`` (``pip install runicorn[mlflow]``), from a local
``mlruns`` directory or any tracking server (``http://host:5000``, ``sqlite:///mlflow.db``):

* params -> config.json (MLflow keeps them as strings; numbers are turned back into numbers)
* tags -> meta.json ``mlflow_tags`` (``mlflow.note.content`` becomes the description)
* metric histories -> metrics with their steps and timestamps (values at one step merged)
* the final value of each metric -> summary.json
* status (FINISHED, FAILED, KILLED, RUNNING) and start / end times
* the run's artifacts -> one artifact version ``<run name>-mlflow`` (type ``model`` when it holds
  an MLflow model, else ``custom``), created by the run

Project: ``--project``, default the MLflow experiment's name; name: the MLflow run name.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator, List, Optional

from .runwriter import ImportedRun

TOOL = "mlflow"
_STATUS = {"FINISHED": "finished", "FAILED": "failed", "KILLED": "interrupted", "RUNNING": "running",
           "SCHEDULED": "running"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ @+=-]+")
_PAGE = 1000


def _client(uri: str) -> Any:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as exc:
        raise SystemExit("runicorn import mlflow needs MLflow: pip install 'runicorn[mlflow]'") from exc
    resolved = tracking_uri(uri)
    if resolved.startswith("file:"):
        # MLflow 3 refuses to open file stores unless told to: reading an existing mlruns
        # directory is the point of this importer (nothing is written to it).
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    return MlflowClient(tracking_uri=resolved)


def tracking_uri(value: str) -> str:
    """A local directory as a ``file:`` URI; anything with a scheme as it is."""
    if "://" in value or value.startswith(("file:", "sqlite:", "postgresql:", "mysql:", "databricks")):
        return value
    return Path(value).resolve().as_uri()


def safe_segment(value: str, fallback: str) -> str:
    text = _UNSAFE.sub("_", value).strip().lstrip(".")[:100]
    return text or fallback


def _param_value(raw: str) -> Any:
    for cast in (int, float):
        try:
            value = cast(raw)
        except ValueError:
            continue
        if isinstance(value, float) and value - value != 0:
            return raw
        return value
    return {"True": True, "False": False, "true": True, "false": False}.get(raw, raw)


def experiments(client: Any, name: Optional[str]) -> List[Any]:
    from mlflow.entities import ViewType

    found = client.search_experiments(view_type=ViewType.ALL)
    if name is not None:
        found = [e for e in found if e.name == name]
        if not found:
            raise SystemExit(f"no MLflow experiment named {name!r}; leave out --experiment to import all of them")
    return found


def runs(client: Any, experiment_ids: List[str]) -> Iterator[Any]:
    from mlflow.entities import ViewType

    token = None
    while True:
        page = client.search_runs(experiment_ids, run_view_type=ViewType.ALL, max_results=_PAGE, page_token=token,
                                  order_by=["attributes.start_time ASC"])
        yield from page
        token = page.token
        if not token:
            return


def read_run(client: Any, source: str, mlrun: Any, experiment_name: str, project: Optional[str]) -> ImportedRun:
    info, data = mlrun.info, mlrun.data
    tags = dict(data.tags)
    name = safe_segment(info.run_name or tags.get("mlflow.runName") or info.run_id, info.run_id)
    started = (info.start_time or 0) / 1000.0
    run = ImportedRun(
        tool=TOOL, key=f"{tracking_uri(source)}#{info.run_id}", source=tracking_uri(source),
        project=safe_segment(project or experiment_name, "mlflow"), name=name, started_at=started,
        ended_at=info.end_time / 1000.0 if info.end_time else None,
        status=_STATUS.get(info.status, "finished"),
        config={k: _param_value(v) for k, v in data.params.items()},
        summary=dict(data.metrics),
        description=tags.get("mlflow.note.content"),
        extra_meta={"mlflow_tags": tags, "mlflow_run_id": info.run_id, "mlflow_experiment": experiment_name},
    )
    for key in data.metrics:
        for point in client.get_metric_history(info.run_id, key):
            run.add_metric(int(point.step), point.timestamp / 1000.0, key, float(point.value))
    return run


def _has_artifacts(client: Any, run_id: str) -> bool:
    try:
        return bool(client.list_artifacts(run_id))
    except Exception as exc:  # an unreachable artifact store: import the run without its artifacts
        print(f"warning: run {run_id}: cannot list its artifacts ({exc}); imported without them", file=sys.stderr)
        return False


def copy_artifacts(client: Any, run_id: str, target: Any, name: str) -> Optional[int]:
    """The MLflow run's artifacts as a version of ``<name>-mlflow`` created by ``target`` (a run
    with ``id``, ``run_dir``, ``storage_root``); None when it has none."""
    from ..artifacts import Artifact
    from ..artifacts.runlink import log_artifact

    if not _has_artifacts(client, run_id):
        return None
    with tempfile.TemporaryDirectory(prefix="runicorn-mlflow-") as tmp:
        local = Path(client.download_artifacts(run_id, "", tmp))
        is_model = any(f == "MLmodel" for _d, _s, files in os.walk(local) for f in files)
        artifact = Artifact(f"{name}-mlflow"[:100], type="model" if is_model else "custom",
                            description=f"artifacts of MLflow run {run_id}", metadata={"mlflow_run_id": run_id})
        artifact.add_dir(local)
        return log_artifact(target, artifact)


def artifact_target(run_dir: Path, root: Path) -> Any:
    return SimpleNamespace(id=run_dir.name, run_dir=run_dir, storage_root=root)


__all__ = ["TOOL", "artifact_target", "copy_artifacts", "experiments", "read_run", "runs", "tracking_uri"]
