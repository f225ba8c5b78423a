"""Small JSON file helpers shared by the SDK and the viewer."""

from __future__ import annotations

import json
import os
import tempfile
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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
