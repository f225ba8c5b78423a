"""Who may do what in the team profile: the one place where access is decided.

Every request is matched against :data:`RULES` by the name of its route (``name=`` in the apps'
``urls.py``) and its method; the DRF permission class, the Django middleware (plain Django views)
and the WebSocket middleware all ask :func:`decide`. Nothing listed means: reading needs a member,
changing anything needs an admin — a new endpoint is closed until someone opens it here.

Roles: an **admin** is a user with ``is_staff`` (or ``is_superuser``): everything, the admin site
included. A **member** is any other active user: reads everything, soft-deletes and restores runs
and artifact versions, uses the remote features with their own saved connections, manages their
own API tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

PUBLIC = "public"
MEMBER = "member"
ADMIN = "admin"
_RANK = {PUBLIC: 0, MEMBER: 1, ADMIN: 2}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_AUTHENTICATED = "Authentication credentials were not provided."
_FALSE = {"", "0", "false", "no", "off"}

Rule = str | Callable[[HttpRequest], str]


def _artifact_delete(request: HttpRequest) -> str:
    # Soft delete is a member's; ?permanent=true removes files for good: admins only. Any value
    # the view would not read as false counts as permanent here (it answers 400 for junk anyway).
    return MEMBER if request.GET.get("permanent", "").strip().lower() in _FALSE else ADMIN


# (route name, method) -> the least role that may call it. Reads not listed: MEMBER; writes: ADMIN.
RULES: dict[tuple[str, str], Rule] = {
    # Open to anyone: load balancers' health checks, and logging in.
    ("health", "GET"): PUBLIC,
    ("auth-login", "POST"): PUBLIC,
    ("auth-logout", "POST"): PUBLIC,
    ("auth-me", "GET"): PUBLIC,
    # A member's own things.
    ("auth-tokens", "POST"): MEMBER,
    ("auth-token", "DELETE"): MEMBER,
    ("config-ssh-connections", "POST"): MEMBER,
    ("config-ssh-connection", "DELETE"): MEMBER,
    # Each user's own UI preferences (apps.config.ui_preferences).
    ("config-column-widths", "POST"): MEMBER,
    ("config-column-widths", "PUT"): MEMBER,
    ("config-column-widths", "DELETE"): MEMBER,
    ("config-column-widths-reset", "POST"): MEMBER,
    ("config-dismiss-alert", "POST"): MEMBER,
    ("config-undismiss-alert", "POST"): MEMBER,
    ("config-clear-alerts", "POST"): MEMBER,
    # Reversible changes to the shared runs.
    ("runs-soft-delete", "POST"): MEMBER,
    ("recycle-bin-restore", "POST"): MEMBER,
    ("v2-experiments-batch-delete", "POST"): MEMBER,
    ("artifact-version", "DELETE"): _artifact_delete,
    ("artifact-restore", "POST"): MEMBER,
    ("manifest-generate", "POST"): MEMBER,
    # Each user's own page layouts.
    ("workspace", "PUT"): MEMBER,
    ("workspace", "DELETE"): MEMBER,
    # Marks runs whose process is gone as failed, as the watcher does on its own.
    ("status-check", "POST"): MEMBER,
    # Reading runs out as an archive changes nothing (importing one is an admin's: the default).
    ("runs-export", "POST"): MEMBER,
    # Irreversible or server-wide: admins (also the default for writes; listed so it reads here).
    ("recycle-bin-empty", "POST"): ADMIN,
    ("config-user-root-dir", "POST"): ADMIN,
}

# Path prefixes whose every method is a member's: the remote features act through each user's
# own SSH connections, so using them changes nothing that belongs to someone else.
# Uploads (apps.ingest) are a member's too: the views let each member write only the runs they created.
PREFIX_RULES: tuple[tuple[str, str], ...] = (("/api/remote/", MEMBER), ("/api/ingest/", MEMBER))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    status: int = 200  # 401 or 403 when refused
    detail: str = ""


ALLOW = Decision(True)


def auth_required() -> bool:
    return bool(getattr(settings, "RUNICORN_AUTH_REQUIRED", False))


def role_of(user: Any) -> str | None:
    """``ADMIN``, ``MEMBER`` or None for an anonymous or inactive user."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return ADMIN if user.is_staff or user.is_superuser else MEMBER


def required_role(request: HttpRequest, route_name: str | None) -> str:
    method = (request.method or "GET").upper()
    lookup = "GET" if method in ("HEAD", "OPTIONS") else method
    rule = RULES.get((route_name or "", lookup))
    if rule is None:
        for prefix, role in PREFIX_RULES:
            if request.path_info.startswith(prefix):
                return role
        return MEMBER if method in SAFE_METHODS else ADMIN
    return rule(request) if callable(rule) else rule


def decide(request: HttpRequest, user: Any, route_name: str | None) -> Decision:
    """May ``user`` make ``request`` (on the route named ``route_name``)? Always yes when auth is off."""
    if not auth_required():
        return ALLOW
    needed = required_role(request, route_name)
    if needed == PUBLIC:
        return ALLOW
    role = role_of(user)
    if role is None:
        return Decision(False, 401, NOT_AUTHENTICATED)
    if _RANK[role] < _RANK[needed]:
        return Decision(False, 403, "This action needs an admin (is_staff); ask one of the viewer's admins.")
    return ALLOW


def route_name_of(request: Any) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match is not None else None
