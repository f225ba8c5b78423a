from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

needs_build = pytest.mark.skipif(
    not (settings.RUNICORN_FRONTEND_DIST / "index.html").is_file(),
    reason="frontend not built (make setup builds it)",
)


@needs_build
def test_client_routes_get_the_app(client):
    for path in ("/", "/runs/20250101_000000_abcdef", "/experiments?project=x"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert resp["Content-Type"].startswith("text/html")
        assert resp["Cache-Control"] == "no-cache"
        assert b'<div id="root">' in b"".join(resp.streaming_content)


@needs_build
def test_hashed_assets_are_cached_for_long(client):
    index = (settings.RUNICORN_FRONTEND_DIST / "index.html").read_text()
    asset = index.split('src="', 1)[1].split('"', 1)[0]
    resp = client.get(asset)
    assert resp.status_code == 200
    assert "immutable" in resp["Cache-Control"]


def test_api_paths_never_fall_through_to_the_app(client):
    resp = client.get("/api/no-such-endpoint")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "Not Found"}


def test_it_explains_a_missing_build(client, settings, tmp_path):
    settings.RUNICORN_FRONTEND_DIST = tmp_path
    resp = client.get("/")
    assert resp.status_code == 503
    assert b"make setup" in resp.content
