"""DRF authentication of the team profile: API tokens (``Authorization: Bearer``) and sessions.

Both stand aside in the embedded profile (``RUNICORN_AUTH`` unset), which has no logins: a stale
token in a script's environment, or an admin-site session cookie, changes nothing there.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from . import owner, tokens
from .access import auth_required

REALM = 'Bearer realm="runicorn"'


def bearer_token(authorization: bytes | str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for another scheme or none."""
    raw = authorization.decode("latin-1") if isinstance(authorization, bytes) else authorization
    scheme, _, value = raw.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    if not value or " " in value:
        raise tokens.InvalidToken("Invalid Authorization header: expected 'Bearer <token>'.")
    return value


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not auth_required():
            return None
        try:
            token = bearer_token(authentication.get_authorization_header(request))
            if token is None:
                return None
            user, record = tokens.authenticate(token)
        except tokens.InvalidToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        owner.bind(user)
        return user, record

    def authenticate_header(self, request: Request) -> str:
        # Listed first in settings, so DRF answers 401 with this header (not 403) when nobody logged in.
        return REALM


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser UI's login (``POST /api/auth/login``); DRF checks CSRF on its unsafe requests."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not auth_required():
            return None
        result = super().authenticate(request)
        if result is not None:
            owner.bind(result[0])
        return result
