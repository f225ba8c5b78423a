"""The runicorn-managed ``known_hosts`` file (OpenSSH format) and host key verification.

A host key is never accepted silently: an unknown key, or one that differs from what is recorded
for that host and port, raises :class:`HostKeyConfirmationRequired` with the key's fingerprint.
The user confirms it (``POST /api/remote/known-hosts/accept``) and the client retries. The file
lives in the user config directory (mode 0600; one per user in the team profile); hashed entries
(``|1|salt|hash``) and wildcard patterns written by OpenSSH tools are understood, so a copied
``~/.ssh/known_hosts`` works too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runicorn.config import config_dir

from apps.accounts.owner import current_owner_id

from .errors import HostKeyConfirmationRequired, invalid

FILE_NAME = "known_hosts"
_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    patterns: str  # the first field as written: "host", "[host]:port", "|1|salt|hash" or a list
    key_type: str
    key_base64: str
    line: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(base64.b64decode(self.key_base64))


def path() -> Path:
    """The file of the caller: in the team profile each signed-in user trusts host keys on their own."""
    owner = current_owner_id()
    return config_dir() / FILE_NAME if owner is None else config_dir() / "known_hosts.d" / f"user-{owner}"


def entry_name(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"


def fingerprint_of(blob: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def _blob_type(blob: bytes) -> str | None:
    """The key type an SSH public key blob names in its first field."""
    if len(blob) < 4:
        return None
    (size,) = struct.unpack(">I", blob[:4])
    if size > 64 or len(blob) < 4 + size:
        return None
    try:
        return blob[4 : 4 + size].decode("ascii")
    except UnicodeDecodeError:
        return None


def _parse(text: str) -> list[Entry]:
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("@"):  # markers (@revoked, CAs): not ours
            continue
        fields = line.split()
        if len(fields) < 3:
            continue
        try:
            base64.b64decode(fields[2], validate=True)
        except (binascii.Error, ValueError):
            continue
        entries.append(Entry(fields[0], fields[1], fields[2], line))
    return entries


def _read() -> list[Entry]:
    try:
        return _parse(path().read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return []


def _write(lines: list[str]) -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".known_hosts-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(f"{line}\n" for line in lines))
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rewrite(drop: Callable[[Entry], bool], add: list[str]) -> int:
    """Rewrite the file without the entries ``drop`` picks, plus ``add``; comments stay as they were."""
    try:
        lines = path().read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        lines = []
    doomed = {e.line for e in _parse("\n".join(lines)) if drop(e)}
    if doomed or add:
        _write([line for line in lines if line.strip() not in doomed] + add)
    return len(doomed)


def _owned(entry: Entry, name: str) -> bool:
    """Entries for exactly this host (plain or hashed); wildcard and multi-host lines are left alone."""
    if entry.patterns.startswith("|1|"):
        return "," not in entry.patterns and _pattern_matches(entry.patterns, name)
    return entry.patterns == name


def _pattern_matches(pattern: str, name: str) -> bool:
    if pattern.startswith("|1|"):
        try:
            _, _, salt, digest = pattern.split("|")
            expected = hmac.new(base64.b64decode(salt), name.encode(), hashlib.sha1).digest()
            return hmac.compare_digest(expected, base64.b64decode(digest))
        except (ValueError, binascii.Error):
            return False
    # OpenSSH wildcards are only * and ? (brackets are literal: "[host]:port").
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name) is not None


def _matches(entry: Entry, name: str) -> bool:
    positive = False
    for pattern in entry.patterns.split(","):
        if pattern.startswith("!"):
            if _pattern_matches(pattern[1:], name):
                return False  # a negated pattern excludes the host whatever else matches
        elif _pattern_matches(pattern, name):
            positive = True
    return positive


def lookup(host: str, port: int) -> list[Entry]:
    name = entry_name(host, port)
    with _lock:
        return [e for e in _read() if _matches(e, name)]


def describe(host: str, port: int, key_type: str, blob: bytes, reason: str,
             expected: Entry | None = None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "host": host,
        "port": port,
        "known_hosts_host": entry_name(host, port),
        "key_type": key_type,
        "fingerprint_sha256": fingerprint_of(blob),
        "public_key": f"{key_type} {base64.b64encode(blob).decode()}",
        "reason": reason,
    }
    if expected is not None:
        described["expected_fingerprint_sha256"] = expected.fingerprint
        described["expected_public_key"] = f"{expected.key_type} {expected.key_base64}"
        described["expected_key_type"] = expected.key_type
    return described


def verify(host: str, port: int, key_type: str, blob: bytes) -> None:
    """Return when the key is the recorded one; else raise :class:`HostKeyConfirmationRequired`.

    Any recorded key for the host that is not this one makes it "changed", even of another type:
    a server that suddenly offers a different algorithm deserves the same warning.
    """
    known = lookup(host, port)
    presented = base64.b64encode(blob).decode()
    if any(e.key_type == key_type and e.key_base64 == presented for e in known):
        return
    if not known:
        raise HostKeyConfirmationRequired(describe(host, port, key_type, blob, "unknown"))
    same_type = [e for e in known if e.key_type == key_type]
    raise HostKeyConfirmationRequired(describe(host, port, key_type, blob, "changed", (same_type or known)[0]))


def known_key_types(host: str, port: int) -> list[str]:
    return list(dict.fromkeys(e.key_type for e in lookup(host, port)))


def accept(host: str, port: int, public_key: str, fingerprint: str, key_type: str | None = None) -> dict[str, Any]:
    """Record ``public_key`` ("<type> <base64>") for host:port, replacing that host's keys."""
    parts = public_key.split() if isinstance(public_key, str) else []
    if len(parts) < 2:
        raise invalid("public_key must be an OpenSSH public key: '<type> <base64>'")
    declared_type, data = parts[0], parts[1]
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("public_key is not valid base64") from None
    if _blob_type(blob) != declared_type or (key_type and key_type != declared_type):
        raise invalid("key_type does not match the public key")
    if not isinstance(fingerprint, str) or not hmac.compare_digest(fingerprint, fingerprint_of(blob)):
        raise invalid("fingerprint_sha256 does not match public_key: accept only the key you were shown")
    name = entry_name(host, port)
    with _lock:
        _rewrite(lambda e: _owned(e, name), [f"{name} {declared_type} {data}"])
    return describe(host, port, declared_type, blob, "accepted")


def _split_name(patterns: str) -> tuple[str | None, int | None]:
    first = patterns.split(",")[0]
    if first.startswith("|1|"):
        return None, None  # hashed: the host cannot be read back
    if first.startswith("[") and "]:" in first:
        host, _, port = first[1:].partition("]:")
        return host, int(port) if port.isdigit() else None
    return first, 22


def list_entries() -> list[dict[str, Any]]:
    with _lock:
        entries = _read()
    out = []
    for e in entries:
        host, port = _split_name(e.patterns)
        out.append({
            "host": host, "port": port, "known_hosts_host": e.patterns, "key_type": e.key_type,
            "key_base64": e.key_base64, "fingerprint_sha256": e.fingerprint,
        })
    return out


def remove(host: str, port: int, key_type: str | None = None) -> int:
    """Forget the keys recorded for host:port (of one type, or all); returns how many went."""
    name = entry_name(host, port)
    with _lock:
        return _rewrite(lambda e: _owned(e, name) and (key_type is None or e.key_type == key_type), [])
