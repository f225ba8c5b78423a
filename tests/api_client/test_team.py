"""The client against a team-profile viewer: API tokens (401/403) and rate limits (429).

One viewer for the module, started with ``RUNICORN_AUTH=required`` and tiny limits on two routes
(``RUNICORN_RATE_LIMITS``): one that refuses for an hour, one with a 2-second window.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import runicorn.api as api

from .conftest import Written
from .servers import RestartableViewer

LIMITS = {"GET /api/projects": "2/h", "GET /api/artifacts": "2/2s"}
MAKE_USERS = """
from django.contrib.auth import get_user_model
from apps.accounts import tokens
User = get_user_model()
admin = User.objects.create(username="ada", is_staff=True, is_superuser=True)
member = User.objects.create(username="bob")
print("TOKEN", tokens.issue(admin, "api-tests").token)
print("TOKEN", tokens.issue(member, "api-tests").token)
"""


@pytest.fixture(scope="module")
def team(written: Written, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    server = RestartableViewer(
        written.root, tmp_path_factory.mktemp("team-viewer"),
        RUNICORN_AUTH="required", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost",
        RUNICORN_RATE_LIMIT_ENABLED="1", RUNICORN_RATE_LIMITS=json.dumps(LIMITS),
    )
    server.start()
    output = server.manage("shell", "-c", MAKE_USERS)
    admin_token, member_token = [line.split()[1] for line in output.splitlines() if line.startswith("TOKEN ")]
    yield SimpleNamespace(url=server.url, admin=admin_token, member=member_token)
    server.stop()


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNICORN_API_TOKEN", raising=False)


def test_without_a_token_connect_works_and_reads_raise_authentication_error(team: SimpleNamespace) -> None:
    with api.connect(team.url) as client:  # the health check is public
        with pytest.raises(api.AuthenticationError) as caught:
            client.list_experiments()
    assert caught.value.status_code == 401
    assert caught.value.detail == "Authentication credentials were not provided."


def test_a_token_opens_the_api(team: SimpleNamespace, written: Written) -> None:
    with api.connect(team.url, token=team.member) as client:
        assert len(client.list_experiments()) == 5
        assert client.get_metrics(written.ids["A"], metric_names=["loss"])["metrics"]["loss"][0]["value"] == 1.0


def test_the_token_is_read_from_runicorn_api_token(team: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNICORN_API_TOKEN", team.member)
    with api.connect(team.url) as client:
        assert client.get_config()["storage"]


def test_a_wrong_token_is_refused_when_connecting(team: SimpleNamespace) -> None:
    with pytest.raises(api.AuthenticationError) as caught:
        api.connect(team.url, token=team.member[:-4] + "xxxx")
    assert caught.value.status_code == 401 and caught.value.detail == "Invalid token."


def test_a_member_may_not_change_the_storage_root(team: SimpleNamespace, written: Written) -> None:
    with api.connect(team.url, token=team.member) as client:
        with pytest.raises(api.PermissionDeniedError) as caught:
            client.update_config({"user_root_dir": str(written.root)})
    assert caught.value.status_code == 403
    with api.connect(team.url, token=team.admin) as client:
        assert client.update_config({"user_root_dir": str(written.root)})["ok"] is True


def test_a_long_rate_limit_raises_rate_limit_error_at_once(team: SimpleNamespace) -> None:
    # Retry-After is at least 1 s: with max_retry_wait below that, no wait is ever slept through.
    with api.connect(team.url, token=team.member, max_retry_wait=0.5) as client:
        waits: list[float] = []
        client.transport.sleep = waits.append
        client.list_projects()
        client.list_projects()
        with pytest.raises(api.RateLimitError) as caught:
            client.list_projects()
    error = caught.value
    assert error.status_code == 429 and 1 <= error.retry_after <= 3600
    assert error.detail == f"Rate limit exceeded; retry in {int(error.retry_after)} s"
    assert waits == []  # an hour is not slept through: the caller decides


def test_a_short_rate_limit_is_waited_out(team: SimpleNamespace) -> None:
    with api.connect(team.url, token=team.member) as client:
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(seconds)

        client.transport.sleep = sleep
        answers = [client.artifacts.list_artifacts() for _ in range(5)]
    # Five quick calls at 2 per 2-second window (windows fixed to the clock) need two window
    # changes to all pass at once: at least one was refused, waited for as the server's
    # Retry-After said, and then answered.
    assert len(answers) == 5 and all(len(a) == 2 for a in answers)
    assert waits and all(0 < w <= 2 for w in waits)


def test_without_retries_a_429_raises_with_retry_after(team: SimpleNamespace) -> None:
    with api.connect(team.url, token=team.member, max_retries=0) as client:
        with pytest.raises(api.RateLimitError) as caught:
            for _ in range(5):
                client.artifacts.list_artifacts()
    assert 0 < caught.value.retry_after <= 2
