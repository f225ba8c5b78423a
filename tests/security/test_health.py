"""#15.9 and #15.10: /api/health tells anonymous team callers only its status, and says "degraded"
(with the reason) when the index database cannot be written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.team.conftest import bearer

# The database's own read-only switch on the viewer's connection: every write fails as on a
# read-only file, mount or replica.
READ_ONLY = {
    "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
    "postgresql": ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                   "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"),
}


@pytest.fixture
def read_only_index(transactional_db) -> Iterator[None]:  # type: ignore[no-untyped-def]
    on, off = READ_ONLY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    yield
    with connection.cursor() as cursor:
        cursor.execute(off)  # before the test database is flushed


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


@pytest.mark.django_db(transaction=True)
def test_an_index_that_cannot_be_written_is_degraded_with_the_reason(api, storage_root, read_only_index):
    body = api.get("/api/health").json()

    assert body["status"] == "degraded"
    [reason] = body["reasons"]
    cause = {"sqlite": "attempt to write a readonly database",
             "postgresql": "cannot execute UPDATE in a read-only transaction"}[connection.vendor]
    assert reason.startswith(f"the index database cannot be written ({cause}")
    assert reason.endswith("; new and changed runs are not indexed")


@pytest.mark.django_db(transaction=True)
def test_anonymous_team_callers_see_degraded_without_the_reason(team, storage_root, read_only_index):
    assert APIClient().get("/api/health").json() == {"status": "degraded"}
