"""Helpers shared by the runs tests: JSON posts and snapshots of a storage root."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for directories and links), for before/after checks."""
    found: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            found[os.path.relpath(os.path.join(dirpath, name), root)] = None
        for name in filenames:
            path = os.path.join(dirpath, name)
            found[os.path.relpath(path, root)] = None if os.path.islink(path) else Path(path).read_bytes()
    return found


@pytest.fixture
def post_json(api):  # type: ignore[no-untyped-def]
    """POST a body to the API; dicts and lists are sent as JSON, strings as they are."""

    def _post(path: str, body: Any) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return api.generic("POST", path, data, content_type="application/json")

    return _post
