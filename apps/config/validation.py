"""Checks of SSH connection fields, shared by saved connections and ``POST /api/remote/connect``.

Each ``clean_*`` returns the cleaned value or raises :class:`InvalidField` with a message that
names the field and never repeats a secret's value.
"""

from __future__ import annotations

import re
from typing import Any

AUTH_METHODS = ("password", "key", "agent")
SECRET_FIELDS = ("password", "private_key", "passphrase")
MAX_SECRET_CHARS = 64 * 1024  # a 16 kbit RSA key in PEM is ~12 KB

_HOST = re.compile(r"^[A-Za-z0-9_.:%\[\]-]{1,255}$")
_USER = re.compile(r"^[^\s:/\x00-\x1f\x7f]{1,64}$")


class InvalidField(ValueError):
    pass


def clean_host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("host is required (a host name or IP address)")
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # "[::1]" as in known_hosts: the address itself
    if not _HOST.match(host) or host.startswith("-"):
        raise InvalidField("host must be a host name or IP address (letters, digits, '.', '-', '_', ':')")
    return host


def clean_port(value: Any, default: int = 22) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidField("port must be an integer between 1 and 65535")
    try:
        port = int(value)
    except ValueError:
        raise InvalidField("port must be an integer between 1 and 65535") from None
    if not 1 <= port <= 65535:
        raise InvalidField("port must be an integer between 1 and 65535")
    return port


def clean_username(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("username is required")
    username = value.strip()
    if not _USER.match(username) or username.startswith("-"):
        raise InvalidField("username must be 1-64 characters without spaces, ':' or '/'")
    return username


def clean_text(name: str, value: Any, max_chars: int, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > max_chars:
        raise InvalidField(f"{name} must be a string of at most {max_chars} characters")
    return value


def clean_secret(name: str, value: Any) -> str | None:
    """A password, private key or passphrase: a non-empty string, or None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_SECRET_CHARS or "\x00" in value:
        raise InvalidField(f"{name} must be a string of at most {MAX_SECRET_CHARS} characters")
    return value


def clean_bool(name: str, value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "false", "0", "no"):
        return value.lower() in ("true", "1", "yes")
    raise InvalidField(f"{name} must be true or false")


def clean_auth_method(value: Any, *, password: str | None, private_key: str | None,
                      private_key_path: str | None) -> str:
    """The declared method, or the one the given credentials imply (the newer API sends none)."""
    if value is None or value == "":
        if password:
            return "password"
        if private_key or private_key_path:
            return "key"
        return "agent"
    if value not in AUTH_METHODS:
        raise InvalidField(f"auth_method must be one of {', '.join(AUTH_METHODS)}")
    return str(value)
