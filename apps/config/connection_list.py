"""The reference web UI's list of saved remote connections (``/api/remote/connections/saved``).

That UI keeps its connections as one list it reads whole and writes back whole, with camelCase
fields (``id``, ``authMethod``, ``condaEnv``, ``remoteRoot``...). It is kept beside the saved SSH
connections (:mod:`apps.config.ssh_connections`, the documented API) and the same way: the user
config file in the embedded profile, per user in the team profile.

Unlike the reference, which hands every password back in clear on each read, a password is kept
only encrypted (``encrypted_password``) and a read says ``hasPassword`` instead. Because the UI
writes back the list it read, an entry posted without a password keeps the one already stored
under its id.
"""

from __future__ import annotations

import threading
from typing import Any

from runicorn.config import load_user_config, save_user_config

from apps.accounts import user_settings

from . import secrets
from .validation import InvalidField, clean_host, clean_port, clean_secret, clean_text, clean_username

CONFIG_KEY = "remote_connections"
MAX_CONNECTIONS = 100
_TEXT_FIELDS = {"id": 100, "name": 200, "authMethod": 16, "privateKeyPath": 4096, "condaEnv": 200,
                "remoteRoot": 4096}
_NUMBER_FIELDS = ("localPort", "remotePort", "createdAt", "lastUsed")
_ENCRYPTED = "encrypted_password"
_lock = threading.RLock()


def _load() -> list[dict[str, Any]]:
    raw = user_settings.load(CONFIG_KEY, lambda: load_user_config().get(CONFIG_KEY))
    return [r for r in raw if isinstance(r, dict) and isinstance(r.get("id"), str)] if isinstance(raw, list) else []


def _store(records: list[dict[str, Any]]) -> None:
    user_settings.save(CONFIG_KEY, records, lambda value: save_user_config({CONFIG_KEY: value}))


def _masked(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if k != _ENCRYPTED}
    out["hasPassword"] = bool(record.get(_ENCRYPTED))
    return out


def list_saved() -> list[dict[str, Any]]:
    with _lock:
        return [_masked(r) for r in _load()]


def _number(name: str, value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 2**53:
        raise InvalidField(f"{name} must be a non-negative number")
    return value


def _clean(entry: Any, position: int) -> tuple[dict[str, Any], str | None]:
    if not isinstance(entry, dict):
        raise InvalidField(f"connection {position} must be an object")
    try:
        record: dict[str, Any] = {"host": clean_host(entry.get("host")), "port": clean_port(entry.get("port")),
                                  "username": clean_username(entry.get("username"))}
        for name, limit in _TEXT_FIELDS.items():
            value = clean_text(name, entry.get(name), limit)
            if value:
                record[name] = value
        for name in _NUMBER_FIELDS:
            number = _number(name, entry.get(name))
            if number is not None:
                record[name] = number
        password = clean_secret("password", entry.get("password"))
    except InvalidField as exc:
        raise InvalidField(f"connection {position}: {exc}") from None
    if "id" not in record:
        raise InvalidField(f"connection {position}: id is required")
    return record, password


def replace_all(payload: Any) -> int:
    """Store ``payload`` (the whole list) in place of the saved one; returns how many were saved."""
    if not isinstance(payload, list):
        raise InvalidField("the body must be the list of connections")
    if len(payload) > MAX_CONNECTIONS:
        raise InvalidField(f"at most {MAX_CONNECTIONS} connections can be saved")
    cleaned = [_clean(entry, i) for i, entry in enumerate(payload)]
    ids = [record["id"] for record, _ in cleaned]
    if len(set(ids)) != len(ids):
        raise InvalidField("each connection needs an id of its own")
    with _lock:
        stored = {r["id"]: r.get(_ENCRYPTED) for r in _load()}
        records = []
        for record, password in cleaned:
            kept = secrets.encrypt(password) if password else stored.get(record["id"])
            if kept:
                record[_ENCRYPTED] = kept
            records.append(record)
        _store(records)
    return len(records)

