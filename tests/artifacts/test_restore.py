"""POST /api/artifacts/{name}/v{n}/restore: a soft delete undone through the API, on versions the real
SDK wrote; the refusals (bad input, unknown versions, a live version); who may restore in the team profile."""

from __future__ import annotations

from pathlib import Path

import pytest
import runicorn as rn
from runicorn.artifacts import ArtifactNotFound

from tests.artifacts.conftest import artifact_dir, write_file
from tests.team.conftest import as_member, member, team  # noqa: F401 - the team profile's fixtures

pytestmark = pytest.mark.django_db

WEIGHTS = {1: b"\x00first weights\xff", 2: b"\x00second weights\xff"}


@pytest.fixture
def stored(storage_root: Path, tmp_path: Path, reindex) -> str:  # type: ignore[no-untyped-def]
    """``resnet`` (model) v1 and v2 with ``production`` on v2, and ``resnet`` (dataset) v1: a name in two types."""
    run = rn.Run(project="p", name="restore", storage=storage_root)
    for version, data in WEIGHTS.items():
        aliases = ["production"] if version == 2 else []
        run.log_artifact(rn.Artifact("resnet", type="model").add_file(write_file(tmp_path / "w.bin", data)),
                         aliases=aliases)
    run.log_artifact(rn.Artifact("resnet", type="dataset").add_file(write_file(tmp_path / "d.csv", "x\n1\n")))
    run.finish()
    reindex()
    return run.id


def _live(api, type_: str = "model") -> list[int]:  # type: ignore[no-untyped-def]
    return [v["version"] for v in api.get(f"/api/artifacts/resnet/versions?type={type_}").json()]


def test_restore_brings_back_a_soft_deleted_version_with_its_files_and_aliases(api, stored, storage_root):
    assert api.delete("/api/artifacts/resnet/v2?type=model").status_code == 200
    assert _live(api) == [1]
    with pytest.raises(ArtifactNotFound, match="is deleted"):
        rn.Run(project="p", name="before", storage=storage_root).use_artifact("resnet:production", type="model")

    response = api.post("/api/artifacts/resnet/v2/restore?type=model")

    assert (response.status_code, response.json()) == (200, {"success": True, "message": "Restored resnet:v2"})
    assert _live(api) == [1, 2]
    detail = api.get("/api/artifacts/resnet/v2?type=model").json()
    assert detail["status"] == "ready"
    assert sorted(detail["aliases"]) == ["latest", "production"]
    listed = next(a for a in api.get("/api/artifacts?type=model").json() if a["name"] == "resnet")
    assert (listed["num_versions"], listed["latest_version"]) == (2, 2)
    download = api.get("/api/artifacts/resnet/v2/files/w.bin?type=model")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == WEIGHTS[2]
    # A training script resolves it again and gets the same bytes.
    used = rn.Run(project="p", name="after", storage=storage_root).use_artifact("resnet:production", type="model")
    assert (used.version, (used.download() / "w.bin").read_bytes()) == (2, WEIGHTS[2])


def test_restoring_an_older_version_leaves_latest_on_the_newest(api, stored):
    api.delete("/api/artifacts/resnet/v1?type=model")
    assert api.post("/api/artifacts/resnet/v1/restore?type=model").status_code == 200
    assert _live(api) == [1, 2]
    assert api.get("/api/artifacts/resnet/v1?type=model").json()["aliases"] == []


def test_restoring_a_live_version_is_a_conflict_that_says_so(api, stored):
    response = api.post("/api/artifacts/resnet/v1/restore?type=model")
    assert (response.status_code, response.json()) == (
        409, {"detail": "resnet:v1 is not deleted; there is nothing to restore"})
    api.delete("/api/artifacts/resnet/v1?type=model")
    assert api.post("/api/artifacts/resnet/v1/restore?type=model").status_code == 200
    assert api.post("/api/artifacts/resnet/v1/restore?type=model").status_code == 409


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/artifacts/nope/v1/restore", 404, "Artifact not found: nope"),
        ("/api/artifacts/resnet/v9/restore?type=model", 404, "Version not found: resnet:v9"),
        ("/api/artifacts/resnet/v1/restore?type=config", 404, "Artifact not found: resnet (type=config)"),
        ("/api/artifacts/resnet/vx/restore", 400, "Invalid version: 'x' (expected a positive integer, as in /v3)"),
        ("/api/artifacts/resnet/v0/restore", 400, "Invalid version: '0' (expected a positive integer, as in /v3)"),
        ("/api/artifacts/resnet/v1/restore?type=weights", 400, None),
        ("/api/artifacts/a..b/v1/restore", 400, "Invalid artifact name: artifact name must not contain '..', "
                                                "'/', '\\' or NUL"),
    ],
)
def test_bad_restores_get_a_clear_json_error(api, stored, url, status, detail):
    response = api.post(url)
    assert response.status_code == status, response.content
    if detail is None:
        assert isinstance(response.json()["detail"], str)
    else:
        assert response.json() == {"detail": detail}


def test_a_permanently_deleted_version_cannot_be_restored(api, stored):
    assert api.delete("/api/artifacts/resnet/v2?type=model&permanent=true").status_code == 200
    response = api.post("/api/artifacts/resnet/v2/restore?type=model")
    assert (response.status_code, response.json()) == (404, {"detail": "Version not found: resnet:v2"})


def test_only_post_restores(api, stored):
    api.delete("/api/artifacts/resnet/v2?type=model")
    for method in ("get", "put", "delete"):
        assert getattr(api, method)("/api/artifacts/resnet/v2/restore?type=model").status_code == 405
    assert _live(api) == [1]


def test_a_member_may_restore_in_the_team_profile(as_member, stored):  # noqa: F811 - a fixture
    assert as_member.delete("/api/artifacts/resnet/v2?type=model").status_code == 200
    response = as_member.post("/api/artifacts/resnet/v2/restore?type=model")
    assert response.status_code == 200, response.content
    assert _live(as_member) == [1, 2]


def test_an_anonymous_caller_may_not_restore_in_the_team_profile(api, stored, storage_root, settings):
    api.delete("/api/artifacts/resnet/v2?type=model")
    settings.RUNICORN_AUTH_REQUIRED = True

    response = api.post("/api/artifacts/resnet/v2/restore?type=model")

    assert response.status_code == 401
    assert (artifact_dir(storage_root, "model", "resnet") / "v2" / ".deleted").exists()
