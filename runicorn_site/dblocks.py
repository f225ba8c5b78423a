"""Cross-process locks in the database, for work that only one process at a time may do.

On PostgreSQL these are advisory locks: :class:`SessionLock` holds one on a connection of its own
(not Django's per-thread connection, which ``close_old_connections`` may close under it), so the
lock lives exactly as long as its holder — a process that dies releases it with its connection.
:func:`lock_in_transaction` takes one for the current transaction only. SQLite is the embedded
profile's one-process database: there every lock is granted at once (its writers are serialised
by the database itself).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _is_postgres(alias: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[alias].vendor == "postgresql"


def lock_in_transaction(name: str, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Wait for the transaction-scoped lock ``name``; it is released at commit or rollback."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_in_transaction() needs an open transaction (transaction.atomic())")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])


class SessionLock:
    """A lock held until :meth:`release` (or the process's end), for as long as its connection lives."""

    def __init__(self, name: str, alias: str = DEFAULT_DB_ALIAS) -> None:
        self.name = name
        self.alias = alias
        self.key = lock_key(name)
        self._connection: Any = None
        self._local = not _is_postgres(alias)

    @property
    def held(self) -> bool:
        return self._local or self._connection is not None

    def acquire(self, wait: bool = False) -> bool:
        """Take the lock; with ``wait=False`` give up at once when another process holds it."""
        if self.held:
            return True
        connection = connections.create_connection(self.alias)
        try:
            with connection.cursor() as cursor:
                if wait:
                    cursor.execute("SELECT pg_advisory_lock(%s)", [self.key])
                    got = True
                else:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
                    got = bool(cursor.fetchone()[0])
        except Exception:
            connection.close()
            raise
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def still_held(self) -> bool:
        """Whether the lock survives (its connection answers); forgets it when the connection died."""
        if self._local:
            return True
        if self._connection is None:
            return False
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception as exc:  # the server restarted or dropped us: the lock went with the session
            log.warning("lost the database lock %r: %s", self.name, exc)
            self._drop()
            return False

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
        except Exception as exc:
            log.debug("unlocking %r failed (the connection is closed anyway): %s", self.name, exc)
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        try:
            connection.close()
        except Exception as exc:
            log.debug("closing the lock connection of %r failed: %s", self.name, exc)


@contextmanager
def session_lock(name: str, *, wait: bool = True) -> Iterator[bool]:
    """``with session_lock(name) as got:`` — ``got`` is False only with ``wait=False`` and a busy lock."""
    lock = SessionLock(name)
    got = lock.acquire(wait=wait)
    try:
        yield got
    finally:
        lock.release()
