"""GET /api/environment/{run_id}: environment.json, in the reference's envelope."""

from __future__ import annotations

import pytest

from tests.factories import make_run, write_json


@pytest.mark.django_db
def test_it_returns_the_captured_environment(api, storage_root, reindex):
    run_dir = make_run(storage_root)
    environment = {"python_version": "3.11.7", "git_info": {"commit": "abc"}, "packages": {"numpy": "2.4.6"}}
    write_json(run_dir / "environment.json", environment)
    reindex()

    response = api.get(f"/api/environment/{run_dir.name}")

    assert response.status_code == 200
    assert response.json() == {"available": True, "environment": environment}


@pytest.mark.django_db
def test_a_run_that_did_not_capture_it_says_so(api, storage_root, reindex):
    run_dir = make_run(storage_root)
    reindex()

    assert api.get(f"/api/environment/{run_dir.name}").json() == {"available": False}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "reason"),
    [("{not json", "environment.json is not valid JSON"), ("[1, 2]", "environment.json does not hold a JSON object")],
)
def test_a_damaged_file_is_reported_not_a_500(api, storage_root, reindex, content, reason):
    run_dir = make_run(storage_root)
    (run_dir / "environment.json").write_text(content)
    reindex()

    response = api.get(f"/api/environment/{run_dir.name}")

    assert response.status_code == 200
    assert response.json() == {"available": False, "reason": reason}


@pytest.mark.django_db
@pytest.mark.parametrize("run_id", ["20250101_000000_abcdef", "..", "20250101_000000_abcdef.json"])
def test_an_unknown_run_is_404(api, storage_root, run_id):
    response = api.get(f"/api/environment/{run_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}
