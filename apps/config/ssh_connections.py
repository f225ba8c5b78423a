"""Saved SSH connections, kept in the user config file (``ssh_connections``, as the reference does).

Secrets are stored only when the user asks (``remember_password``), and then only encrypted
(``encrypted_password``, ``encrypted_private_key``, ``encrypted_passphrase``: Fernet tokens, see
:mod:`apps.config.secrets`). What leaves this module for a client is :func:`masked`: the record
with ``has_password`` / ``has_private_key`` / ``has_passphrase`` in place of the secrets. Only
:func:`credentials_for` decrypts, for the server's own use when it connects.

Entries written by the reference (``password`` etc. in clear or its reversible ``ENC:`` form) are
re-encrypted the first time they are read, so no secret stays readable on disk.
"""

from __future__ import annotations

import base64
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from runicorn.config import config_dir, load_user_config, save_user_config

from apps.accounts import user_settings

from . import secrets
from .validation import (
    SECRET_FIELDS,
    InvalidField,
    clean_auth_method,
    clean_bool,
    clean_host,
    clean_port,
    clean_secret,
    clean_text,
    clean_username,
)

log = logging.getLogger(__name__)

CONFIG_KEY = "ssh_connections"
MAX_CONNECTIONS = 100
_ENCRYPTED = {name: f"encrypted_{name}" for name in SECRET_FIELDS}
_lock = threading.RLock()


class ConnectionNotSaved(LookupError):
    pass


@dataclass(frozen=True)
class SavedCredentials:
    """What :func:`credentials_for` hands the SSH client; secrets stay out of repr and logs."""

    host: str
    port: int
    username: str
    auth_method: str
    private_key_path: str | None
    password: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)


def connection_key(host: str, port: int, username: str) -> str:
    """The reference's key for a saved connection: ``host:port@username``."""
    return f"{host}:{port}@{username}"


def masked(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if k not in _ENCRYPTED.values() and k not in SECRET_FIELDS}
    out["has_password"] = bool(record.get(_ENCRYPTED["password"]))
    out["has_private_key"] = bool(record.get(_ENCRYPTED["private_key"]))
    out["has_passphrase"] = bool(record.get(_ENCRYPTED["passphrase"]))
    return out


def _legacy_plaintext(value: str) -> str | None:
    """A secret as the reference stored it: clear text, or ``ENC:`` + base64 of text XOR its key file."""
    if not value.startswith("ENC:"):
        return value
    try:
        key = (config_dir() / ".credential_key").read_bytes()
        data = base64.b64decode(value[4:])
    except (OSError, ValueError):
        return None
    if not key:
        return None
    try:
        return bytes(b ^ key[i % len(key)] for i, b in enumerate(data)).decode()
    except UnicodeDecodeError:
        return None


def _migrate(record: dict[str, Any]) -> bool:
    """Encrypt secrets a record holds in clear (reference files); True when the record changed."""
    changed = False
    for name in SECRET_FIELDS:
        if name not in record:
            continue
        value = record.pop(name)
        changed = True
        plain = _legacy_plaintext(value) if isinstance(value, str) and value else None
        if plain:
            record[_ENCRYPTED[name]] = secrets.encrypt(plain)
        else:
            log.warning("dropped a saved %s of SSH connection %s that could not be read", name, record.get("key"))
    return changed


def _well_formed(record: Any) -> bool:
    return isinstance(record, dict) and all(isinstance(record.get(k), str) for k in ("key", "host", "username"))


def _load() -> list[dict[str, Any]]:
    # Team profile: the signed-in user's own connections (in the database); else the config file.
    raw = user_settings.load(CONFIG_KEY, lambda: load_user_config().get(CONFIG_KEY))
    records = [r for r in raw if _well_formed(r)] if isinstance(raw, list) else []
    if any([_migrate(r) for r in records]):  # a list, not a generator: migrate every record
        _store(records)
    return records


def _store(records: list[dict[str, Any]]) -> None:
    user_settings.save(CONFIG_KEY, records, lambda value: save_user_config({CONFIG_KEY: value}))


def list_saved() -> list[dict[str, Any]]:
    with _lock:
        return [masked(r) for r in _load()]


def _find(records: list[dict[str, Any]], key: str) -> dict[str, Any]:
    for record in records:
        if record["key"] == key:
            return record
    raise ConnectionNotSaved(key)


def get_saved(key: str) -> dict[str, Any]:
    with _lock:
        return masked(_find(_load(), key))


def save(payload: dict[str, Any]) -> dict[str, Any]:
    """Add or update (same host, port and user) a connection; returns the masked record."""
    host = clean_host(payload.get("host"))
    port = clean_port(payload.get("port"))
    username = clean_username(payload.get("username"))
    given = {name: clean_secret(name, payload.get(name)) for name in SECRET_FIELDS}
    key_path = clean_text("private_key_path", payload.get("private_key_path"), 4096) or None
    auth_method = clean_auth_method(payload.get("auth_method"), password=given["password"],
                                    private_key=given["private_key"], private_key_path=key_path)
    remember = clean_bool("remember_password", payload.get("remember_password"), False)
    key = connection_key(host, port, username)
    record: dict[str, Any] = {
        "key": key,
        "host": host,
        "port": port,
        "username": username,
        "name": clean_text("name", payload.get("name"), 200),
        "auth_method": auth_method,
        "remember_password": remember,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if key_path:
        record["private_key_path"] = key_path
    with _lock:
        records = _load()
        previous = next((r for r in records if r["key"] == key), None)
        if remember:
            for name, value in given.items():
                if value is not None:
                    record[_ENCRYPTED[name]] = secrets.encrypt(value)
                elif previous and previous.get(_ENCRYPTED[name]):  # omitted: keep what was remembered
                    record[_ENCRYPTED[name]] = previous[_ENCRYPTED[name]]
        if previous is None and len(records) >= MAX_CONNECTIONS:
            raise InvalidField(f"at most {MAX_CONNECTIONS} connections can be saved; delete one first")
        records = [record if r["key"] == key else r for r in records] if previous else [*records, record]
        _store(records)
    log.info("saved SSH connection %s (secrets remembered: %s)", key, remember)
    return masked(record)


def delete(key: str) -> None:
    with _lock:
        records = _load()
        _find(records, key)
        _store([r for r in records if r["key"] != key])
    log.info("deleted saved SSH connection %s", key)


def credentials_for(key: str) -> SavedCredentials:
    """The saved connection with its secrets decrypted, for the SSH client only."""
    with _lock:
        record = _find(_load(), key)
    plain = {name: secrets.decrypt(record[enc]) if record.get(enc) else None for name, enc in _ENCRYPTED.items()}
    return SavedCredentials(
        host=record["host"],
        port=int(record.get("port") or 22),
        username=record["username"],
        auth_method=record.get("auth_method") or "password",
        private_key_path=record.get("private_key_path"),
        **plain,
    )
