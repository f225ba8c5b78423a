"""Soft delete / restore, permanent delete and garbage collection: shared pool objects are never
removed, objects nothing links to are, and the bytes freed are reported."""

from __future__ import annotations

import hashlib
import os

import pytest
import runicorn as rn
from runicorn.artifacts import ArtifactNotFound, collect_garbage, delete_permanently, move_alias, restore, soft_delete

from tests.artifacts.conftest import artifact_dir, pool_object, read_json, write_file


def _log(run, src, name, content, type_="model"):  # type: ignore[no-untyped-def]
    path = write_file(src / f"{name}.bin", content)
    return run.log_artifact(rn.Artifact(name, type=type_).add_file(path))


def test_permanent_delete_keeps_objects_other_versions_link_to(root, src, start_run):
    run = start_run(root)
    shared = os.urandom(4096)
    _log(run, src, "ckpt", shared)
    _log(run, src, "ckpt", shared)  # v2: same content
    _log(run, src, "copy", shared, type_="dataset")  # another artifact, same content
    obj = pool_object(root, read_json(artifact_dir(root, "model", "ckpt") / "v1/manifest.json")["files"][0]["digest"])

    assert delete_permanently(root, "model", "ckpt", 1).freed_bytes == 0
    assert obj.read_bytes() == shared and os.stat(obj).st_nlink == 3
    assert delete_permanently(root, "model", "ckpt", 2).freed_bytes == 0
    assert collect_garbage(root).freed_bytes == 0  # still linked from dataset/copy
    out = run.use_artifact("copy:v1").download(src.parent / "out")
    assert (out / "copy.bin").read_bytes() == shared

    result = delete_permanently(root, "dataset", "copy", 1)
    assert (result.removed_objects, result.freed_bytes) == (1, 4096)
    assert not obj.exists()
    index = read_json(artifact_dir(root, "model", "ckpt") / "versions.json")
    assert index["versions"] == [] and index["aliases"] == {}


def test_garbage_collection_frees_only_unlinked_objects(root, src, start_run):
    run = start_run(root)
    _log(run, src, "kept", b"k" * 1000)
    _log(run, src, "lost", b"l" * 3000)
    # A version removed behind the SDK's back (the reference's permanent delete never frees the pool).
    import shutil

    shutil.rmtree(artifact_dir(root, "model", "lost") / "v1")
    stale_tmp = write_file(root / "artifacts/.dedup/ab/.tmp-crashed", b"x" * 500)
    stale_build = artifact_dir(root, "model", "kept") / ".building-dead"
    write_file(stale_build / "files" / "half.bin", b"h")

    result = collect_garbage(root)
    assert (result.removed, result.freed_bytes) == (2, 3000 + 500)
    assert not stale_tmp.exists() and not stale_build.exists()
    assert run.use_artifact("kept:v1").download(src.parent / "out")  # verified against its digest
    assert collect_garbage(root) == (0, 0)


def test_soft_delete_hides_and_restore_brings_back(root, src, start_run):
    run = start_run(root)
    for i in range(3):
        _log(run, src, "m", f"content {i}")
    move_alias(root, "model", "m", "production", 3)
    vdir = artifact_dir(root, "model", "m") / "v3"

    assert soft_delete(root, "model", "m", 3) is True
    assert soft_delete(root, "model", "m", 3) is False
    assert (vdir / ".deleted").exists() and (vdir / "files" / "m.bin").exists()
    index = read_json(artifact_dir(root, "model", "m") / "versions.json")
    assert index["aliases"] == {"latest": 2, "production": 3}
    assert index["versions"][2]["status"] == "deleted"
    assert read_json(vdir / "metadata.json")["status"] == "deleted"
    assert run.use_artifact("m:latest").version == 2
    with pytest.raises(ArtifactNotFound, match="deleted"):
        run.use_artifact("m:production")
    with pytest.raises(ValueError, match="deleted"):
        move_alias(root, "model", "m", "staging", 3)

    assert restore(root, "model", "m", 3) is True
    index = read_json(artifact_dir(root, "model", "m") / "versions.json")
    assert index["aliases"] == {"latest": 3, "production": 3}
    assert index["versions"][2]["status"] == "ready" and not (vdir / ".deleted").exists()
    assert run.use_artifact("m:production").version == 3


def test_version_numbers_are_not_reused_after_a_permanent_delete(root, src, start_run):
    run = start_run(root)
    _log(run, src, "m", "a")
    _log(run, src, "m", "b")
    delete_permanently(root, "model", "m", 2)
    assert _log(run, src, "m", "c") == 3  # the reference would count versions and collide
    assert read_json(artifact_dir(root, "model", "m") / "versions.json")["aliases"] == {"latest": 3}


def test_a_source_changed_while_it_is_read_is_stored_under_the_digest_of_what_was_stored(root, src, monkeypatch):
    from runicorn.artifacts import pool

    path = write_file(src / "ckpt.bin", b"old bytes")
    real_hash = pool.file_sha256

    def hash_then_change(p):  # type: ignore[no-untyped-def]
        result = real_hash(p)
        with open(p, "ab") as fh:  # a writer still busy with the file, right after our first read
            fh.write(b" + more")
        return result

    monkeypatch.setattr(pool, "file_sha256", hash_then_change)
    entry = pool.put(root, path)
    stored = entry.path.read_bytes()
    assert stored == b"old bytes + more"
    assert entry.hexdigest == hashlib.sha256(stored).hexdigest() == entry.path.name
    assert entry.size == len(stored)
