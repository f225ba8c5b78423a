"""The DRF side of :mod:`apps.accounts.access` (the default permission class of every DRF view)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from .access import decide, route_name_of


class RoutePermission(permissions.BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        decision = decide(request, request.user, route_name_of(request))
        if not decision.allowed:
            # For 401, DRF replaces this with NotAuthenticated (no authenticator succeeded).
            self.message = decision.detail
        return decision.allowed
