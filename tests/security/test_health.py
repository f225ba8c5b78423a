"""#15.9 and #15.10: /api/health tells anonymous team callers only its status, and says "degraded"
(with the reason) when the index database cannot be written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.team.conftest import bearer


@pytest.fixture
def read_only_index(db) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """SQLite's own read-only switch on the viewer's connection: every write fails as on a
    read-only file or mount (``attempt to write a readonly database``)."""
    if connection.vendor != "sqlite":
        pytest.skip("query_only is SQLite's; the PostgreSQL pass covers the rest of this module")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = OFF")


@pytest.mark.django_db
def test_anonymous_callers_in_the_team_profile_get_the_status_only(team, storage_root):
    answer = APIClient().get("/api/health")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


@pytest.mark.django_db
def test_members_still_get_the_details(team, member, storage_root):
    body = bearer(member).get("/api/health").json()

    assert body["status"] == "ok" and body["storage"] == str(storage_root)
    assert {"version", "index", "cache"} <= set(body)


@pytest.mark.django_db
def test_the_embedded_profile_answers_in_full(api, storage_root):
    body = api.get("/api/health").json()

    assert body["status"] == "ok" and body["storage"] == str(storage_root) and "reasons" not in body


@pytest.mark.django_db
def test_an_index_that_cannot_be_written_is_degraded_with_the_reason(api, storage_root, read_only_index):
    body = api.get("/api/health").json()

    assert body["status"] == "degraded"
    assert body["reasons"] == [
        "the index database cannot be written (attempt to write a readonly database); "
        "new and changed runs are not indexed"
    ]


@pytest.mark.django_db
def test_anonymous_team_callers_see_degraded_without_the_reason(team, storage_root, read_only_index):
    assert APIClient().get("/api/health").json() == {"status": "degraded"}
