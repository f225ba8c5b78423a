"""GET /openapi.json, /docs and /redoc: a valid description of every /api/ route, readable offline."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_routes() -> dict[str, set[str]]:
    """Every route under /api/ as an OpenAPI path, with the methods its view implements."""
    found: dict[str, set[str]] = {}

    def walk(patterns, prefix):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path() groups first
                route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("^", "").replace("$", "")
                view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
                allowed = getattr(view, "http_method_names", ())
                methods = {m for m in HTTP_METHODS if view is not None and hasattr(view, m) and m in allowed}
                found.setdefault(route, set()).update(methods)

    walk(get_resolver().url_patterns, "/")
    return {route: methods for route, methods in found.items() if route.startswith("/api/")}


def deliberately_excluded() -> set[str]:
    """``METHOD /path`` of DRF operations whose authors wrote ``@extend_schema(exclude=True)``."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    excluded = set()
    for path, _regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        if view.schema.is_excluded():
            excluded.add(f"{method.upper()} {path}")
    return excluded


@pytest.fixture(scope="module")
def schema(django_db_blocker):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 meta-schema
    assert schema["info"]["title"] == "Runicorn Viewer API"


def test_every_api_route_and_method_is_described(schema):
    routes = api_routes()
    assert len(routes) > 10

    missing = [
        f"{method.upper()} {route}"
        for route, methods in routes.items()
        for method in (methods or {"get"})  # plain Django views: at least one operation
        if method not in schema["paths"].get(route, {})
    ]
    missing = sorted(set(missing) - deliberately_excluded())

    assert missing == [], (
        "describe these in apps/system/api_docs.py (or with @extend_schema on a DRF view); plain Django "
        "views are only in the schema through an entry there"
    )
    assert set(schema["paths"]) - set(routes) == set(), "the schema describes a route that does not exist"


def test_every_operation_has_a_summary_an_id_and_its_answers(schema):
    ids = []
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {route}"
            ids.append(operation["operationId"])
            assert operation.get("summary"), f"{where}: no entry in apps/system/api_docs.py nor @extend_schema"
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), where
            assert "429" in codes, where  # the rate limiter can answer any /api/ call
            if "{" in route:
                assert codes & {"400", "404"}, f"{where}: a path parameter but no error answer"
    assert len(ids) == len(set(ids))


def test_run_ids_in_paths_carry_their_pattern(schema):
    params = schema["paths"]["/api/runs/{run_id}"]["get"]["parameters"]
    (run_id,) = [p for p in params if p["name"] == "run_id"]
    assert run_id["schema"]["pattern"] == r"^[0-9]{8}_[0-9]{6}_[a-f0-9]{6}$"


@pytest.mark.parametrize(("page", "assets"), [
    ("/docs", ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui.css"]),
    ("/redoc", ["redoc/bundles/redoc.standalone.js"]),
])
def test_the_docs_pages_load_their_scripts_from_the_viewer_itself(client, page, assets):
    html = client.get(page).content.decode()

    for asset in assets:
        url = f"/static/drf_spectacular_sidecar/{asset}"
        assert url in html
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content)
    assert not re.search(r"""(src|href)=["']https?://""", html), "a page must not load anything from the internet"
    assert "/openapi.json" in html
