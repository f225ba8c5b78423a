"""GET/PUT/DELETE /api/workspaces/{page}?project=: a page's saved layout, per project."""

from __future__ import annotations

import pytest

from apps.workspaces.models import Workspace
from apps.workspaces.services import MAX_LAYOUT_BYTES

pytestmark = pytest.mark.django_db

LAYOUT = {"order": ["loss", "acc"], "hidden": ["lr"], "pinned": ["acc"], "smoothing": 0.6, "xAxis": "time",
          "groupStages": False}


def test_a_page_never_saved_has_no_layout(api):
    resp = api.get("/api/workspaces/run", {"project": "vision"})
    assert resp.status_code == 200
    assert resp.json() == {"page": "run", "project": "vision", "layout": None, "updated_at": None}


def test_a_saved_layout_comes_back_unchanged_for_its_project_and_page_only(api):
    saved = api.put("/api/workspaces/run?project=vision", {"layout": LAYOUT}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["layout"] == LAYOUT and saved.json()["updated_at"] > 0
    assert api.get("/api/workspaces/run", {"project": "vision"}).json()["layout"] == LAYOUT
    assert api.get("/api/workspaces/run", {"project": "nlp"}).json()["layout"] is None
    assert api.get("/api/workspaces/compare", {"project": "vision"}).json()["layout"] is None


def test_saving_again_replaces_the_layout(api):
    api.put("/api/workspaces/compare?project=vision", {"layout": LAYOUT}, format="json")
    api.put("/api/workspaces/compare?project=vision", {"layout": {"xAxis": "global_step"}}, format="json")
    assert api.get("/api/workspaces/compare", {"project": "vision"}).json()["layout"] == {"xAxis": "global_step"}
    assert Workspace.objects.count() == 1


def test_reset_forgets_the_saved_layout(api):
    api.put("/api/workspaces/run?project=vision", {"layout": LAYOUT}, format="json")
    reset = api.delete("/api/workspaces/run?project=vision")
    assert reset.status_code == 200 and reset.json()["layout"] is None
    assert api.get("/api/workspaces/run", {"project": "vision"}).json()["layout"] is None

NOT_A_LAYOUT = 'The body must be a JSON object {"layout": {...}}'


@pytest.mark.parametrize(
    ("method", "url", "body", "detail"),
    [
        ("get", "/api/workspaces/table?project=vision", None, "Unknown page 'table'; use one of run, compare"),
        ("get", "/api/workspaces/run", None, "project is required: the layout is saved per project"),
        ("get", "/api/workspaces/run?project=..", None, "project must not contain '..', '/', '\\' or NUL"),
        ("put", "/api/workspaces/run?project=vision", {"layout": [1, 2]}, NOT_A_LAYOUT),
        ("put", "/api/workspaces/run?project=vision", {"charts": []}, NOT_A_LAYOUT),
        ("put", "/api/workspaces/run?project=vision", {"layout": {"x": "y" * MAX_LAYOUT_BYTES}},
         f"layout is {MAX_LAYOUT_BYTES + 8} bytes; at most {MAX_LAYOUT_BYTES} are kept"),
        ("delete", "/api/workspaces/run?project=" + "p" * 101, None, "project must be at most 100 characters"),
    ],
)
def test_bad_input_is_refused_with_a_400_and_nothing_saved(api, method, url, body, detail):
    resp = getattr(api, method)(url, body, format="json") if body is not None else getattr(api, method)(url)
    assert resp.status_code == 400
    assert resp.json() == {"detail": detail}
    assert Workspace.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400(api):
    resp = api.put("/api/workspaces/run?project=vision", "{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"].startswith("Request body is not valid JSON")
