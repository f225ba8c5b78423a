"""The SDK with real files: log_artifact → files on disk in the reference layout → use_artifact →
download, verified. Dedup is checked by inode, large files by the writer's peak memory."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap

import pytest
import runicorn as rn
from runicorn.artifacts import ArtifactCorrupted, ArtifactNotFound

from tests.artifacts.conftest import artifact_dir, inode, pool_object, read_json, write_file

METADATA_KEYS = {
    "name", "type", "version", "created_at", "updated_at", "created_by_run", "created_by_user", "size_bytes",
    "num_files", "num_references", "status", "metadata", "description", "tags", "aliases", "parent_artifacts",
    "manifest_digest",
}


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_log_writes_the_reference_layout_and_use_downloads_verified_files(root, src, start_run):
    write_file(src / "model.bin", b"weights" * 1000)
    write_file(src / "cfg" / "a.yaml", "lr: 0.1\n")
    write_file(src / "cfg" / "nested" / "b.yaml", "depth: 50\n")
    run = start_run(root)
    art = rn.Artifact("resnet", type="model", description="baseline", metadata={"acc": 0.9})
    art.add_file(src / "model.bin").add_dir(src / "cfg", name="configs")
    art.add_reference("s3://bucket/data.tar", name="data", digest="sha256:" + "0" * 64, size=123)
    art.add_metadata({"epochs": 3}).add_tags("baseline", "baseline", "v1")

    assert run.log_artifact(art) == 1
    vdir = artifact_dir(root, "model", "resnet") / "v1"
    meta = read_json(vdir / "metadata.json")
    assert set(meta) == METADATA_KEYS  # exactly the reference's keys: it rebuilds them with cls(**data)
    assert meta["metadata"] == {"acc": 0.9, "epochs": 3}
    assert meta["tags"] == ["baseline", "v1"]
    assert meta["created_by_run"] == run.id and meta["aliases"] == ["latest"]
    assert meta["num_files"] == 3 and meta["num_references"] == 1
    assert meta["size_bytes"] == 7000 + 8 + 10 + 123
    manifest_bytes = (vdir / "manifest.json").read_bytes()
    assert meta["manifest_digest"] == hashlib.sha256(manifest_bytes).hexdigest()
    manifest = json.loads(manifest_bytes)
    assert [f["path"] for f in manifest["files"]] == ["model.bin", "configs/a.yaml", "configs/nested/b.yaml"]
    assert manifest["files"][0]["digest"] == sha(b"weights" * 1000)
    assert manifest["references"] == [{"uri": "s3://bucket/data.tar", "checksum": "sha256:" + "0" * 64,
                                       "size": 123, "metadata": {"name": "data"}}]
    index = read_json(artifact_dir(root, "model", "resnet") / "versions.json")
    assert index["aliases"] == {"latest": 1}
    assert set(index["versions"][0]) == {"version", "created_at", "created_by_run", "size_bytes", "num_files",
                                         "status", "aliases"}
    created = read_json(run.run_dir / "artifacts_created.json")["artifacts"]
    assert [(c["name"], c["type"], c["version"], c["num_files"]) for c in created] == [("resnet", "model", 1, 3)]

    consumer = start_run(root, name="eval")
    used = consumer.use_artifact("resnet:latest")
    assert used.version == 1 and used.metadata["acc"] == 0.9 and used.aliases == ["latest"]
    consumer.use_artifact("resnet:v1")  # the same version again is recorded once
    out = used.download(src.parent / "out")
    assert (out / "model.bin").read_bytes() == b"weights" * 1000
    assert (out / "configs" / "nested" / "b.yaml").read_text() == "depth: 50\n"
    entries = read_json(consumer.run_dir / "artifacts_used.json")["artifacts"]
    assert [(e["name"], e["type"], e["version"]) for e in entries] == [("resnet", "model", 1)]
    # The downloaded copy is independent of the store: writing to it leaves the pool intact.
    (out / "model.bin").write_bytes(b"changed")
    assert pool_object(root, manifest["files"][0]["digest"]).read_bytes() == b"weights" * 1000


def test_identical_content_is_stored_once_and_hard_linked(root, src, start_run):
    payload = os.urandom(1 << 20)
    write_file(src / "w.bin", payload)
    run = start_run(root)
    for _ in range(2):
        run.log_artifact(rn.Artifact("ckpt", type="model").add_file(src / "w.bin"))
    # Same content under another name and artifact: still the same pool object.
    write_file(src / "copy.bin", payload)
    run.log_artifact(rn.Artifact("other", type="dataset").add_file(src / "copy.bin"))

    ckpt = artifact_dir(root, "model", "ckpt")
    other = artifact_dir(root, "dataset", "other")
    files = [ckpt / "v1/files/w.bin", ckpt / "v2/files/w.bin", other / "v1/files/copy.bin"]
    obj = pool_object(root, sha(payload))
    assert {inode(f) for f in files} == {inode(obj)}
    assert os.stat(obj).st_nlink == 4
    pool_files = [p for p in (root / "artifacts" / ".dedup").rglob("*") if p.is_file()]
    assert pool_files == [obj]


def test_aliases_move_and_latest_follows_the_newest(root, src, start_run):
    run = start_run(root)
    for i in range(3):
        write_file(src / "f.txt", f"v{i}")
        run.log_artifact(rn.Artifact("cfg", type="config").add_file(src / "f.txt"),
                         aliases=("production",) if i == 1 else ("latest",))
    index = read_json(artifact_dir(root, "config", "cfg") / "versions.json")
    assert index["aliases"] == {"latest": 3, "production": 2}
    # Per-version lists agree with the map (the reference left "latest" on every old version).
    assert [v["aliases"] for v in index["versions"]] == [[], ["production"], ["latest"]]
    assert read_json(artifact_dir(root, "config", "cfg") / "v2/metadata.json")["aliases"] == ["production"]
    assert run.use_artifact("cfg:production").version == 2
    run.log_artifact(rn.Artifact("cfg", type="config").add_file(src / "f.txt"), aliases="staging")  # one alias
    assert read_json(artifact_dir(root, "config", "cfg") / "versions.json")["aliases"] == {
        "latest": 4, "production": 2, "staging": 4}
    assert run.use_artifact("cfg:v3").aliases == []
    assert run.use_artifact("cfg").version == 4  # no alias means latest


def test_bad_names_types_specs_and_paths_are_refused(root, src, start_run):
    for bad in ("../x", "a/b", "", "x" * 101, "a:b", ".hidden"):
        with pytest.raises(ValueError):
            rn.Artifact(bad)
    with pytest.raises(ValueError, match="artifact type"):
        rn.Artifact("ok", type="weights")
    write_file(src / "f", "x")
    with pytest.raises(ValueError, match="stay inside"):
        rn.Artifact("ok").add_file(src / "f", name="../escape")
    run = start_run(root)
    with pytest.raises(ValueError, match="no files"):
        run.log_artifact(rn.Artifact("empty"))
    with pytest.raises(ArtifactNotFound):
        run.use_artifact("missing:latest")
    run.log_artifact(rn.Artifact("ok").add_file(src / "f"))
    with pytest.raises(ArtifactNotFound, match="Alias 'nope'"):
        run.use_artifact("ok:nope")
    with pytest.raises(ArtifactNotFound, match="Version not found"):
        run.use_artifact("ok:v9")


def test_download_refuses_a_file_whose_content_changed(root, src, start_run):
    write_file(src / "data.csv", "a,b\n1,2\n")
    run = start_run(root)
    run.log_artifact(rn.Artifact("table", type="dataset").add_file(src / "data.csv"))
    stored = artifact_dir(root, "dataset", "table") / "v1/files/data.csv"
    stored.write_text("a,b\n9,9\n")  # same size, other bytes: silent corruption
    art = run.use_artifact("table:v1")
    with pytest.raises(ArtifactCorrupted, match="data.csv"):
        art.download(src.parent / "out")
    assert not (src.parent / "out" / "data.csv").exists()


LARGE_WRITER = textwrap.dedent(
    """
    import json, sys
    import runicorn as rn
    root, path = sys.argv[1], sys.argv[2]
    run = rn.Run(project="big", name="file", storage=root)
    version = run.log_artifact(rn.Artifact("big", type="dataset").add_file(path))
    run.finish()
    # VmHWM is this process's own peak (ru_maxrss would include the parent's, inherited at fork).
    peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(json.dumps({"version": version, "max_rss_kb": peak}))
    """
)


def test_a_200_mb_file_is_streamed_not_loaded(root, tmp_path):
    size = 200 * 1024 * 1024
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:  # sparse: instant to create, reads back as zeros
        fh.truncate(size)
    out = subprocess.run([sys.executable, "-c", LARGE_WRITER, str(root), str(big)],
                         capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["version"] == 1
    # A writer holding the file in memory would pass 200 MB; streaming stays near the interpreter's own.
    assert report["max_rss_kb"] < 100 * 1024, report
    manifest = read_json(artifact_dir(root, "dataset", "big") / "v1/manifest.json")
    expected = hashlib.sha256()
    zeros = bytes(1 << 20)
    for _ in range(200):
        expected.update(zeros)
    assert manifest["files"][0]["size"] == size
    assert manifest["files"][0]["digest"] == "sha256:" + expected.hexdigest()
    assert os.stat(artifact_dir(root, "dataset", "big") / "v1/files/big.bin").st_size == size
