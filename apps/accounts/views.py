"""Login, logout, who am I, and the caller's API tokens. Errors are ``{"detail": ...}``.

The browser UI: ``GET /api/auth/me`` (sets the ``csrftoken`` cookie), then ``POST /api/auth/login``
with ``X-CSRFToken``; its later writes send that header too. Scripts skip all this and send
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response
from apps.system.errors import BadRequest, NotFound

from . import lockout, schemas, tokens
from .access import auth_required, role_of

ACCOUNTS_OFF = (
    "This viewer runs without accounts (embedded profile); start it with RUNICORN_AUTH=required to use "
    "logins and API tokens"
)
MAX_CREDENTIAL_CHARS = 4096


def _require_accounts() -> None:
    if not auth_required():
        raise BadRequest(ACCOUNTS_OFF)


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise BadRequest("The body must be a JSON object")
    return request.data


def _enforce_csrf(request: Request) -> None:
    """Login has no session yet, so DRF would skip CSRF; a forged login is still refused."""
    SessionAuthentication().enforce_csrf(request._request)


def describe_user(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "username": user.get_username(), "email": user.email or "", "role": role_of(user),
            "is_admin": role_of(user) == "admin"}


def _me(request: Request) -> dict[str, Any]:
    user = request.user
    signed_in = role_of(user) is not None
    return {
        "authenticated": signed_in,
        "auth_required": auth_required(),
        "user": describe_user(user) if signed_in else None,
        "csrf_token": get_token(request._request),
    }


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    @schemas.me
    def get(self, request: Request) -> HttpResponse:
        return json_response(_me(request))


class LoginView(APIView):
    authentication_classes: list[Any] = []  # the credentials are in the body

    @schemas.login
    def post(self, request: Request) -> HttpResponse:
        _require_accounts()
        _enforce_csrf(request)
        body = _body(request)
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise BadRequest("username and password are required")
        if len(username) > MAX_CREDENTIAL_CHARS or len(password) > MAX_CREDENTIAL_CHARS:
            raise BadRequest("Invalid username or password.")
        user = authenticate(request._request, username=username, password=password)
        wait = lockout.locked_for(username)
        if wait:  # locked now (this try may have been the last one allowed): say until when
            response = json_response({"detail": lockout.retry_message(wait), "retry_after": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if user is None:  # wrong password, unknown or inactive user: one answer for all
            raise BadRequest("Invalid username or password.")
        login(request._request, user)  # a new session key and CSRF token (no session fixation)
        request.user = user  # DRF's request (and the Django one under it)
        return json_response(_me(request))


class LogoutView(APIView):
    @schemas.logout
    def post(self, request: Request) -> HttpResponse:
        logout(request._request)
        return json_response({"detail": "Logged out."})


class TokenListView(APIView):
    @schemas.list_tokens
    def get(self, request: Request) -> HttpResponse:
        _require_accounts()
        return json_response({"tokens": [tokens.describe(t) for t in tokens.tokens_of(request.user)]})

    @schemas.create_token
    def post(self, request: Request) -> HttpResponse:
        _require_accounts()
        body = _body(request)
        try:
            issued = tokens.issue(request.user, body.get("name"), body.get("expires_in_days"))
        except tokens.InvalidRequest as exc:
            raise BadRequest(str(exc)) from None
        return json_response({**tokens.describe(issued.record), "token": issued.token}, status=201)


class TokenView(APIView):
    @schemas.revoke_token
    def delete(self, request: Request, token_id: int) -> HttpResponse:
        _require_accounts()
        if not tokens.revoke(request.user, token_id):  # someone else's token: not found, not 403
            raise NotFound(f"Token not found: {token_id}")
        return HttpResponse(status=204)
