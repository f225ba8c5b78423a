"""Guards ``/api/`` routes served by plain Django views (the async metrics endpoints, media, ...).

DRF views authenticate and check :mod:`apps.accounts.access` themselves (settings'
``REST_FRAMEWORK``); this middleware gives every other ``/api/`` view the same rules, the same
token and session logins and the same ``401 {"detail": ...}``. A request authenticated by a
token is exempt from CSRF (a header a browser never sends on its own is not an ambient credential);
one authenticated by the session cookie goes through Django's CSRF check as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from rest_framework.views import APIView

from . import owner, tokens
from .access import Decision, auth_required, decide
from .authentication import REALM, bearer_token

API_PREFIX = "/api/"


def _route(request: HttpRequest) -> tuple[bool, str | None]:
    """(whether DRF serves the path, the route's name); unknown paths are treated as unnamed routes."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False, None
    view_class = getattr(match.func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView), match.url_name


def _refusal(decision: Decision) -> HttpResponse:
    response = JsonResponse({"detail": decision.detail}, status=decision.status)
    if decision.status == 401:
        response["WWW-Authenticate"] = REALM
    return response


def _token_user(request: HttpRequest) -> tuple[Any, Decision | None]:
    """The user of a Bearer token (None without one), or the refusal of a bad token."""
    try:
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is None:
            return None, None
        user, _record = tokens.authenticate(token)
    except tokens.InvalidToken as exc:
        return None, Decision(False, 401, str(exc))
    request.user = user
    owner.bind(user)

    async def auser() -> Any:  # what async views ask for instead of request.user
        return user

    request.auser = auser  # type: ignore[attr-defined]
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    return user, None


def _applies(request: HttpRequest) -> bool:
    return auth_required() and request.path_info.startswith(API_PREFIX)


class ApiAccessMiddleware:
    """Sync and async, like the rate limiter: the async metrics views must not hop to a sync thread."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        owner.clear()  # a thread serves many requests: never the last one's user
        if not _applies(request):
            return self.get_response(request)
        is_drf, name = _route(request)
        if is_drf:
            return self.get_response(request)
        user, refusal = _token_user(request)
        if refusal is None:
            refusal = decide(request, user if user is not None else request.user, name)
            refusal = None if refusal.allowed else refusal
        return _refusal(refusal) if refusal else self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        owner.clear()
        if not _applies(request):
            return await self.get_response(request)  # type: ignore[no-any-return]
        is_drf, name = _route(request)
        if is_drf:
            return await self.get_response(request)  # type: ignore[no-any-return]
        user, refusal = await _token_user_async(request)
        if refusal is None:
            if user is None:
                user = await request.auser()  # type: ignore[attr-defined]
            decision = decide(request, user, name)
            refusal = None if decision.allowed else decision
        if refusal is not None:
            return _refusal(refusal)
        return await self.get_response(request)  # type: ignore[no-any-return]


_token_user_async = sync_to_async(_token_user)
