"""Rate limits for ``/api/``: one middleware, counters in Django's cache (django-ratelimit).

Each request is counted per client IP and per route (``GET /api/runs/{run_id}`` is one route,
whatever the id), in fixed windows that django-ratelimit keeps in the cache — local memory in
the embedded profile, Redis in the team profile, where every daphne process shares the counts.
The limit of a route comes from ``RUNICORN_RATE_LIMITS`` (``"METHOD /route"``, then
``"/route"``, then ``"default"``), so views stay unaware of it.

Every ``/api/`` answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (seconds until the window ends, as the reference sends it); past the limit
the answer is 429 with ``Retry-After`` and a ``{"detail": ...}`` body. If the cache cannot be
reached the request is let through: a down Redis must not take the whole API with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django_ratelimit.core import get_usage
from runicorn.ratelimits import rate_error, route_error

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Other ways to send a password, counted as the API's login (one counter per address for all):
# otherwise the admin's login form is a way around the login limit.
LOGIN_ALIASES = {"/admin/login/": "/api/auth/login"}
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset: int  # seconds until the current window ends
    exceeded: bool


def check_rules(rules: Any) -> dict[str, str]:
    """Validate ``RUNICORN_RATE_LIMITS``; a typo fails loudly at start, not as a silent no-limit."""
    if not isinstance(rules, dict) or "default" not in rules:
        raise ImproperlyConfigured('RUNICORN_RATE_LIMITS must be a dict with a "default" rate, e.g. "600/m"')
    for route, rate in rules.items():
        error = route_error(route) or rate_error(rate)
        if error:
            raise ImproperlyConfigured(f"RUNICORN_RATE_LIMITS[{route!r}] {error}")
    return rules


_checked: tuple[int, dict[str, str]] | None = None


def _rules() -> dict[str, str]:
    global _checked
    rules = settings.RUNICORN_RATE_LIMITS
    if _checked is None or _checked[0] != id(rules):  # settings can be swapped (tests, reloads)
        _checked = (id(rules), check_rules(rules))
    return _checked[1]


def route_of(path_info: str) -> str:
    """The route pattern a path resolves to, in the docs' form: ``/api/runs/{run_id}``."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return "(unmatched)"  # unknown paths share one counter, so probing them is limited too
    return "/" + _PARAM.sub(r"{\1}", match.route)


def rate_for(method: str, route: str) -> str:
    rules = _rules()
    return rules.get(f"{method} {route}") or rules.get(route) or rules["default"]


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind N trusted reverse proxies the address the outermost one saw."""
    hops = settings.RUNICORN_RATE_LIMIT_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        # Entries left of the ones our proxies appended are client-supplied, so never trusted.
        if chain:
            return chain[-min(hops, len(chain))]
    return request.META.get("REMOTE_ADDR") or "unknown"


def count_request(request: HttpRequest) -> Usage | None:
    """Count this request against its route's limit; None when limits are off or the cache is down."""
    route = LOGIN_ALIASES.get(request.path_info) or route_of(request.path_info)
    rate = rate_for(request.method or "GET", route)
    ip = client_ip(request)
    try:
        usage = get_usage(
            request,
            group=f"{request.method} {route}",
            key=lambda _group, _request: ip,
            rate=rate,
            increment=True,
        )
    except Exception as exc:  # Redis down or unreachable: serve without limits rather than fail
        log.warning("rate limit cache unavailable, request not counted: %s", exc)
        return None
    if usage is None or usage["time_left"] < 0:  # the cache refused the write: same as down
        return None
    limit = int(usage["limit"])
    return Usage(
        limit=limit,
        remaining=max(0, limit - int(usage["count"])),
        reset=max(1, int(usage["time_left"])),
        exceeded=bool(usage["should_limit"]),
    )


def _applies(request: HttpRequest) -> bool:
    if not settings.RUNICORN_RATE_LIMIT_ENABLED:
        return False
    if request.method == "POST" and request.path_info in LOGIN_ALIASES:
        return True
    return request.path_info.startswith(API_PREFIX) and request.method != "OPTIONS"  # preflights are free


def _refusal(request: HttpRequest, usage: Usage) -> HttpResponse:
    log.warning("rate limit exceeded: %s %s from %s", request.method, request.path_info, client_ip(request))
    response = JsonResponse(
        {"detail": f"Rate limit exceeded; retry in {usage.reset} s", "retry_after": usage.reset}, status=429
    )
    response["Retry-After"] = str(usage.reset)
    return response


def _with_headers(response: HttpResponse, usage: Usage) -> HttpResponse:
    response["X-RateLimit-Limit"] = str(usage.limit)
    response["X-RateLimit-Remaining"] = str(usage.remaining)
    response["X-RateLimit-Reset"] = str(usage.reset)
    return response


# The cache may be Redis (network I/O): counted in a worker thread, never on the event loop.
_count_in_thread = sync_to_async(count_request, thread_sensitive=False)


class RateLimitMiddleware:
    """Sync and async: a sync-only middleware would make Django run every async view (the metrics
    endpoints) through its single sync thread, one request at a time."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
        _rules()  # misconfiguration fails when the server starts

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        if not _applies(request):
            return self.get_response(request)
        usage = count_request(request)
        if usage is None:
            return self.get_response(request)
        return _with_headers(_refusal(request, usage) if usage.exceeded else self.get_response(request), usage)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        if not _applies(request):
            return await self.get_response(request)  # type: ignore[no-any-return]
        usage = await _count_in_thread(request)
        if usage is None:
            return await self.get_response(request)  # type: ignore[no-any-return]
        response = _refusal(request, usage) if usage.exceeded else await self.get_response(request)
        return _with_headers(response, usage)
