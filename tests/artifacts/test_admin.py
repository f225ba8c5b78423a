"""The admin lists artifacts and versions from disk and its actions change the disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import runicorn as rn

from apps.artifacts.models import ArtifactEntry, ArtifactVersion
from tests.artifacts.conftest import artifact_dir, read_json, write_file

pytestmark = pytest.mark.django_db

VERSIONS = "/admin/artifacts/artifactversion/"


@pytest.fixture
def admin_client(client):  # type: ignore[no-untyped-def]
    """A logged-in superuser without the cost of hashing a password."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def stored(storage_root: Path, tmp_path: Path) -> str:
    run = rn.Run(project="p", name="admin", storage=storage_root)
    for i in range(3):
        run.log_artifact(rn.Artifact("resnet", type="model").add_file(write_file(tmp_path / "w.bin", f"w{i}" * 100)))
    run.finish()
    return run.id


def _act(client, action: str, versions: list[int], **extra: str):  # type: ignore[no-untyped-def]
    ids = [ArtifactVersion.objects.get(name="resnet", version=v).pk for v in versions]
    return client.post(VERSIONS, {"action": action, "_selected_action": ids, **extra}, follow=True)


def test_lists_show_size_aliases_run_and_state(admin_client, stored):
    page = admin_client.get(VERSIONS).content.decode()  # the visit syncs the rows from disk
    assert ArtifactVersion.objects.count() == 3
    assert "resnet" in page and stored in page and "latest" in page and "Collect garbage" in page
    entry = ArtifactEntry.objects.get(name="resnet")
    assert (entry.num_versions, entry.latest_version, entry.aliases) == (3, 3, {"latest": 3})
    page = admin_client.get("/admin/artifacts/artifactentry/").content.decode().replace("\xa0", " ")
    assert "latest → v3" in page and "600 bytes" in page


def test_soft_delete_restore_and_move_alias(admin_client, stored, storage_root):
    admin_client.get(VERSIONS)
    _act(admin_client, "soft_delete_versions", [3])
    assert (artifact_dir(storage_root, "model", "resnet") / "v3" / ".deleted").exists()
    assert ArtifactVersion.objects.get(version=3).deleted
    assert ArtifactEntry.objects.get().aliases == {"latest": 2}

    _act(admin_client, "restore_versions", [3])
    assert not ArtifactVersion.objects.get(version=3).deleted

    response = _act(admin_client, "move_alias", [1], alias="production")
    assert "now points at resnet:v1" in response.content.decode()
    index = read_json(artifact_dir(storage_root, "model", "resnet") / "versions.json")
    assert index["aliases"] == {"latest": 3, "production": 1}
    assert ArtifactVersion.objects.get(version=1).aliases == ["production"]
    response = _act(admin_client, "move_alias", [1, 2], alias="staging")
    assert "Select exactly one version" in response.content.decode()


def test_permanent_delete_asks_first_then_frees_the_pool(admin_client, stored, storage_root):
    admin_client.get(VERSIONS)
    confirm = _act(admin_client, "delete_permanently", [2])
    assert "Delete artifact versions permanently?" in confirm.content.decode()
    assert (artifact_dir(storage_root, "model", "resnet") / "v2").exists()
    done = _act(admin_client, "delete_permanently", [2], post="yes")
    assert "Permanently deleted 1 version(s), freeing 200 bytes" in done.content.decode().replace("\xa0", " ")
    assert not (artifact_dir(storage_root, "model", "resnet") / "v2").exists()
    assert sorted(ArtifactVersion.objects.values_list("version", flat=True)) == [1, 3]


def test_collect_garbage_reports_the_bytes_freed(admin_client, stored, storage_root):
    shutil.rmtree(artifact_dir(storage_root, "model", "resnet") / "v1")  # orphans v1's pool object
    pool = storage_root / "artifacts" / ".dedup"
    before = sum(p.stat().st_size for p in pool.rglob("*") if p.is_file())
    response = admin_client.post("/admin/artifacts/artifactentry/collect-garbage/", follow=True)
    assert "removed 1 pool object(s), freeing 200" in response.content.decode()
    assert sum(p.stat().st_size for p in pool.rglob("*") if p.is_file()) == before - 200
    assert all(os.stat(p).st_nlink == 2 for p in pool.rglob("*") if p.is_file())
    assert admin_client.get("/admin/artifacts/artifactentry/collect-garbage/").status_code == 405
