"""Per-account login limit: after too many wrong passwords an account is locked for a while.

The per-address rate limit (apps.system.ratelimit) alone lets an attacker with many addresses
guess on: 10 addresses × 9 tries gave 90 guesses. So failures are also counted per username, and
past ``RUNICORN_LOGIN_MAX_FAILURES`` in ``RUNICORN_LOGIN_LOCKOUT_SECONDS`` the account refuses every
login — the right password too — until the lock ends; the answer says when that is.

It holds for every way in: :class:`LockoutBackend` (first in ``AUTHENTICATION_BACKENDS``) refuses
a locked account inside ``authenticate()``, and Django's login signals do the counting, so the API
login and the admin's login form share the count. Counters live in Django's cache (Redis in the
team profile, shared by every daphne). A cache that cannot be reached locks nobody out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

log = logging.getLogger(__name__)

_PREFIX = "login-lockout:"


def _key(kind: str, username: str) -> str:
    return f"{_PREFIX}{kind}:{hashlib.sha256(username.encode('utf-8', 'surrogatepass')).hexdigest()}"


def locked_for(username: str) -> int:
    """Seconds until ``username`` may try again; 0 when it is not locked."""
    try:
        until = cache.get(_key("until", username))
    except Exception as exc:  # Redis down: no lock-out rather than no logins
        log.warning("login lock-out cache unavailable: %s", exc)
        return 0
    left = (until or 0) - time.time()
    return math.ceil(left) if left > 0 else 0


def retry_message(seconds: int) -> str:
    return f"Too many failed logins for this account; try again in {seconds} s"


def record_failure(username: str) -> None:
    window = settings.RUNICORN_LOGIN_LOCKOUT_SECONDS
    key = _key("failures", username)
    try:
        cache.add(key, 0, timeout=window)
        failures = cache.incr(key)
        if failures >= settings.RUNICORN_LOGIN_MAX_FAILURES:
            cache.set(_key("until", username), time.time() + window, timeout=window)
            cache.delete(key)
            log.warning("login: account %r locked for %d s after %d failed logins", username, window, failures)
    except Exception as exc:
        log.warning("login lock-out cache unavailable, failure not counted: %s", exc)


def clear(username: str) -> None:
    try:
        cache.delete_many([_key("failures", username), _key("until", username)])
    except Exception as exc:
        log.warning("login lock-out cache unavailable: %s", exc)


class LockoutBackend:
    """Refuses a locked account before any password is checked (so guessing on learns nothing)."""

    def authenticate(self, request: Any, username: str | None = None, **kwargs: Any) -> None:
        if isinstance(username, str) and locked_for(username):
            raise PermissionDenied(retry_message(locked_for(username)))
        return None

    def get_user(self, user_id: Any) -> Any:
        # Being first in the list, it is the backend ``force_login`` and sessions may name.
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = credentials.get("username")
    if isinstance(username, str) and username and not locked_for(username):
        record_failure(username)


@receiver(user_logged_in)
def _forget_failures(sender: Any, user: Any, **kwargs: Any) -> None:
    clear(user.get_username())
