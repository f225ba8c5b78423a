"""In the team profile each user keeps their own layouts, and only signed-in users reach them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.workspaces.models import Workspace

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_each_user_sees_only_their_own_layout(team, member, other_member):
    mine, theirs = bearer(member), bearer(other_member)
    saved = mine.put("/api/workspaces/run?project=vision", {"layout": {"xAxis": "time"}}, format="json")
    assert saved.status_code == 200
    assert theirs.get("/api/workspaces/run", {"project": "vision"}).json()["layout"] is None
    theirs.put("/api/workspaces/run?project=vision", {"layout": {"xAxis": "global_step"}}, format="json")
    assert mine.get("/api/workspaces/run", {"project": "vision"}).json()["layout"] == {"xAxis": "time"}
    # A reset by one user leaves the other's layout alone.
    theirs.delete("/api/workspaces/run?project=vision")
    assert mine.get("/api/workspaces/run", {"project": "vision"}).json()["layout"] == {"xAxis": "time"}
    assert Workspace.objects.get().owner == member


def test_anonymous_requests_are_refused(team):
    anonymous = APIClient()
    assert anonymous.get("/api/workspaces/run", {"project": "vision"}).status_code == 401
    assert anonymous.put("/api/workspaces/run?project=vision", {"layout": {}}, format="json").status_code == 401
    assert Workspace.objects.count() == 0
