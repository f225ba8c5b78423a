"""GET /api/artifacts/{name}/v{version}/lineage across three generations, in both directions."""

from __future__ import annotations

from pathlib import Path

import pytest
import runicorn as rn

from tests.artifacts.conftest import write_file

pytestmark = pytest.mark.django_db


def _step(root: Path, src: Path, run_name: str, uses: list[str], makes: list[tuple[str, str]]) -> str:
    run = rn.Run(project="pipeline", name=run_name, storage=root)
    for spec in uses:
        run.use_artifact(spec)
    for name, type_ in makes:
        path = write_file(src / run_name / f"{name}.bin", f"{name} from {run_name}")
        run.log_artifact(rn.Artifact(name, type=type_).add_file(path))
    run.finish()
    return run.id


@pytest.fixture
def pipeline(storage_root: Path, tmp_path: Path, reindex) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """raw → (clean) → clean → (train) → model + curve → (evaluate) → report"""
    src = tmp_path / "src"
    runs = {
        "ingest": _step(storage_root, src, "ingest", [], [("raw", "dataset")]),
        "clean": _step(storage_root, src, "clean", ["raw:latest"], [("clean", "dataset")]),
        "train": _step(storage_root, src, "train", ["clean:v1"], [("model", "model"), ("curve", "custom")]),
        "evaluate": _step(storage_root, src, "evaluate", ["model:latest"], [("report", "custom")]),
    }
    reindex()
    return runs


def _graph(api, url: str) -> tuple[set[str], set[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    response = api.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return {n["node_id"] for n in body["nodes"]}, {(e["source"], e["target"], e["edge_type"]) for e in body["edges"]}


def test_the_middle_generation_sees_ancestors_and_descendants(api, pipeline):
    nodes, edges = _graph(api, "/api/artifacts/model/v1/lineage")
    r = {k: f"run:{v}" for k, v in pipeline.items()}
    assert nodes == {"model:v1", r["train"], "clean:v1", r["clean"], "raw:v1", r["ingest"], r["evaluate"], "report:v1"}
    assert edges == {
        (r["train"], "model:v1", "produces"), ("clean:v1", r["train"], "uses"),
        (r["clean"], "clean:v1", "produces"), ("raw:v1", r["clean"], "uses"),
        (r["ingest"], "raw:v1", "produces"),
        ("model:v1", r["evaluate"], "uses"), (r["evaluate"], "report:v1", "produces"),
    }
    body = api.get("/api/artifacts/model/v1/lineage").json()
    assert body["root_artifact"] == "model:v1"
    node = next(n for n in body["nodes"] if n["node_id"] == "model:v1")
    assert node["node_type"] == "artifact" and node["label"] == "model v1" and node["metadata"]["type"] == "model"
    run_node = next(n for n in body["nodes"] if n["node_id"] == r["train"])
    assert run_node["metadata"] == {"run_id": pipeline["train"], "project": "pipeline", "name": "train",
                                    "status": "finished"}
    assert all(isinstance(e["created_at"], float) for e in body["edges"])


def test_the_oldest_generation_reaches_three_generations_down(api, pipeline):
    nodes, _ = _graph(api, "/api/artifacts/raw/v1/lineage?max_depth=3")
    assert {"clean:v1", "model:v1", "curve:v1", "report:v1"} <= nodes
    nodes, _ = _graph(api, "/api/artifacts/raw/v1/lineage?max_depth=2")
    assert "model:v1" in nodes and "report:v1" not in nodes  # model is the second hop; not expanded
    nodes, _ = _graph(api, "/api/artifacts/raw/v1/lineage?max_depth=0")
    assert nodes == {"raw:v1"}


def test_the_newest_generation_walks_up_to_the_source(api, pipeline):
    nodes, edges = _graph(api, "/api/artifacts/report/v1/lineage")
    assert {"model:v1", "clean:v1", "raw:v1"} <= nodes and "curve:v1" not in nodes  # a sibling, not an ancestor
    # raw:v1 is the third hop: reached, but its own producer is one hop further.
    assert f"run:{pipeline['ingest']}" not in nodes
    nodes, edges = _graph(api, "/api/artifacts/report/v1/lineage?max_depth=4")
    assert (f"run:{pipeline['ingest']}", "raw:v1", "produces") in edges


def test_a_new_consumer_appears_once_indexed(api, pipeline, storage_root, tmp_path, reindex):
    before, _ = _graph(api, "/api/artifacts/report/v1/lineage")
    late = _step(storage_root, tmp_path / "src", "publish", ["report:v1"], [])
    reindex()
    after, edges = _graph(api, "/api/artifacts/report/v1/lineage")
    assert after - before == {f"run:{late}"}
    assert ("report:v1", f"run:{late}", "uses") in edges


def test_lineage_of_a_missing_version_is_404(api, pipeline):
    response = api.get("/api/artifacts/model/v7/lineage")
    assert (response.status_code, response.json()) == (404, {"detail": "Version not found: model:v7"})
