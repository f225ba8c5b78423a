"""Artifacts written by the reference SDK (0.5.3) and by ours, in one storage root, answered by our
viewer as the reference viewer answers them; and the reference SDK reads, downloads and extends
artifacts our SDK wrote.

Known, deliberate differences (asserted below, not hidden):
- per-version ``aliases`` lists: the reference shows the lists stored in versions.json and
  metadata.json, where its SDK leaves ``latest`` on every old version; ours derive them from the
  alias map (what a spec resolves with). For artifacts our SDK wrote the two agree.
- stats ``total_files``: the reference always reports 0; ours counts.
- lineage: ours also walks downstream, and edge times are the events' times, not the request's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import runicorn as rn

from apps.runs import indexer
from apps.runs.storage import get_storage_root, set_storage_root
from tests.artifacts.conftest import write_file
from tests.benchmarks.common import Reference, Server

pytestmark = [pytest.mark.reference, pytest.mark.django_db]

REFERENCE_WRITER = r"""
import json, os, sys
import runicorn as rn

root, src = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(src, "imgs", "train"), exist_ok=True)
for rel, text in [("imgs/train/a.txt", "alpha"), ("imgs/train/b.txt", "beta"), ("imgs/labels.csv", "a,0\nb,1\n")]:
    with open(os.path.join(src, rel), "w") as fh:
        fh.write(text)
prep = rn.init(project="ref", name="prep", storage=root)
ds = rn.Artifact("refds", type="dataset", description="reference data", metadata={"rows": 2})
ds.add_dir(os.path.join(src, "imgs"))
ds.add_reference("s3://bucket/raw.tar", checksum="sha256:" + "1" * 64, size=99)
ds.add_tags("raw")
prep.log_artifact(ds)
v2 = rn.Artifact("refds", type="dataset")
v2.add_file(os.path.join(src, "imgs", "labels.csv"))
prep.log_artifact(v2)
prep.finish()
train = rn.init(project="ref", name="train", storage=root)
train.use_artifact("refds:v1")
with open(os.path.join(src, "model.pt"), "wb") as fh:
    fh.write(b"reference weights")
m = rn.Artifact("refmodel", type="model")
m.add_file(os.path.join(src, "model.pt"))
train.log_artifact(m)
train.finish()
print(json.dumps({"prep": prep.id, "train": train.id}))
"""

REFERENCE_READER = r"""
import json, os, sys
import runicorn as rn

root, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
run = rn.init(project="ref", name="consume", storage=root)
art = run.use_artifact("ourmodel:production")
path = art.download(out)
files = sorted(os.path.relpath(os.path.join(d, f), path) for d, _, fs in os.walk(path) for f in fs)
contents = {f: open(os.path.join(path, f)).read() for f in files}
latest = run.use_artifact("ourmodel:latest")
with open(os.path.join(src, "ref-extra.txt"), "w") as fh:
    fh.write("added by the reference")
extra = rn.Artifact("ourmodel", type="model")
extra.add_file(os.path.join(src, "ref-extra.txt"))
version = run.log_artifact(extra)
run.finish()
print(json.dumps({"run": run.id, "production": art.version, "latest": latest.version, "files": contents,
                  "logged": version, "meta": art.get_metadata().metadata}))
"""


@dataclass
class Shared:
    root: Path
    theirs: Server
    ids: dict[str, str]
    reader: dict[str, Any]


@pytest.fixture(scope="module")
def shared(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    work = tmp_path_factory.mktemp("artifacts-compat")
    root, src = work / "root", work / "src"
    ids = json.loads(reference.run_script(REFERENCE_WRITER, [str(root), str(src)], work).strip().splitlines()[-1])

    ours = rn.Run(project="our", name="train", storage=root)
    ours.use_artifact("refds:v2")  # a reference-written artifact, used by our SDK
    write_file(src / "ours" / "weights.bin", b"our weights v1")
    write_file(src / "ours" / "cfg" / "model.yaml", "layers: 50\n")
    art = rn.Artifact("ourmodel", type="model", description="ours", metadata={"acc": 0.91})
    art.add_file(src / "ours" / "weights.bin").add_dir(src / "ours" / "cfg", name="cfg").add_tags("baseline")
    ours.log_artifact(art, aliases=("production",))
    write_file(src / "ours" / "weights.bin", b"our weights v2")
    ours.log_artifact(rn.Artifact("ourmodel", type="model").add_file(src / "ours" / "weights.bin"))
    ours.finish()
    ids["ours"] = ours.id

    reader = json.loads(reference.run_script(REFERENCE_READER, [str(root), str(src), str(work / "out")], work)
                        .strip().splitlines()[-1])
    ids["consume"] = reader["run"]
    theirs = reference.start_viewer(root, work / "viewer")
    try:
        yield Shared(root, theirs, ids, reader)
    finally:
        theirs.stop()


@pytest.fixture
def api_on(shared: Shared, api):  # type: ignore[no-untyped-def]
    previous = get_storage_root()
    set_storage_root(shared.root)
    indexer.sync_index(shared.root)
    yield api
    set_storage_root(previous)


def both(shared: Shared, api, path: str) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    mine, theirs = api.get(path), shared.theirs.get(path)
    assert mine.status_code == theirs.status_code, (path, mine.content, theirs.text)
    return mine.json(), theirs.json()


def without_aliases(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "aliases"}


def test_the_reference_sdk_reads_and_extends_our_artifacts(shared):
    assert shared.reader["production"] == 1 and shared.reader["latest"] == 2
    assert shared.reader["files"] == {"weights.bin": "our weights v1", "cfg/model.yaml": "layers: 50\n"}
    assert shared.reader["meta"] == {"acc": 0.91}
    assert shared.reader["logged"] == 3


def test_lists_equal_the_references(shared, api_on):
    mine, theirs = both(shared, api_on, "/api/artifacts")
    assert mine == theirs
    assert {a["name"] for a in mine} == {"refds", "refmodel", "ourmodel"}
    for type_ in ("model", "dataset"):
        assert both(shared, api_on, f"/api/artifacts?type={type_}")[0] == both(
            shared, api_on, f"/api/artifacts?type={type_}")[1]


def test_versions_details_and_files_equal_the_references(shared, api_on):
    for name, count in (("refds", 2), ("refmodel", 1), ("ourmodel", 3)):
        mine, theirs = both(shared, api_on, f"/api/artifacts/{name}/versions")
        assert [without_aliases(v) for v in mine] == [without_aliases(v) for v in theirs]
        assert len(mine) == count
        for v in range(1, count + 1):
            detail, their_detail = both(shared, api_on, f"/api/artifacts/{name}/v{v}")
            assert set(their_detail) <= set(detail)
            assert {k: detail[k] for k in their_detail if k != "aliases"} == without_aliases(their_detail)
            files, their_files = both(shared, api_on, f"/api/artifacts/{name}/v{v}/files")
            assert files == their_files
    # Aliases: our SDK keeps the stored lists truthful, so both viewers agree on what it wrote...
    mine, theirs = both(shared, api_on, "/api/artifacts/ourmodel/versions")
    assert mine[0]["aliases"] == theirs[0]["aliases"] == ["production"]
    # ...but the reference SDK's v3 left "latest" on v2, which ours do not repeat.
    assert [v["aliases"] for v in mine[1:]] == [[], ["latest"]]
    assert [v["aliases"] for v in theirs[1:]] == [["latest"], ["latest"]]
    mine, theirs = both(shared, api_on, "/api/artifacts/refds/versions")
    assert [v["aliases"] for v in mine] == [[], ["latest"]]
    assert [v["aliases"] for v in theirs] == [["latest"], ["latest"]]


def test_a_runs_artifacts_equal_the_references(shared, api_on):
    for key in ("train", "ours", "consume"):
        mine, theirs = both(shared, api_on, f"/api/runs/{shared.ids[key]}/artifacts")
        for side in ("created", "used"):
            assert [without_aliases(a) for a in mine[side]] == [without_aliases(a) for a in theirs[side]]
    mine, _ = both(shared, api_on, f"/api/runs/{shared.ids['ours']}/artifacts")
    assert [(a["name"], a["version"]) for a in mine["used"]] == [("refds", 2)]


def test_errors_equal_the_references(shared, api_on):
    for path in ("/api/artifacts/nope/versions", "/api/artifacts/nope/v1", "/api/artifacts/refds/v9",
                 "/api/artifacts/refds/v9/files", "/api/runs/20000101_000000_abcdef/artifacts"):
        assert both(shared, api_on, path)[0] == both(shared, api_on, path)[1]


def test_lineage_holds_everything_the_reference_shows(shared, api_on):
    for name, version in (("refmodel", 1), ("refds", 2), ("ourmodel", 1)):
        mine, theirs = both(shared, api_on, f"/api/artifacts/{name}/v{version}/lineage")
        assert mine["root_artifact"] == theirs["root_artifact"]
        my_nodes = {n["node_id"]: n for n in mine["nodes"]}
        for node in theirs["nodes"]:
            assert node["node_id"] in my_nodes
            mine_node = my_nodes[node["node_id"]]
            assert (mine_node["node_type"], mine_node["label"]) == (node["node_type"], node["label"])
            assert {k: mine_node["metadata"][k] for k in node["metadata"]} == node["metadata"]
        my_edges = {(e["source"], e["target"], e["edge_type"]) for e in mine["edges"]}
        assert {(e["source"], e["target"], e["edge_type"]) for e in theirs["edges"]} <= my_edges
    # refds:v2 was used by our run, which produced ourmodel: downstream the reference does not walk.
    mine, _ = both(shared, api_on, "/api/artifacts/refds/v2/lineage")
    assert {"ourmodel:v1", "ourmodel:v2", f"run:{shared.ids['ours']}"} <= {n["node_id"] for n in mine["nodes"]}


def test_stats_equal_the_references(shared, api_on):
    mine, theirs = both(shared, api_on, "/api/artifacts/stats")
    same = ("total_artifacts", "total_versions", "total_size_bytes", "dedup_enabled", "dedup_pool_size_bytes",
            "by_type")
    assert {k: mine[k] for k in same} == {k: theirs[k] for k in same}
    assert theirs["total_files"] == 0 and mine["total_files"] == 3 + 1 + 1 + 2 + 1 + 1
