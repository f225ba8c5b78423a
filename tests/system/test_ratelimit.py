"""Rate limits of /api/: headers on every answer, 429 past the limit, per route and per client.

Limits are off in the rest of the suite (tests/conftest.py); every test here turns them on. Test
rates count per hour, so a window never rolls over in the middle of a test.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.system.ratelimit import check_rules
from tests.factories import make_run

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379"
)


@pytest.fixture
def limits(settings):  # type: ignore[no-untyped-def]
    """Limits on, with fresh counters (a prefix of their own), and a way to set the rules."""
    settings.RUNICORN_RATE_LIMIT_ENABLED = True
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    settings.RUNICORN_RATE_LIMITS = {"default": "600/h"}

    def _set(rules: dict[str, str]) -> None:
        settings.RUNICORN_RATE_LIMITS = {"default": "600/h", **rules}

    return _set


def headers(response) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (
        int(response["X-RateLimit-Limit"]),
        int(response["X-RateLimit-Remaining"]),
        int(response["X-RateLimit-Reset"]),
    )


def test_every_api_answer_carries_the_rate_limit_headers(limits, api):
    first = api.get("/api/health")
    second = api.get("/api/health")
    missing = api.get("/api/no-such-endpoint")

    assert first.status_code == 200
    limit, remaining, reset = headers(first)
    assert (limit, remaining) == (600, 599)
    assert 1 <= reset <= 3600
    assert headers(second)[:2] == (600, 598)
    assert missing.status_code == 404
    assert headers(missing)[0] == 600


def test_the_reference_limits_apply_to_their_routes(settings, api):
    # The shipped rules, not the test's own: only the announced limits are read, nothing is used up.
    settings.RUNICORN_RATE_LIMIT_ENABLED = True
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"

    assert headers(api.get("/api/runs"))[0] == 100
    assert headers(api.post("/api/runs/soft-delete", {"run_ids": []}, format="json"))[0] == 20
    assert headers(api.post("/api/recycle-bin/empty", {}, format="json"))[0] == 5
    # A route is matched whole: a run's detail is not "/api/runs" and gets the default.
    assert headers(api.get("/api/runs/20250101_000000_abcdef"))[0] == 600
    assert headers(api.get("/api/health"))[0] == 600


def test_past_the_limit_it_answers_429_with_retry_after(limits, api):
    limits({"GET /api/health": "3/h"})

    answers = [api.get("/api/health") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 3600
    assert refused.json() == {"detail": f"Rate limit exceeded; retry in {retry_after} s", "retry_after": retry_after}
    assert headers(refused) == (3, 0, retry_after)


def test_each_route_has_its_own_counter(limits, api, storage_root, reindex):
    limits({"GET /api/runs/{run_id}": "2/h"})
    run_id = make_run(storage_root).name
    reindex()

    detail = [api.get(f"/api/runs/{run_id}").status_code for _ in range(3)]
    other_id = [api.get("/api/runs/20250101_000000_abcdef").status_code]  # same route, same counter
    listing = api.get("/api/runs")

    assert detail == [200, 200, 429]
    assert other_id == [429]
    assert listing.status_code == 200


def test_each_client_has_its_own_counter(limits, api):
    limits({"GET /api/health": "1/h"})

    assert api.get("/api/health", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert api.get("/api/health", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api.get("/api/health", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_behind_a_proxy_the_forwarded_client_is_counted_and_spoofing_does_not_help(limits, settings, api):
    limits({"GET /api/health": "1/h"})
    settings.RUNICORN_RATE_LIMIT_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "192.0.2.1"}

    assert api.get("/api/health", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200
    # A client that prepends made-up addresses is still the address our proxy appended.
    assert api.get("/api/health", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy).status_code == 429
    assert api.get("/api/health", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200


def test_a_route_limit_without_a_method_covers_every_method(limits, api):
    limits({"/api/recycle-bin/empty": "1/h"})

    assert api.post("/api/recycle-bin/empty", {}, format="json").status_code == 400  # counted, then refused
    assert api.post("/api/recycle-bin/empty", {}, format="json").status_code == 429


def test_pages_outside_the_api_are_not_limited(limits, api):
    limits({"default": "1/h"})

    for _ in range(3):
        response = api.get("/admin/login/")
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response


def test_the_switch_turns_limits_off(settings, api):
    settings.RUNICORN_RATE_LIMIT_ENABLED = False
    settings.RUNICORN_RATE_LIMITS = {"default": "1/h"}

    answers = [api.get("/api/health") for _ in range(3)]

    assert all(a.status_code == 200 and "X-RateLimit-Limit" not in a for a in answers)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"GET /api/runs": "100/m"}, 'a "default" rate'),
        ({"default": "lots"}, "must look like '100/m'"),
        ({"default": "0/m"}, "must look like '100/m'"),
        ({"default": "1/m", "api/runs": "1/m"}, "must be 'default', '/api/route' or 'METHOD /api/route'"),
        ({"default": "1/m", "FETCH /api/runs": "1/m"}, "must be 'default'"),
    ],
)
def test_a_bad_rule_fails_loudly(rules, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check_rules(rules)


def test_with_the_cache_down_requests_still_go_through(limits, settings, api):
    # A real Redis client against a port nobody listens on: what a crashed Redis looks like.
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.RATELIMIT_USE_CACHE = "down"

    response = api.get("/api/health")

    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response


@needs_redis
def test_counters_live_in_redis(limits, settings, api):
    settings.CACHES = {
        **settings.CACHES,
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    settings.RATELIMIT_USE_CACHE = "redis"
    limits({"GET /api/health": "2/h"})

    answers = [api.get("/api/health") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [headers(a)[1] for a in answers] == [1, 0, 0]


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_viewer_process_and_this_one_share_the_counters_through_redis(limits, settings, api,
                                                                          live_viewer_factory, tmp_path):
    prefix = f"rl-test-{uuid.uuid4().hex}:"
    viewer = live_viewer_factory(
        tmp_path / "shared-root",
        REDIS_URL=REDIS_URL,
        RUNICORN_RATE_LIMIT_ENABLED="1",
        # The fixture polls /api/health until the viewer is up, so the tested route is another one.
        RUNICORN_RATE_LIMITS='{"GET /api/projects": "3/h"}',
        RUNICORN_RATE_LIMIT_PREFIX=prefix,
    )
    # This test process counts into the same Redis, under the same names, as a second viewer would.
    settings.CACHES = {
        **settings.CACHES,
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    settings.RATELIMIT_USE_CACHE = "redis"
    settings.RATELIMIT_CACHE_PREFIX = prefix
    limits({"GET /api/projects": "3/h"})

    codes = [viewer.get("/api/projects").status_code, viewer.get("/api/projects").status_code,
             api.get("/api/projects").status_code, api.get("/api/projects").status_code,
             viewer.get("/api/projects").status_code]

    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_async_views_are_limited_without_a_sync_detour(limits, settings, async_client, caplog):
    limits({"GET /api/metrics/cache/stats": "2/h"})  # an async view of apps.metrics
    settings.DEBUG = True  # Django logs each middleware it has to adapt only in DEBUG
    caplog.set_level("DEBUG", logger="django.request")
    from django.core.handlers.asgi import ASGIHandler

    ASGIHandler()  # builds the async middleware chain, as daphne's application does

    answers = [await async_client.get("/api/metrics/cache/stats") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    adapted = [r.getMessage() for r in caplog.records if "ratelimit" in r.getMessage()]
    assert adapted == [], "the rate limiter forced Django to adapt the async chain"
