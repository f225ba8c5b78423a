"""Small JSON file helpers shared by the SDK and the viewer, and the one atomic-write helper.

Every file the SDK replaces as a whole (meta/status/config/summary.json, the artifact records,
the sync manifests, the user config) goes through :func:`atomic_write_bytes`, so they all share
one rule for temp names, durability and permissions.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any


def read_json(path: str | os.PathLike[str]) -> Any:
    """Parsed content of a JSON file, or None when it is missing, unreadable or malformed.

    Real storage roots hold half-written files and files from other tools; the readers treat them
    as absent rather than failing.
    """
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def dump_json(obj: Any) -> bytes:
    """The bytes the SDK writes for a JSON document (indented, UTF-8, like the reference)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half.

    The file gets the mode ``open()`` would give (0644 under the usual umask), like the run files
    the writer appends to. Not ``tempfile.mkstemp``: it creates 0600, and the renamed file would
    then be unreadable to a viewer or a sync client running as another user.
    On any error (a full disk included) the temp file is removed and the old file left as it was.
    """
    target = Path(path)
    tmp = str(target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> bytes:
    """Replace ``path`` with ``obj`` as JSON (see :func:`atomic_write_bytes`); the bytes written."""
    data = dump_json(obj)
    atomic_write_bytes(path, data)
    return data
