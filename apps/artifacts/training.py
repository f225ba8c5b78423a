"""What the run that created an artifact version reached: the artifact page's training panels.

``training-metrics`` answers for one version (the newest live one by default), ``performance-
history`` for every live version, oldest first. Both read the creating runs from the index (one
query for all versions), never by walking the storage root.

Where the reference errs, these answer what it meant: ``duration_seconds`` from the run's
``started_at``/``ended_at`` (the reference reads keys no file has and always answers null), and
versions in numeric order (the reference sorts ``v10`` before ``v2``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apps.runs.models import Run

from .reader import Artifact, ArtifactMissing, get_artifact

_RUN_FIELDS = ("run_id", "name", "project", "summary", "status", "started_at", "ended_at")


def _creators(versions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = {v["created_by_run"] for v in versions if isinstance(v.get("created_by_run"), str)}
    return {row["run_id"]: row for row in Run.objects.filter(run_id__in=ids).values(*_RUN_FIELDS)}


def _metrics(version: dict[str, Any], run: dict[str, Any] | None) -> dict[str, Any] | None:
    if run is None:
        return None
    started, ended = run["started_at"], run["ended_at"]
    return {
        "run_id": run["run_id"],
        "run_name": run["name"],
        "project": run["project"],
        "metrics": run["summary"] if isinstance(run["summary"], dict) else {},
        "created_at": version.get("created_at") or 0,
        "duration_seconds": ended - started if started is not None and ended is not None else None,
        "status": run["status"],
    }


def _live(art: Artifact) -> list[dict[str, Any]]:
    return sorted(art.live_versions(), key=lambda v: v["version"])


def training_metrics(root: Path, name: str, version: int | None, type_: str | None) -> dict[str, Any] | None:
    """The creating run of ``name`` at ``version``; None when no run of the index created it."""
    art = get_artifact(root, name, type_)
    live = _live(art)
    if not live:
        raise ArtifactMissing(f"No versions found for artifact: {name}")
    if version is None:
        chosen = live[-1]
    else:
        chosen = next((v for v in live if v["version"] == version), None)
        if chosen is None:
            raise ArtifactMissing(f"Version not found: {name}:v{version}")
    return _metrics(chosen, _creators([chosen]).get(chosen.get("created_by_run") or ""))


def _numbers(summary: dict[str, Any], metric_name: str | None) -> dict[str, Any]:
    # Bools are ints to Python, not metrics to a chart.
    picked = {k: v for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if metric_name is not None:
        return {metric_name: picked[metric_name]} if metric_name in picked else {}
    return picked


def performance_history(root: Path, name: str, type_: str | None, metric_name: str | None) -> list[dict[str, Any]]:
    """One entry per live version whose creating run is indexed, oldest version first."""
    art = get_artifact(root, name, type_)
    live = _live(art)
    runs = _creators(live)
    history = []
    for version in live:
        found = _metrics(version, runs.get(version.get("created_by_run") or ""))
        if found is not None:
            history.append({"version": version["version"], "created_at": found["created_at"],
                            "run_id": found["run_id"], "status": found["status"],
                            "metrics": _numbers(found["metrics"], metric_name)})
    return history
