"""The lineage graph of an artifact version: its ancestors and its descendants within ``max_depth``.

Upstream: the run that produced the version, the artifacts that run used, the runs that produced
those... Downstream: the runs that used the version, what they produced, the runs that used
that... (the reference walks only upstream in practice). Node and edge shapes are the
reference's; edges carry the time of the event they stand for, not the time of the request.

Finding consumers means reading every run's artifacts_used.json; the map is built from the runs
the index says used something, once per index generation, and shared by all requests.
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path
from typing import Any

from runicorn import layout
from runicorn.artifacts import paths
from runicorn.artifacts import records as rec
from runicorn.artifacts.runlink import read_entries

from apps.runs import indexer
from apps.runs.models import Run

from .reader import ArtifactMissing

MAX_DEPTH = 10

Key = tuple[str, str, int]  # (type, name, version)

_consumers_lock = threading.Lock()
_consumers: tuple[str, dict[Key, list[tuple[str, float | None]]]] | None = None


def consumer_map(root: Path) -> dict[Key, list[tuple[str, float | None]]]:
    """(type, name, version) → [(run_id, used_at)] over every indexed run, cached per generation."""
    global _consumers
    token = f"{root}|{indexer.current_generation()}"
    with _consumers_lock:
        if _consumers is not None and _consumers[0] == token:
            return _consumers[1]
    mapping: dict[Key, list[tuple[str, float | None]]] = {}
    rows = Run.objects.filter(artifacts_used_count__gt=0).order_by("created_at").values_list("run_id", "run_dir")
    for run_id, run_dir in rows:
        for entry in read_entries(Path(run_dir), layout.ARTIFACTS_USED_FILE):
            used_at = entry.get("used_at")
            mapping.setdefault((entry["type"], entry["name"], entry["version"]), []).append(
                (run_id, used_at if isinstance(used_at, (int, float)) else None)
            )
    with _consumers_lock:
        _consumers = (token, mapping)
    return mapping


class _Graph:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}
        self._meta: dict[Key, dict[str, Any] | None] = {}
        self._run_dirs: dict[str, Path | None] = {}
        self._walk: dict[str, Path] | None = None

    def metadata(self, key: Key) -> dict[str, Any] | None:
        if key not in self._meta:
            type_, name, version = key
            meta = None
            if not paths.type_error(type_) and not paths.name_error(name):
                meta = rec.read_metadata(paths.version_dir(self.root, type_, name, version))
            self._meta[key] = meta
        return self._meta[key]

    def run_entries(self, run_id: str, filename: str) -> list[dict[str, Any]]:
        if run_id not in self._run_dirs:
            run_dir = None
            if layout.is_valid_run_id(run_id):
                row = Run.objects.filter(run_id=run_id).values_list("run_dir", flat=True).first()
                run_dir = Path(row) if row else self._walked().get(run_id)
            self._run_dirs[run_id] = run_dir
        run_dir = self._run_dirs[run_id]
        return read_entries(run_dir, filename) if run_dir else []

    def _walked(self) -> dict[str, Path]:
        """Every run directory on disk, walked once per graph, for runs the index has not seen."""
        if self._walk is None:
            self._walk = {loc.run_id: loc.path for loc in layout.iter_run_dirs(self.root)}
        return self._walk

    def add_artifact(self, key: Key) -> str | None:
        meta = self.metadata(key)
        if meta is None:
            return None  # deleted for good or unreadable: left out, as the reference does
        type_, name, version = key
        node_id = f"{name}:v{version}"
        if node_id not in self.nodes:
            self.nodes[node_id] = {
                "node_type": "artifact", "node_id": node_id, "label": f"{name} v{version}",
                "metadata": {"type": type_, "size": meta.get("size_bytes", 0), "created_at": meta.get("created_at")},
            }
        return node_id

    def add_run(self, run_id: str) -> str:
        node_id = f"run:{run_id}"
        if node_id not in self.nodes:
            self.nodes[node_id] = {"node_type": "run", "node_id": node_id, "label": f"Run {run_id[:16]}...",
                                   "metadata": {"run_id": run_id}}
        return node_id

    def add_edge(self, source: str, target: str, edge_type: str, when: Any) -> None:
        if (source, target) not in self.edges:
            self.edges[(source, target)] = {"source": source, "target": target, "edge_type": edge_type,
                                            "created_at": when if isinstance(when, (int, float)) else None}

    def describe_runs(self) -> None:
        """Project, name and status of the run nodes, in one query."""
        ids = [n["metadata"]["run_id"] for n in self.nodes.values() if n["node_type"] == "run"]
        for run_id, project, name, status in Run.objects.filter(run_id__in=ids).values_list(
            "run_id", "project", "name", "status"
        ):
            self.nodes[f"run:{run_id}"]["metadata"].update({"project": project, "name": name, "status": status})


def _key(entry: dict[str, Any]) -> Key:
    return (entry["type"], entry["name"], entry["version"])


def build_lineage(root: Path, type_: str, name: str, version: int, max_depth: int = 3) -> dict[str, Any]:
    max_depth = max(0, min(int(max_depth), MAX_DEPTH))
    graph = _Graph(root)
    start: Key = (type_, name, version)
    root_id = graph.add_artifact(start)
    if root_id is None:
        raise ArtifactMissing(f"Version not found: {name}:v{version}")

    # Ancestors: artifact → its producing run → the artifacts that run used → ...
    queue: deque[tuple[Key, int]] = deque([(start, 0)])
    seen: set[Key] = set()
    expanded_runs: set[str] = set()
    while queue:
        key, depth = queue.popleft()
        if depth >= max_depth or key in seen:
            continue
        seen.add(key)
        meta = graph.metadata(key) or {}
        run_id = meta.get("created_by_run")
        if not isinstance(run_id, str) or not run_id:
            continue
        run_node = graph.add_run(run_id)
        graph.add_edge(run_node, f"{key[1]}:v{key[2]}", "produces", meta.get("created_at"))
        if run_id in expanded_runs:
            continue
        expanded_runs.add(run_id)
        for used in graph.run_entries(run_id, layout.ARTIFACTS_USED_FILE):
            used_id = graph.add_artifact(_key(used))
            if used_id is not None:
                graph.add_edge(used_id, run_node, "uses", used.get("used_at"))
                queue.append((_key(used), depth + 1))

    # Descendants: artifact → the runs that used it → the artifacts they produced → ...
    consumers = consumer_map(root)
    queue = deque([(start, 0)])
    seen = set()
    expanded_runs = set()
    while queue:
        key, depth = queue.popleft()
        if depth >= max_depth or key in seen:
            continue
        seen.add(key)
        for run_id, used_at in consumers.get(key, ()):
            run_node = graph.add_run(run_id)
            graph.add_edge(f"{key[1]}:v{key[2]}", run_node, "uses", used_at)
            if run_id in expanded_runs:
                continue
            expanded_runs.add(run_id)
            for made in graph.run_entries(run_id, layout.ARTIFACTS_CREATED_FILE):
                made_id = graph.add_artifact(_key(made))
                if made_id is not None:
                    meta = graph.metadata(_key(made)) or {}
                    graph.add_edge(run_node, made_id, "produces", meta.get("created_at"))
                    queue.append((_key(made), depth + 1))

    graph.describe_runs()
    return {"root_artifact": root_id, "nodes": list(graph.nodes.values()), "edges": list(graph.edges.values())}
