"""POST /api/runs/export, /api/import/preview and /api/import/archive."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import make_runs, tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(storage_root, reindex):  # type: ignore[no-untyped-def]
    ids = make_runs(storage_root)
    reindex()
    return ids


def export(api, run_ids) -> bytes:  # type: ignore[no-untyped-def]
    response = api.post("/api/runs/export", {"run_ids": run_ids}, format="json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="runicorn-runs-')
    return b"".join(response.streaming_content)


def upload(api, data: bytes, **fields):  # type: ignore[no-untyped-def]
    return api.post("/api/import/preview", {"file": SimpleUploadedFile("runs.zip", data), **fields},
                    format="multipart")


def test_export_streams_the_selected_runs(api, runs):
    body = export(api, [runs["evaluate"]])
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert f"vision/eval/runs/{runs['evaluate']}/meta.json" in names
    assert "artifacts/model/resnet-model/v1/metadata.json" in names
    assert not any(runs["other"] in n for n in names)


@pytest.mark.parametrize(("body", "status", "detail"), [
    ({}, 400, "run_ids is required and must be a non-empty list"),
    ({"run_ids": ["nope"]}, 400, "Invalid run_id format: nope"),
    ({"run_ids": ["20200101_000000_aaaaaa"]}, 404, "Run not found: 20200101_000000_aaaaaa"),
])
def test_export_rejects_bad_selections(api, runs, body, status, detail):
    response = api.post("/api/runs/export", body, format="json")
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_preview_then_import_into_another_root(api, runs, storage_root, tmp_path, reindex):
    body = export(api, list(runs.values()))
    source = tree(storage_root)
    from apps.runs.storage import set_storage_root

    target = tmp_path / "target"
    target.mkdir()
    set_storage_root(target)
    preview = upload(api, body)
    assert preview.status_code == 200, preview.content
    answer = preview.json()
    assert sorted(r["id"] for r in answer["runs"]["new"]) == sorted(runs.values())
    assert answer["artifacts"]["new"] == [{"type": "model", "name": "resnet-model", "version": 1}]
    assert answer["conflicts"] == [] and len(answer["token"]) >= 20
    assert list(target.iterdir()) == []  # a preview writes nothing

    done = api.post("/api/import/archive", {"token": answer["token"]}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["imported_runs"] == 3 and done.json()["imported_versions"] == 1
    assert tree(target) == source
    listed = {r["id"] for r in api.get("/api/runs").json()}  # indexed right away
    assert listed == set(runs.values())

    again = api.post("/api/import/archive", {"token": answer["token"]}, format="json")
    assert again.status_code == 404
    assert again.json() == {"detail": "Unknown or expired import token: upload the archive again with "
                                      "POST /api/import/preview"}


def test_preview_reports_runs_already_there(api, runs):
    answer = upload(api, export(api, [runs["other"]])).json()
    assert answer["runs"]["new"] == []
    assert answer["runs"]["duplicates"] == [{"id": runs["other"], "project": "nlp", "name": "bert"}]
    assert answer["conflicts"] == [{"run": runs["other"], "reason": "a run with this id is already in the root; "
                                                                   "skipped"}]


def test_isolate_mode_imports_into_the_named_project(api, runs, storage_root, tmp_path):
    body = export(api, [runs["other"]])
    from apps.runs.storage import set_storage_root

    target = tmp_path / "target"
    target.mkdir()
    set_storage_root(target)
    token = upload(api, body, mode="isolate", project="from-alice").json()["token"]
    done = api.post("/api/import/archive", {"token": token, "mode": "isolate", "project": "from-alice"},
                    format="json")
    assert done.status_code == 200
    assert (target / "from-alice" / "bert" / "runs" / runs["other"] / "meta.json").is_file()


def test_a_bad_archive_is_refused_and_nothing_is_spooled(api, runs, settings):
    spooled_before = set(Path(settings.RUNICORN_IMPORT_SPOOL).glob("*.zip"))
    response = upload(api, b"not a zip")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Invalid archive: not a ZIP archive")
    assert set(Path(settings.RUNICORN_IMPORT_SPOOL).glob("*.zip")) == spooled_before


def test_missing_file_bad_mode_bad_token_and_too_large(api, runs, settings):
    assert api.post("/api/import/preview", {}, format="multipart").json() == {
        "detail": "file is required: the archive, as multipart/form-data field 'file'"}
    assert upload(api, b"x", mode="copy").json() == {"detail": "mode must be one of merge, isolate, got 'copy'"}
    bad = api.post("/api/import/archive", {"token": "../../etc/passwd"}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"detail": "token is required: the token that /api/import/preview returned"}
    settings.RUNICORN_IMPORT_MAX_BYTES = 10
    big = upload(api, b"0123456789abc")
    assert big.status_code == 413
    assert "this viewer accepts at most 10 (RUNICORN_IMPORT_MAX_BYTES)" in big.json()["detail"]


def test_isolate_mode_without_a_project_imports_where_the_preview_said(api, runs, tmp_path):
    body = export(api, [runs["other"]])
    from apps.runs.storage import set_storage_root

    target = tmp_path / "target"
    target.mkdir()
    set_storage_root(target)
    preview = upload(api, body, mode="isolate").json()
    (planned,) = preview["runs"]["new"]
    assert planned["project"].startswith("imported-archive-")
    done = api.post("/api/import/archive", {"token": preview["token"], "mode": "isolate"}, format="json").json()
    assert done["runs"]["new"] == [planned]
    assert (target / planned["project"] / "bert" / "runs" / runs["other"]).is_dir()
