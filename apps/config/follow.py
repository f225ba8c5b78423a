"""A running viewer follows a change of the user config (``runicorn config --set-user-root``).

Without this the viewer kept serving the old root until restarted while training jobs, which
read the config afresh, already wrote into the new one (issue #19). A viewer whose root was
given explicitly (``--storage``, ``RUNICORN_DIR``) keeps it: the page then says that the config
names another root (``storage_source`` in ``GET /api/config``).
"""

from __future__ import annotations

import logging
import os
import threading

from runicorn.config import (
    SOURCE_ARGUMENT,
    SOURCE_ENV,
    SOURCE_USER_CONFIG,
    config_file_path,
    get_user_root_dir,
    resolve_storage_root_source,
)

from apps.runs.storage import get_storage_root, get_storage_source

from . import storage_root

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 2.0  # one stat() of a small file: cheap, and quicker than a person switches windows
_EXPLICIT = (SOURCE_ARGUMENT, SOURCE_ENV)


def _signature() -> tuple[int, int] | None:
    try:
        info = os.stat(config_file_path())
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


class ConfigFollower:
    """Checks the user config file for changes and switches the served root when it names another."""

    def __init__(self) -> None:
        self._last = _signature()

    def check(self) -> bool:
        """One check; True when the viewer switched roots."""
        signature = _signature()
        if signature == self._last:
            return False
        self._last = signature
        if get_storage_source() in _EXPLICIT:
            return False
        configured = get_user_root_dir()
        if configured is not None:
            target, source = configured, SOURCE_USER_CONFIG
        elif os.environ.get("RUNICORN_DIR"):
            # Switched to a config root at run time, and the config names none any more: the
            # rules would give RUNICORN_DIR again, a root this viewer already left on purpose.
            return False
        else:
            target, source = resolve_storage_root_source()  # the default (or ./.runicorn) again
        if target == get_storage_root():
            return False
        try:
            path = storage_root.check_root(str(target))
        except storage_root.UnusableRoot as exc:
            log.warning("the user config names %s as the storage root, but it cannot be served: %s", target, exc)
            return False
        storage_root.serve_root(path, source)
        log.warning("the user config changed: now serving %s", path)
        return True


def start_following(interval: float = INTERVAL_SECONDS) -> threading.Thread:
    """Check the config every ``interval`` seconds from a daemon thread."""
    follower = ConfigFollower()
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                follower.check()
            except Exception:  # keep following whatever one check hit
                log.exception("following the user config failed")

    thread = threading.Thread(target=loop, name="runicorn-config-follower", daemon=True)
    thread.start()
    return thread
