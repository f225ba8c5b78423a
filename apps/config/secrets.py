"""Encryption at rest for saved SSH secrets (passwords, private keys, passphrases): Fernet.

The key is ``RUNICORN_SECRETS_KEY`` when set (team profile: the same key on every viewer that shares
the config), otherwise a file ``secrets.key`` in the user config directory, created on first use
with mode 0600 and refused while anyone but its owner can read it.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from runicorn.config import config_dir

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secrets.key"
_lock = threading.Lock()


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (the key changed, or the value was edited by hand)."""


def key_file_path() -> Path:
    return config_dir() / KEY_FILE_NAME


def check_key(raw: str) -> bytes:
    """A Fernet key (32 url-safe base64 bytes) from settings; a wrong one fails at start, loudly."""
    try:
        Fernet(raw.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "RUNICORN_SECRETS_KEY must be a Fernet key (32 url-safe base64-encoded bytes); make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        ) from None
    return raw.encode()


def _read_key_file(path: Path) -> bytes:
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(
            f"{path} is readable by others (mode {stat.S_IMODE(info.st_mode):o}); run `chmod 600 {path}`"
        )
    return path.read_bytes().strip()


def _create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # O_EXCL: two viewers starting at once never overwrite each other's fresh key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    log.info("created the key for saved SSH secrets at %s", path)
    return key


def _key() -> bytes:
    configured = getattr(settings, "RUNICORN_SECRETS_KEY", "")
    if configured:
        return check_key(configured)
    path = key_file_path()
    with _lock:
        try:
            return _read_key_file(path)
        except FileNotFoundError:
            pass
        try:
            return _create_key_file(path)
        except FileExistsError:  # another process won the race: use its key
            return _read_key_file(path)


def encrypt(value: str) -> str:
    return Fernet(_key()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return Fernet(_key()).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        raise SecretUnreadable("a saved secret cannot be decrypted with the current key") from None
