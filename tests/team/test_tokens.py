"""API tokens: created (shown once, stored hashed), used as Bearer, listed, revoked, expired."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import tokens
from apps.accounts.models import ApiToken

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_a_created_token_is_shown_once_and_stored_only_as_its_hash(as_member):
    response = as_member.post("/api/auth/tokens", {"name": "cluster"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    token = body["token"]
    assert token.startswith("rnc_") and body["prefix"] == token[: len(body["prefix"])]
    record = ApiToken.objects.get(pk=body["id"])
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
    secret = token.split("_", 2)[2]
    stored = [str(value) for value in ApiToken.objects.filter(pk=record.pk).values().first().values()]
    assert not any(secret in value for value in stored)

    listed = as_member.get("/api/auth/tokens").json()["tokens"]
    assert {t["name"] for t in listed} == {"test", "cluster"}
    assert all("token" not in t and "digest" not in t for t in listed)


def test_a_new_token_authenticates_and_a_revoked_one_gets_401(team, member):
    created = bearer(member).post("/api/auth/tokens", {"name": "laptop"}, format="json").json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert client.get("/api/runs").status_code == 200
    assert client.get("/api/auth/me").json()["user"]["username"] == "mia"

    assert client.delete(f"/api/auth/tokens/{created['id']}").status_code == 204

    response = client.get("/api/runs")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_another_user_cannot_be_seen_or_revoked(team, member, other_member):
    theirs = tokens.issue(other_member, "theirs").record
    client = bearer(member)

    assert "theirs" not in {t["name"] for t in client.get("/api/auth/tokens").json()["tokens"]}
    assert client.delete(f"/api/auth/tokens/{theirs.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("header", [
    "Bearer rnc_000000000000_not-a-real-secret",  # unknown prefix
    "Bearer nonsense",
    "Bearer ",
    "Bearer two words",
])
def test_a_malformed_or_unknown_token_gets_401(team, member, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/runs")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_token_with_a_right_prefix_and_a_wrong_secret_gets_401(team, member):
    issued = tokens.issue(member, "x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token[:-4]}AAAA")

    assert client.get("/api/runs").json() == {"detail": "Invalid token."}


def test_an_expired_token_and_an_inactive_user_get_401(team, member):
    issued = tokens.issue(member, "old", expires_in_days=1)
    ApiToken.objects.filter(pk=issued.record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    assert client.get("/api/runs").json() == {"detail": "Token expired."}

    fresh = tokens.issue(member, "new")
    member.is_active = False
    member.save()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh.token}")
    assert client.get("/api/runs").status_code == 401


def test_using_a_token_records_when_it_was_last_used(team, member):
    issued = tokens.issue(member, "x")
    assert issued.record.last_used_at is None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")

    client.get("/api/runs")

    assert ApiToken.objects.get(pk=issued.record.pk).last_used_at is not None


@pytest.mark.parametrize(("body", "message"), [
    ({}, "name is required"),
    ({"name": "   "}, "name is required"),
    ({"name": "x" * 101}, "at most 100"),
    ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
    ({"name": "x", "expires_in_days": "7"}, "expires_in_days"),
])
def test_bad_token_requests_get_400_saying_why(as_member, body, message):
    response = as_member.post("/api/auth/tokens", body, format="json")

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_the_embedded_profile_has_no_accounts(member):
    # No RUNICORN_AUTH: tokens are not looked at, and the token endpoints say how to turn accounts on.
    client = bearer(member)
    assert client.get("/api/runs").status_code == 200
    response = client.post("/api/auth/tokens", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert "RUNICORN_AUTH=required" in response.json()["detail"]
    assert APIClient().get("/api/auth/me").json()["auth_required"] is False


def test_an_admin_creates_a_token_for_a_user_in_the_admin_site_and_sees_it_once(team, admin_user, member):
    client = APIClient()
    client.force_login(admin_user)

    response = client.post("/admin/accounts/apitoken/add/", {"user": member.pk, "name": "ci"}, follow=True)

    assert response.status_code == 200
    record = ApiToken.objects.get(user=member, name="ci")
    shown = [str(m) for m in response.context["messages"]]
    (message,) = [m for m in shown if "never shown again" in m]
    token = message.split(": ", 1)[1].split(" ")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == record.digest
    client.logout()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/auth/me").json()["user"]["username"] == "mia"
