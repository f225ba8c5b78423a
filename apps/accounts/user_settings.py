"""Per-user settings in the team profile; the user config file in the embedded profile.

The embedded profile keeps settings such as saved SSH connections in the user config file, as the
reference does. In the team profile each user has their own (another user's are invisible), kept
in the database so that every viewer process sees the same ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .access import auth_required
from .models import UserSetting
from .owner import current_owner_id


class NoOwner(RuntimeError):
    """A per-user setting was written outside an authenticated request (team profile)."""


def load(key: str, shared: Callable[[], Any]) -> Any:
    """The caller's value of ``key`` (None until saved); ``shared()`` in the embedded profile."""
    if not auth_required():
        return shared()
    owner = current_owner_id()
    if owner is None:
        return None
    return UserSetting.objects.filter(user_id=owner, key=key).values_list("value", flat=True).first()


def save(key: str, value: Any, shared: Callable[[Any], None]) -> None:
    """Store the caller's ``key``; ``shared(value)`` in the embedded profile."""
    if not auth_required():
        shared(value)
        return
    owner = current_owner_id()
    if owner is None:
        raise NoOwner(f"no signed-in user to save {key!r} for")
    UserSetting.objects.update_or_create(user_id=owner, key=key, defaults={"value": value})
