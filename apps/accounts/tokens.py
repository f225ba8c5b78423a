"""Issue, check, list and revoke API tokens (plain functions; views and the admin call these)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken

SCHEME = "rnc"
PREFIX_BYTES = 6  # 12 hex characters: collisions are retried, lookups are by this alone
SECRET_BYTES = 32  # 256 random bits: a fast hash (SHA-256) is enough to store it
MAX_TOKENS_PER_USER = 100
MAX_NAME_CHARS = 100
MAX_EXPIRY_DAYS = 3650
# Writing last_used_at on every request would turn each read into a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class InvalidToken(Exception):
    """The token is unknown, malformed, revoked or expired; the message is safe to show the client."""


class InvalidRequest(ValueError):
    """A token cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class IssuedToken:
    record: ApiToken
    token: str  # the only time the whole token exists outside the client


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(raw: str) -> tuple[str, str] | None:
    scheme, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != 2 * PREFIX_BYTES or not secret:
        return None
    return prefix, secret


def clean_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("name is required: what the token is for, e.g. 'training cluster'")
    name = value.strip()
    if len(name) > MAX_NAME_CHARS:
        raise InvalidRequest(f"name must be at most {MAX_NAME_CHARS} characters")
    return name


def clean_expiry(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EXPIRY_DAYS:
        raise InvalidRequest(f"expires_in_days must be an integer from 1 to {MAX_EXPIRY_DAYS}, or null (never)")
    return timezone.now() + timedelta(days=value)


def fill_new(record: ApiToken) -> str:
    """Give an unsaved ``record`` a fresh prefix and digest; returns the token (shown once)."""
    while True:
        prefix = secrets.token_hex(PREFIX_BYTES)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    record.prefix = prefix
    record.digest = digest_of(token)
    return token


def issue(user: AbstractBaseUser, name: Any, expires_in_days: Any = None) -> IssuedToken:
    """Create a token for ``user``; the returned ``token`` string is never stored."""
    record = ApiToken(user=user, name=clean_name(name), expires_at=clean_expiry(expires_in_days))
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise InvalidRequest(f"at most {MAX_TOKENS_PER_USER} tokens per user: revoke unused ones first")
    token = fill_new(record)
    record.save()
    return IssuedToken(record, token)


def authenticate(raw: str) -> tuple[AbstractBaseUser, ApiToken]:
    """The active user a token belongs to, or :class:`InvalidToken`."""
    parsed = _parse(raw.strip())
    if parsed is None:
        raise InvalidToken("Invalid token.")
    record = ApiToken.objects.select_related("user").filter(prefix=parsed[0]).first()
    # Compared in constant time, and the same answer for an unknown prefix and a wrong secret.
    if record is None or not hmac.compare_digest(record.digest, digest_of(raw.strip())):
        raise InvalidToken("Invalid token.")
    now = timezone.now()
    if record.expires_at is not None and record.expires_at <= now:
        raise InvalidToken("Token expired.")
    if not record.user.is_active:
        raise InvalidToken("User inactive or deleted.")
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return record.user, record


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def revoke(user: AbstractBaseUser, token_id: int) -> bool:
    """Delete one of ``user``'s tokens; False when it has none with that id (someone else's included)."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe(record: ApiToken) -> dict[str, Any]:
    """The public view of a token: never its secret or digest."""
    return {
        "id": record.pk,
        "name": record.name,
        "prefix": f"{SCHEME}_{record.prefix}",
        "created_at": _iso(record.created_at),
        "last_used_at": _iso(record.last_used_at),
        "expires_at": _iso(record.expires_at),
    }
