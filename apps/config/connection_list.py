"""The reference web UI's list of saved remote connections (``/api/remote/connections/saved``).

That UI keeps its connections as one list it reads whole and writes back whole, with camelCase
fields (``id``, ``authMethod``, ``condaEnv``, ``remoteRoot``...). It is kept beside the saved SSH
connections (:mod:`apps.config.ssh_connections`, the documented API) and the same way: the user
config file in the embedded profile, per user in the team profile.

Unlike the reference, which hands every password back in clear on each read, a password is kept
only encrypted (``encrypted_password``) and a read says ``hasPassword`` instead. Because the UI
writes back the list it read, an entry posted without a password keeps the one already stored
under its id.

The reference keeps this list in ``connections.json`` of the same config directory (passwords as
Fernet tokens under its ``.secret.key``). In the embedded profile, the first read brings that list
over once, each password decrypted with the reference's key and encrypted again with ours.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from runicorn.config import config_dir, load_user_config, save_user_config
from runicorn.jsonio import read_json

from apps.accounts import user_settings
from apps.accounts.access import auth_required

from . import secrets
from .validation import InvalidField, clean_host, clean_port, clean_secret, clean_text, clean_username

CONFIG_KEY = "remote_connections"
MAX_CONNECTIONS = 100
_TEXT_FIELDS = {"id": 100, "name": 200, "authMethod": 16, "privateKeyPath": 4096, "condaEnv": 200,
                "remoteRoot": 4096}
_NUMBER_FIELDS = ("localPort", "remotePort", "createdAt", "lastUsed")
_ENCRYPTED = "encrypted_password"
REFERENCE_FILE = "connections.json"
REFERENCE_KEY_FILE = ".secret.key"
_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte and timestamp)
_lock = threading.RLock()
log = logging.getLogger(__name__)


def _load() -> list[dict[str, Any]]:
    raw = user_settings.load(CONFIG_KEY, lambda: load_user_config().get(CONFIG_KEY))
    if raw is None and not auth_required():
        raw = _import_reference_list()
    return [r for r in raw if isinstance(r, dict) and isinstance(r.get("id"), str)] if isinstance(raw, list) else []


def _reference_password(value: str, key: bytes | None) -> str | None:
    if not value.startswith(_FERNET_PREFIX):
        return value  # the reference stored it in clear when it could not encrypt
    try:
        return Fernet(key).decrypt(value.encode()).decode() if key else None
    except (InvalidToken, ValueError, UnicodeDecodeError):
        return None


def _import_reference_list() -> list[dict[str, Any]] | None:
    """The reference's ``connections.json``, stored as ours (once); None when there is none."""
    data = read_json(config_dir() / REFERENCE_FILE)
    if not isinstance(data, list):
        return None
    try:
        key: bytes | None = (config_dir() / REFERENCE_KEY_FILE).read_bytes().strip()
    except OSError:
        key = None
    records: list[dict[str, Any]] = []
    for position, entry in enumerate(data[:MAX_CONNECTIONS]):
        try:
            record, password = _clean(entry, position)
        except InvalidField as exc:
            log.warning("left out a saved connection of the reference: %s", exc)
            continue
        if any(r["id"] == record["id"] for r in records):
            continue
        plain = _reference_password(password, key) if password else None
        if password and plain is None:
            log.warning("the saved password of connection %s cannot be decrypted; enter it again", record["id"])
        if plain:
            record[_ENCRYPTED] = secrets.encrypt(plain)
        records.append(record)
    _store(records)
    log.info("brought over %d saved connections from the reference's %s", len(records), REFERENCE_FILE)
    return records


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

