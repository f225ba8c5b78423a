"""``@extend_schema`` of the accounts endpoints (login, logout, me, API tokens)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import BOOL, ERROR, INT, STR, arr, obj
from apps.system.openapi import nullable as n

TAGS = ["accounts"]
USER = obj(("id", "username", "role"), id=INT, username=STR, email=STR,
           role={"type": "string", "enum": ["admin", "member"]}, is_admin=BOOL)
ME = obj(("authenticated", "auth_required", "user"), authenticated=BOOL, auth_required=BOOL, user=n(USER),
         csrf_token=STR)
ME_EXAMPLE = {"authenticated": True, "auth_required": True, "csrf_token": "q8V…",
              "user": {"id": 3, "username": "alice", "email": "", "role": "member", "is_admin": False}}
TOKEN = obj(("id", "name", "prefix", "created_at"), id=INT, name=STR, prefix=STR, created_at=STR,
            last_used_at=n(STR), expires_at=n(STR))
TOKEN_EXAMPLE = {"id": 7, "name": "training cluster", "prefix": "rnc_3f9a0c12d4e5",
                 "created_at": "2025-01-14T15:30:45+00:00", "last_used_at": None, "expires_at": None}
UNAUTHENTICATED = OpenApiResponse(
    ERROR, "No login and no valid API token (team profile)",
    [OpenApiExample("anonymous", {"detail": "Authentication credentials were not provided."})],
)
NO_ACCOUNTS = OpenApiResponse(ERROR, "Bad input, or the viewer runs without accounts (embedded profile)")

me = extend_schema(
    summary="Who is calling: the signed-in user (or none), whether logins are required, a CSRF token",
    description="Also sets the csrftoken cookie; send its value as X-CSRFToken with the session's writes.",
    tags=TAGS,
    responses={200: OpenApiResponse(ME, "The caller", [OpenApiExample("member", ME_EXAMPLE)])},
)

login = extend_schema(
    summary="Sign in with a username and password (session cookie; needs X-CSRFToken from GET /api/auth/me)",
    tags=TAGS,
    request={"application/json": obj(("username", "password"), username=STR, password=STR)},
    responses={
        200: OpenApiResponse(ME, "Signed in", [OpenApiExample("member", ME_EXAMPLE)]),
        400: OpenApiResponse(ERROR, "Wrong credentials, or the viewer runs without accounts",
                             [OpenApiExample("wrong", {"detail": "Invalid username or password."})]),
        403: OpenApiResponse(ERROR, "No or a wrong CSRF token"),
    },
)

logout = extend_schema(
    summary="Sign out (ends the session)",
    tags=TAGS,
    request=None,
    responses={200: OpenApiResponse(obj(("detail",), detail=STR), "Signed out"), 403: OpenApiResponse(ERROR, "CSRF")},
)

list_tokens = extend_schema(
    summary="The caller's API tokens (never their secrets)",
    tags=TAGS,
    responses={200: OpenApiResponse(obj(("tokens",), tokens=arr(TOKEN)), "The tokens",
                                    [OpenApiExample("one", {"tokens": [TOKEN_EXAMPLE]})]),
               400: NO_ACCOUNTS, 401: UNAUTHENTICATED},
)

create_token = extend_schema(
    summary="Create an API token for the caller; the token is in this answer only",
    description="Send it as `Authorization: Bearer <token>` (the SDK and client read RUNICORN_API_TOKEN).",
    tags=TAGS,
    request={"application/json": obj(("name",), name={**STR, "maxLength": 100},
                                     expires_in_days=n({**INT, "minimum": 1, "maximum": 3650}))},
    responses={201: OpenApiResponse(
                   obj(("id", "name", "prefix", "token"), token=STR, **TOKEN["properties"]), "Created",
                   [OpenApiExample("new", {**TOKEN_EXAMPLE, "token": "rnc_3f9a0c12d4e5_…"})]),
               400: NO_ACCOUNTS, 401: UNAUTHENTICATED},
)

revoke_token = extend_schema(
    summary="Revoke one of the caller's API tokens (at once: the next request with it gets 401)",
    tags=TAGS,
    parameters=[OpenApiParameter("token_id", int, OpenApiParameter.PATH, description="The token's id")],
    responses={204: OpenApiResponse(None, "Revoked"), 400: NO_ACCOUNTS, 401: UNAUTHENTICATED,
               404: OpenApiResponse(ERROR, "The caller has no token with this id")},
)
