"""Who may upload (team profile): members their own runs, admins anywhere, nobody anonymously."""

from __future__ import annotations

import json

import pytest

from tests.team.conftest import bearer

from .conftest import EVENT, RUN_ID, Uploader, tree


@pytest.fixture
def team(settings):  # type: ignore[no-untyped-def]
    settings.RUNICORN_AUTH_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(team, django_user_model, storage_root):  # type: ignore[no-untyped-def]
    mia = django_user_model.objects.create_user("mia", password="x")
    otto = django_user_model.objects.create_user("otto", password="x")
    ada = django_user_model.objects.create_user("ada", password="x", is_staff=True)
    return {name: Uploader(bearer(user)) for name, user in (("mia", mia), ("otto", otto), ("ada", ada))}


def test_an_anonymous_upload_gets_401(users, api, storage_root):
    response = Uploader(api).declare()

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_the_declaring_member_owns_the_run_and_the_detail_says_so(users, storage_root):
    mia = users["mia"]
    assert mia.declare().json()["owner"] == "mia"
    mia.put(f"/api/ingest/runs/{RUN_ID}/files/meta.json", json.dumps({"id": RUN_ID}).encode())

    assert mia.append(EVENT, 0).status_code == 200
    assert mia.client.get(f"/api/runs/{RUN_ID}").json()["owner"] == "mia"


def test_a_member_cannot_write_to_another_members_run(users, storage_root):
    users["mia"].declare()
    users["mia"].append(EVENT, 0)
    before = tree(storage_root)
    otto = users["otto"]

    attempts = [
        otto.declare(),
        otto.append(EVENT, len(EVENT)),
        otto.put(f"/api/ingest/runs/{RUN_ID}/files/status.json", b'{"status": "failed"}'),
        otto.put(f"/api/ingest/runs/{RUN_ID}/media/x.png", b"png"),
        otto.post_json(f"/api/ingest/runs/{RUN_ID}/artifacts", {}),
        otto.client.get(f"/api/ingest/runs/{RUN_ID}"),
    ]

    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert attempts[1].json() == {"detail": f"Run {RUN_ID} was created by mia; members write only to runs they "
                                            "created (an admin may write anywhere)."}
    assert tree(storage_root) == before


def test_an_admin_may_write_to_any_run(users, run_path):
    users["mia"].declare()

    assert users["ada"].append(EVENT, 0).status_code == 200
    assert (run_path / "events.jsonl").read_bytes() == EVENT


def test_a_member_cannot_claim_a_run_that_is_on_disk_already(users, storage_root):
    from tests.factories import make_run

    existing = make_run(storage_root, project="vision", name="resnet")

    response = users["mia"].declare(run_id=existing.name)

    assert response.status_code == 403
