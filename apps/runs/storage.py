"""The storage root the viewer serves. Held in one place so it can be switched at run time."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()
_root: Path | None = None
_source: str | None = None  # which rule chose _root (runicorn.config.SOURCE_*); None: the settings'


def get_storage_root() -> Path:
    with _lock:
        return _root if _root is not None else Path(settings.RUNICORN_STORAGE_ROOT)


def get_storage_source() -> str:
    """Which rule chose the root served now: argument, RUNICORN_DIR, user config, ./.runicorn, default."""
    with _lock:
        return _source or settings.RUNICORN_STORAGE_ROOT_SOURCE


def set_storage_root(path: Path, source: str | None = None) -> None:
    """Serve ``path`` from now on; ``source`` says which rule chose it (None: as in the settings)."""
    global _root, _source
    with _lock:
        _root = Path(path)
        _source = source
    # Training jobs on this machine look up which viewer serves their root (runicorn.viewers).
    from runicorn.viewers import update_root

    update_root(path)
