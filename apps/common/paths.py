"""The one containment rule for files the viewer opens for a client.

Anyone who can write into the storage root (every training job can) can plant a symlink there, and
the viewer reads with its own rights — which include its config directory and its encryption key.
So a file is served only when its real path (symlinks followed) lies inside the directory it
belongs to (a run's or an artifact version's), and that directory's real path lies inside the
storage root. Everything else is treated as absent: callers answer 404 and never open it.

Paths are resolved at each open, not once per request: a link planted while a WebSocket follows a
file is caught at the next read.
"""

from __future__ import annotations

import os
from pathlib import Path

from apps.runs.storage import get_storage_root


class NotContained(FileNotFoundError):
    """A path whose real location is outside where it must be.

    A ``FileNotFoundError``: for a client the file is not there, and every reader that already
    treats a missing file as absent treats this one the same way.
    """


def is_inside(real_path: str, real_base: str) -> bool:
    """Whether ``real_path`` is ``real_base`` or below it (both already resolved)."""
    return real_path == real_base or real_path.startswith(real_base.rstrip(os.sep) + os.sep)


def contained(base: Path, *parts: str, root: Path | None = None) -> Path:
    """``base/parts`` resolved, refused unless it lies inside ``base`` and ``base`` inside ``root``.

    ``root`` defaults to the storage root. Both checks use real paths, so ``..``, absolute parts
    and symlinks anywhere on the way are caught. Raises :class:`NotContained`.
    """
    real_root = os.path.realpath(root if root is not None else get_storage_root())
    real_base = os.path.realpath(base)
    if not is_inside(real_base, real_root):
        raise NotContained(f"{base} is outside the storage root")
    real = os.path.realpath(os.path.join(real_base, *parts)) if parts else real_base
    if not is_inside(real, real_base):
        raise NotContained(f"{os.path.join(base, *parts)} is outside {base}")
    return Path(real)
