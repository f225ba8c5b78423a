"""#15.4: one login limit for every way in, and a per-account lock-out that says when to retry.

The attacks: guessing through the admin's login form (which had no limit), and spreading guesses
over many addresses (the API limit is per address). Real Django auth, the cache of the profile.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

PASSWORD = "member-pass-1"


@pytest.fixture
def lockout(settings, team):  # type: ignore[no-untyped-def]
    """5 failures lock an account for 15 minutes; counters fresh for the test."""
    settings.RUNICORN_LOGIN_MAX_FAILURES = 5
    settings.RUNICORN_LOGIN_LOCKOUT_SECONDS = 900
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def limits(settings):  # type: ignore[no-untyped-def]
    settings.RUNICORN_RATE_LIMIT_ENABLED = True
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    settings.RUNICORN_RATE_LIMITS = {"default": "600/h", "POST /api/auth/login": "3/h"}
    return settings


def _api_login(username: str, password: str, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(
        "/api/auth/login", {"username": username, "password": password}, content_type="application/json"
    )


def _admin_login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


@pytest.mark.django_db
def test_the_admin_login_form_shares_the_api_login_limit(limits, team, admin_user):
    client = Client(REMOTE_ADDR="10.0.0.7")
    answers = [_admin_login(client, "ada", f"guess-{i}").status_code for i in range(3)]
    answers.append(_admin_login(client, "ada", "admin-pass-1").status_code)
    answers.append(_api_login("ada", "admin-pass-1", address="10.0.0.7").status_code)

    assert answers[:3] == [200, 200, 200]  # the form shown again with its error
    assert answers[3:] == [429, 429]  # the right password too: the address used up its tries


@pytest.mark.django_db
def test_the_admin_login_page_itself_is_not_limited(limits, team):
    client = Client()
    assert [client.get("/admin/login/").status_code for _ in range(5)] == [200] * 5


@pytest.mark.django_db
def test_guesses_from_many_addresses_lock_the_account(lockout, member):
    answers = [_api_login("mia", f"guess-{i}", address=f"127.0.0.{i + 1}") for i in range(6)]
    right = _api_login("mia", PASSWORD, address="127.0.0.99")

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429, 429]
    assert right.status_code == 429  # locked: the right password does not get in either
    retry = int(right["Retry-After"])
    assert 890 <= retry <= 900
    assert right.json() == {"detail": f"Too many failed logins for this account; try again in {retry} s",
                            "retry_after": retry}


@pytest.mark.django_db
def test_the_lock_holds_on_the_admin_login_form_too(lockout, admin_user):
    for i in range(5):
        _api_login("ada", f"guess-{i}", address=f"127.0.1.{i + 1}")
    client = Client()

    page = _admin_login(client, "ada", "admin-pass-1")

    assert page.status_code == 200
    assert "Too many failed logins for this account; try again in" in page.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


@pytest.mark.django_db
def test_admin_form_failures_count_towards_the_lock(lockout, admin_user):
    client = Client()
    for i in range(5):
        _admin_login(client, "ada", f"guess-{i}")

    assert _api_login("ada", "admin-pass-1").status_code == 429


@pytest.mark.django_db
def test_a_successful_login_resets_the_count_and_other_accounts_are_untouched(lockout, member, other_member):
    for i in range(4):
        _api_login("mia", f"guess-{i}")
    assert _api_login("mia", PASSWORD).status_code == 200
    for i in range(4):
        _api_login("mia", f"again-{i}")

    assert _api_login("mia", PASSWORD).status_code == 200  # 4 + 4 failures, never 5 in a row
    assert _api_login("otto", "member-pass-2").status_code == 200


@pytest.mark.django_db
def test_the_lock_ends_after_its_time(lockout, member, monkeypatch):
    import time

    for i in range(5):
        _api_login("mia", f"guess-{i}")
    assert _api_login("mia", PASSWORD).status_code == 429
    later = time.time() + 901
    monkeypatch.setattr(time, "time", lambda: later)

    assert _api_login("mia", PASSWORD).status_code == 200
