"""Whose request this is, for per-user data reached from deep inside a request (saved SSH
connections): set by the authentication classes when they accept a user, cleared by the access
middleware at the start of every request. ``None`` in the embedded profile (one person)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_owner: ContextVar[int | None] = ContextVar("runicorn_request_owner", default=None)


def bind(user: Any) -> None:
    _owner.set(user.pk if user is not None else None)


def clear() -> None:
    _owner.set(None)


def current_owner_id() -> int | None:
    return _owner.get()
