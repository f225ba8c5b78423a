"""``client.artifacts``: listing, specs with versions and aliases, lineage, verified downloads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import runicorn.api as api
from runicorn.api import RunicornClient

from .conftest import Written


def test_list_artifacts_and_versions(client: RunicornClient) -> None:
    listed = {a["name"]: a for a in client.artifacts.list_artifacts()}
    assert set(listed) == {"resnet-weights", "fragile"}
    assert listed["resnet-weights"]["num_versions"] == 2
    assert listed["resnet-weights"]["aliases"] == {"latest": 2, "production": 1}
    assert [a["name"] for a in client.artifacts.list_artifacts(type="dataset")] == ["fragile"]
    assert len(client.artifacts.list_artifacts(limit=1)) == 1
    assert client.artifacts.list_artifacts(offset=2) == []

    versions = client.artifacts.list_versions("resnet-weights")
    assert [(v["version"], v["aliases"]) for v in versions] == [(1, ["production"]), (2, ["latest"])]


@pytest.mark.parametrize(("spec", "version"), [("resnet-weights:v1", 1), ("resnet-weights:production", 1),
                                               ("resnet-weights:latest", 2), ("resnet-weights", 2)])
def test_get_artifact_by_version_or_alias(client: RunicornClient, written: Written, spec: str, version: int) -> None:
    detail = client.artifacts.get_artifact(spec)
    assert (detail["name"], detail["version"], detail["type"]) == ("resnet-weights", version, "model")
    assert detail["created_by_run"] == written.ids["A"]


def test_unknown_specs(client: RunicornClient) -> None:
    with pytest.raises(api.NotFoundError, match="no version with alias 'staging'"):
        client.artifacts.get_artifact("resnet-weights:staging")
    with pytest.raises(api.NotFoundError) as caught:
        client.artifacts.get_artifact("resnet-weights:v9")
    assert caught.value.status_code == 404
    with pytest.raises(api.NotFoundError):
        client.artifacts.list_versions("no-such-artifact")
    with pytest.raises(ValueError, match="artifact"):
        client.artifacts.get_artifact("")


def test_lineage_links_the_creating_and_the_using_run(client: RunicornClient, written: Written) -> None:
    graph = client.artifacts.get_lineage("resnet-weights:production")
    edges = {(e["source"], e["target"], e["edge_type"]) for e in graph["edges"]}
    assert (f"run:{written.ids['A']}", "resnet-weights:v1", "produces") in edges
    assert ("resnet-weights:v1", f"run:{written.ids['D']}", "uses") in edges


def test_a_runs_artifacts(client: RunicornClient, written: Written) -> None:
    created = client.artifacts.list_experiment_artifacts(written.ids["A"], relation="created")
    assert sorted((a["name"], a["version"]) for a in created) == [("fragile", 1), ("resnet-weights", 1),
                                                                   ("resnet-weights", 2)]
    used = client.artifacts.list_experiment_artifacts(written.ids["D"])
    assert [(a["name"], a["version"], a["relation"]) for a in used] == [("resnet-weights", 1, "used")]


def test_download_writes_every_file_verified(client: RunicornClient, written: Written, tmp_path: Path) -> None:
    target = client.artifacts.download("resnet-weights:production", tmp_path / "out")

    assert target == tmp_path / "out"
    assert (target / "model.bin").read_bytes() == written.files["model.bin"]
    assert (target / "extra" / "tokenizer.json").read_bytes() == written.files["tokenizer.json"]
    assert sorted(p.name for p in target.rglob("*") if p.is_file()) == ["model.bin", "tokenizer.json"]

    with pytest.raises(FileExistsError):
        client.artifacts.download("resnet-weights:v1", target, overwrite=False)


def test_a_file_that_does_not_match_its_digest_is_refused(client: RunicornClient, written: Written,
                                                          tmp_path: Path) -> None:
    stored = written.root / "artifacts" / "dataset" / "fragile" / "v1" / "files" / "fragile.bin"
    good = stored.read_bytes()
    stored.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # one bit flipped on the viewer's disk
    try:
        with pytest.raises(api.IntegrityError, match="does not match the manifest's " +
                           hashlib.sha256(good).hexdigest()):
            client.artifacts.download("fragile:v1", tmp_path / "out")
    finally:
        stored.write_bytes(good)
    # Nothing half-checked is left behind.
    assert list((tmp_path / "out").rglob("*")) == []
