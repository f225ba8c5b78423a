"""The storage root the viewer serves. Held in one place so it can be switched at run time."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()
_root: Path | None = None


def get_storage_root() -> Path:
    with _lock:
        return _root if _root is not None else Path(settings.RUNICORN_STORAGE_ROOT)


def set_storage_root(path: Path) -> None:
    global _root
    with _lock:
        _root = Path(path)
