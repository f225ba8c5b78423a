"""What the local cache holds: the files already mirrored and the manifests already applied.

Kept in ``<cache>/.runicorn-sync/`` (hidden, so the cache stays a storage root the viewer can
open), written atomically. Downloads land in ``tmp/`` beside it and are renamed into place, so an
interrupted sync leaves the cache with whole files only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

STATE_DIRNAME = ".runicorn-sync"
STATE_VERSION = 1


class SyncState:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.dir = self.cache_dir / STATE_DIRNAME
        self.tmp_dir = self.dir / "tmp"
        self.path = self.dir / "state.json"
        # path -> [size, mtime] of the mirrored copy, as the server described it
        self.files: dict[str, list[float]] = {}
        # manifest type -> {"snapshot_id", "revision", "generated_at"} of the last one fully applied
        self.manifests: dict[str, dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return
        files = data.get("files")
        if isinstance(files, dict):
            self.files = {
                k: v for k, v in files.items()
                if isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)
            }
        manifests = data.get("manifests")
        if isinstance(manifests, dict):
            self.manifests = {k: v for k, v in manifests.items() if isinstance(v, dict)}

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {"version": STATE_VERSION, "files": self.files, "manifests": self.manifests},
            separators=(",", ":"),
        ).encode()
        fd, tmp = tempfile.mkstemp(prefix=".state.", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def reset_tmp(self) -> None:
        """Drop downloads an earlier, interrupted sync left half-done; they are fetched again."""
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def new_tmp_file(self) -> Path:
        fd, tmp = tempfile.mkstemp(prefix="part.", dir=self.tmp_dir)
        os.close(fd)
        return Path(tmp)
