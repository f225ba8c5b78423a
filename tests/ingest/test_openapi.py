"""Every ingest endpoint is in the OpenAPI schema, with its errors and an example."""

from __future__ import annotations

import pytest

from apps.system.openapi import iter_api_routes, openapi_path


@pytest.fixture(scope="module")
def schema(django_db_blocker):  # type: ignore[no-untyped-def]
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/openapi.json").json()


def test_every_ingest_route_is_documented_with_examples(schema):
    routes = {route for route, _ in iter_api_routes() if route.startswith("/api/ingest/")}
    assert routes == {openapi_path(p) for p in schema["paths"] if p.startswith("/api/ingest/")}
    assert len(routes) == 8
    for route in routes:
        for method, operation in schema["paths"][route].items():
            assert operation["tags"] == ["ingest"], (method, route)
            assert {"400", "401"} <= set(operation["responses"]), (method, route)
            assert "example" in str(operation), (method, route)
