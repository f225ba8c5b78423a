"""Small JSON file helpers shared by the SDK and the viewer."""

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


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Replace ``path`` with ``obj`` as JSON so that readers see the old or the new file, never half."""
    target = Path(path)
    # Not tempfile.mkstemp: it creates mode 0600, and the renamed file would then be unreadable to
    # a viewer running as another user. O_EXCL with 0o666 lets the umask decide, like open() does.
    tmp = str(target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, indent=2, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
