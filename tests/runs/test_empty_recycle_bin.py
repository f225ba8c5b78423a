"""POST /api/recycle-bin/empty: removes the directories of soft-deleted runs for good."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.factories import make_run
from tests.runs.conftest import tree

pytestmark = pytest.mark.django_db

URL = "/api/recycle-bin/empty"
MARKER = {"deleted_at": 1700000000.0, "reason": "user_deleted", "original_status": "finished"}


def test_it_removes_deleted_runs_and_keeps_the_others(api, post_json, storage_root, reindex):
    live = make_run(storage_root, "vision", "resnet")
    deleted = [make_run(storage_root, "vision", "resnet", deleted=MARKER) for _ in range(2)]
    reindex()

    resp = post_json(URL, {"confirm": True})

    assert resp.status_code == 200
    assert resp.json() == {"permanently_deleted": 2, "message": "Permanently deleted 2 runs"}
    assert not any(run.exists() for run in deleted)
    assert (live / "meta.json").exists()
    assert api.get("/api/recycle-bin").json() == {"deleted_runs": []}
    assert [r["id"] for r in api.get("/api/runs").json()] == [live.name]


def test_it_answers_zero_when_the_bin_is_empty(post_json, storage_root, reindex):
    make_run(storage_root)
    reindex()
    before = tree(storage_root)
    resp = post_json(URL, {"confirm": True})
    assert resp.json() == {"permanently_deleted": 0, "message": "Permanently deleted 0 runs"}
    assert tree(storage_root) == before


@pytest.mark.parametrize("body", [{}, {"confirm": False}, {"confirm": "true"}, {"confirm": "false"}, {"confirm": 1}])
def test_it_requires_confirm_true(post_json, storage_root, reindex, body):
    # Stricter than the reference, which takes any truthy value (so "false" deleted everything).
    make_run(storage_root, deleted=MARKER)
    reindex()
    before = tree(storage_root)

    resp = post_json(URL, body)

    assert resp.status_code == 400
    assert resp.json() == {"detail": "Must set confirm=true to permanently delete"}
    assert tree(storage_root) == before


@pytest.mark.parametrize("body", ["confirm=true", "[true]", "true"])
def test_it_rejects_a_body_that_is_not_a_json_object(post_json, storage_root, reindex, body):
    make_run(storage_root, deleted=MARKER)
    reindex()
    before = tree(storage_root)
    resp = post_json(URL, body)
    assert resp.status_code == 400 and isinstance(resp.json()["detail"], str)
    assert tree(storage_root) == before


def test_it_keeps_a_run_restored_on_disk_since_it_was_indexed(post_json, storage_root, reindex):
    # The index may lag the disk by a moment; the marker on disk decides, not the row.
    run = make_run(storage_root, deleted=MARKER)
    reindex()
    (run / ".deleted").unlink()

    assert post_json(URL, {"confirm": True}).json()["permanently_deleted"] == 0
    assert (run / "meta.json").exists()


@pytest.mark.parametrize("level", ["project", "name", "run"])
def test_it_never_removes_a_directory_outside_the_root(post_json, storage_root, reindex, tmp_path, level):
    # A symlink inside the root pointing elsewhere: the target is not ours to delete.
    outside = tmp_path / "outside"
    real = make_run(outside, "p", "n", deleted=MARKER)
    run_id = real.name
    link_at = {
        "project": (storage_root / "p", outside / "p"),
        "name": (storage_root / "p" / "n", outside / "p" / "n"),
        "run": (storage_root / "p" / "n" / "runs" / run_id, real),
    }[level]
    link_at[0].parent.mkdir(parents=True, exist_ok=True)
    os.symlink(link_at[1], link_at[0])
    reindex()
    outside_before = tree(outside)

    resp = post_json(URL, {"confirm": True})

    assert resp.status_code == 200
    assert resp.json()["permanently_deleted"] == 0
    assert tree(outside) == outside_before
    assert link_at[0].is_symlink()



def _freeze(path: Path) -> None:
    """Entries of ``path`` can no longer be removed or renamed (immutable flag as root)."""
    if os.geteuid() != 0:
        os.chmod(path, 0o555)
    elif subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem has no immutable flag (chattr +i), needed to make a removal fail as root")


def _thaw(path: Path) -> None:
    if os.geteuid() != 0:
        os.chmod(path, 0o755)
    else:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_run_that_cannot_be_moved_stays_whole_in_the_bin(api, post_json, storage_root, reindex):
    # Removing files one by one and failing at the end used to leave an empty run without its
    # marker, which came back among the live runs.
    run = make_run(storage_root, deleted=MARKER, logs="x\n")
    reindex()
    before = tree(storage_root)

    _freeze(run.parent)
    try:
        resp = post_json(URL, {"confirm": True})
    finally:
        _thaw(run.parent)

    assert resp.json()["permanently_deleted"] == 0
    assert tree(storage_root) == before
    assert [r["id"] for r in api.get("/api/recycle-bin").json()["deleted_runs"]] == [run.name]
    assert api.get("/api/runs").json() == []


def test_a_run_whose_files_resist_deletion_still_leaves_the_lists(api, post_json, storage_root, reindex):
    run = make_run(storage_root, deleted=MARKER)
    media = run / "media"
    media.mkdir()
    (media / "a.png").write_bytes(b"png")
    reindex()

    _freeze(media)
    try:
        resp = post_json(URL, {"confirm": True})
        leftovers = [p for p in run.parent.iterdir() if p.name != run.name]
        assert reindex().scanned == 0  # what is left is not a run any more
    finally:
        for frozen in [media, *(p / "media" for p in run.parent.iterdir())]:
            if frozen.exists():
                _thaw(frozen)

    assert resp.json()["permanently_deleted"] == 1
    assert not run.exists()
    assert api.get("/api/recycle-bin").json() == {"deleted_runs": []}
    assert api.get("/api/runs").json() == []
    assert [p.name.startswith(".") for p in leftovers] == [True]
