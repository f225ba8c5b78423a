"""#15.11: the OpenAPI description allows what the server accepts and nothing it refuses, documents
401/403, and a method a route does not have answers 405 JSON (not CSRF's 403 HTML page)."""

from __future__ import annotations

import re

import pytest
import runicorn as rn
from django.test import Client
from rest_framework.test import APIClient

PUBLIC = {("get", "/api/health"), ("post", "/api/auth/login"), ("post", "/api/auth/logout"), ("get", "/api/auth/me")}


@pytest.fixture(scope="module")
def schema(django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return APIClient().get("/openapi.json").json()


def _parameter(schema, path: str, method: str, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)["schema"]


@pytest.fixture
def artifact(storage_root, reindex, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "w.bin").write_text("w")
    run = rn.Run(project="p", name="n", storage=storage_root)
    run.log_artifact(rn.Artifact("net", type="model").add_file(tmp_path / "w.bin"))
    run.finish()
    reindex()
    return "net"


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["0", "00", "1", "007", "999999999999", "1234567890123", "-1"])
def test_the_version_pattern_matches_what_the_server_accepts(schema, api, artifact, version):
    pattern = _parameter(schema, "/api/artifacts/{name}/v{version}", "get", "version")["pattern"]

    answer = api.get(f"/api/artifacts/{artifact}/v{version}")

    assert (re.fullmatch(pattern, version) is not None) == (answer.status_code != 400), answer.content


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "model", "dataset", "nope"])
def test_the_type_filter_matches_what_the_server_accepts(schema, api, artifact, value):
    enum = _parameter(schema, "/api/artifacts", "get", "type")["enum"]

    answer = api.get("/api/artifacts", {"type": value})

    assert (value in enum) == (answer.status_code == 200), answer.content


def test_every_operation_but_the_public_ones_documents_401_and_403(schema):
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if (method, path) in PUBLIC:
                assert "401" not in codes, (method, path)  # open to anyone
            elif not {"401", "403"} <= codes:
                missing.append((method, path))
    assert not missing
    empty = schema["paths"]["/api/recycle-bin/empty"]["post"]["responses"]["403"]
    assert "needs an admin" in empty["content"]["application/json"]["example"]["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/runs/20250101_000000_abcdef/metrics_step", "/api/metrics/cache/stats",
                                  "/api/runs/20250101_000000_abcdef/images",
                                  "/api/runs/20250101_000000_abcdef/media/a.png"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_method_the_route_lacks_answers_405_json(storage_root, path, method):
    browser = Client(enforce_csrf_checks=True)  # as a real client: CSRF is checked

    answer = getattr(browser, method)(path)

    assert answer.status_code == 405
    assert answer.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert answer["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_drf_routes_answer_405_json_too(storage_root):
    answer = Client(enforce_csrf_checks=True).put("/api/runs")

    assert answer.status_code == 405 and answer.json() == {"detail": 'Method "PUT" not allowed.'}
