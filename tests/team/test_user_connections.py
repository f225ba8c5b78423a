"""Saved SSH connections are per user in the team profile (and kept in the database)."""

from __future__ import annotations

import pytest
from runicorn.config import load_user_config

from apps.accounts.models import UserSetting

from .conftest import bearer

pytestmark = pytest.mark.django_db

CONNECTION = {"host": "gpu.lab.example.org", "port": 22, "username": "mia", "auth_method": "password",
              "password": "s3cret-pw", "remember_password": True, "name": "GPU box"}
KEY = "gpu.lab.example.org:22@mia"


def test_a_users_saved_connections_are_invisible_to_another_user(team, member, other_member):
    mine, theirs = bearer(member), bearer(other_member)

    saved = mine.post("/api/config/ssh_connections", CONNECTION, format="json")

    assert saved.status_code == 200, saved.content
    assert [c["key"] for c in mine.get("/api/config/ssh_connections").json()["connections"]] == [KEY]
    assert theirs.get("/api/config/ssh_connections").json()["connections"] == []
    assert theirs.get(f"/api/config/ssh_connections/{KEY}/details").status_code == 404
    assert theirs.delete(f"/api/config/ssh_connections/{KEY}").status_code == 404
    # Nor can they connect with it: the saved key is looked up among their own connections.
    refused = theirs.post("/api/remote/connect", {"saved_key": KEY}, format="json")
    assert refused.status_code == 404 and refused.json()["error"] == "connection_not_found"

    assert mine.get(f"/api/config/ssh_connections/{KEY}/details").json()["connection"]["has_password"] is True


def test_team_connections_live_in_the_database_with_their_secret_encrypted(team, member):
    bearer(member).post("/api/config/ssh_connections", CONNECTION, format="json")

    (record,) = UserSetting.objects.get(user=member, key="ssh_connections").value
    assert record["key"] == KEY and "s3cret-pw" not in str(record)
    assert "ssh_connections" not in load_user_config()  # not in the file every process would share


def test_deleting_removes_only_the_callers_connection(team, member, other_member):
    mine, theirs = bearer(member), bearer(other_member)
    mine.post("/api/config/ssh_connections", CONNECTION, format="json")
    theirs.post("/api/config/ssh_connections", CONNECTION, format="json")

    assert mine.delete(f"/api/config/ssh_connections/{KEY}").status_code == 200

    assert mine.get("/api/config/ssh_connections").json()["connections"] == []
    assert [c["key"] for c in theirs.get("/api/config/ssh_connections").json()["connections"]] == [KEY]


def test_ui_preferences_are_per_user_and_kept_in_the_database(team, member, other_member):
    mine, theirs = bearer(member), bearer(other_member)
    body = {"table": "experiments", "size": "1400x900", "widths": {"name": 250}}

    assert mine.post("/api/config/column-widths", body, format="json").status_code == 200
    assert mine.post("/api/config/dismissed-alerts/dismiss", {"alert_id": "a1"}, format="json").status_code == 200

    query = {"table": "experiments", "size": "1400x900"}
    assert mine.get("/api/config/column-widths", query).json()["widths"] == {"name": 250}
    assert theirs.get("/api/config/column-widths", query).json()["widths"] == {}
    assert theirs.get("/api/config/dismissed-alerts").json() == {"dismissed_alerts": []}
    assert UserSetting.objects.get(user=member, key="dismissed_alerts").value == ["a1"]
    assert "column_widths" not in load_user_config()
