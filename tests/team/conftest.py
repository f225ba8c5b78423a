"""Fixtures of the team-profile tests: the profile switched on in this process, and its users."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.accounts import tokens


@pytest.fixture
def team(settings):  # type: ignore[no-untyped-def]
    """RUNICORN_AUTH=required for this test (the access checks read it per request)."""
    settings.RUNICORN_AUTH_REQUIRED = True
    return settings


@pytest.fixture
def admin_user(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("ada", password="admin-pass-1", is_staff=True, is_superuser=True)


@pytest.fixture
def member(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("mia", password="member-pass-1")


@pytest.fixture
def other_member(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("otto", password="member-pass-2")


def bearer(user: Any, name: str = "test") -> APIClient:
    """A client that sends a fresh API token of ``user``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.issue(user, name).token}")
    return client


@pytest.fixture
def as_member(team, member) -> APIClient:  # type: ignore[no-untyped-def]
    return bearer(member)


@pytest.fixture
def as_admin(team, admin_user) -> APIClient:  # type: ignore[no-untyped-def]
    return bearer(admin_user)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # PBKDF2's deliberate slowness costs ~0.3 s per user created; these tests are about access.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
