"""What of a run is on which server: ``<run_dir>/.runicorn_sync.json``, kept beside the run.

The server is the truth for append offsets (every upload starts by asking it), so a lost or stale
state file costs one request, never a wrong byte. The file lets ``runicorn sync`` skip a finished,
fully uploaded run without contacting the server, and ``runicorn sync --status`` answer offline.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from .. import layout
from ..jsonio import atomic_write_json, read_json

STATE_FILE = ".runicorn_sync.json"
TRACKED = (
    layout.EVENTS_FILE, layout.LOGS_FILE, layout.META_FILE, layout.STATUS_FILE, layout.SUMMARY_FILE,
    layout.CONFIG_FILE, layout.ENVIRONMENT_FILE, layout.ARTIFACTS_CREATED_FILE, layout.ARTIFACTS_USED_FILE,
)


@dataclass
class ServerState:
    offsets: Dict[str, int] = field(default_factory=dict)  # append file -> bytes the server holds
    documents: Dict[str, str] = field(default_factory=dict)  # document -> sha256 the server holds
    media: Dict[str, int] = field(default_factory=dict)  # media file -> size uploaded
    artifacts: Dict[str, int] = field(default_factory=dict)  # "type/name:vN" (local) -> server version
    complete: bool = False  # the run had ended and everything was uploaded
    signature: Dict[str, Any] = field(default_factory=dict)  # the local files when it was complete
    updated_at: float = 0.0

    def to_json(self) -> Dict[str, Any]:
        return {"offsets": self.offsets, "documents": self.documents, "media": self.media,
                "artifacts": self.artifacts, "complete": self.complete, "signature": self.signature,
                "updated_at": self.updated_at}

    @classmethod
    def from_json(cls, data: Any) -> ServerState:
        if not isinstance(data, dict):
            return cls()

        def part(key: str, kind: type) -> Dict[str, Any]:
            value = data.get(key)
            return {k: v for k, v in value.items() if isinstance(v, kind)} if isinstance(value, dict) else {}

        return cls(part("offsets", int), part("documents", str), part("media", int), part("artifacts", int),
                   bool(data.get("complete")), data.get("signature") if isinstance(data.get("signature"), dict)
                   else {}, float(data.get("updated_at") or 0.0))


def load(run_dir: Path, server: str) -> ServerState:
    data = read_json(Path(run_dir) / STATE_FILE)
    servers = data.get("servers") if isinstance(data, dict) else None
    return ServerState.from_json(servers.get(server) if isinstance(servers, dict) else None)


def servers_of(run_dir: Path) -> Dict[str, ServerState]:
    data = read_json(Path(run_dir) / STATE_FILE)
    servers = data.get("servers") if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        return {}
    return {url: ServerState.from_json(value) for url, value in servers.items() if isinstance(url, str)}


def save(run_dir: Path, server: str, state: ServerState) -> None:
    path = Path(run_dir) / STATE_FILE
    data = read_json(path)
    servers = data.get("servers") if isinstance(data, dict) and isinstance(data.get("servers"), dict) else {}
    state.updated_at = time.time()
    servers[server] = state.to_json()
    atomic_write_json(path, {"servers": servers})


def signature(run_dir: Path) -> Dict[str, Any]:
    """Sizes and mtimes of the run's files (media and artifacts records included), to see change."""
    sig: Dict[str, Any] = {}
    for name in TRACKED:
        try:
            st = os.stat(Path(run_dir) / name)
        except OSError:
            continue
        sig[name] = [st.st_size, st.st_mtime_ns]
    try:
        st = os.stat(Path(run_dir) / layout.MEDIA_DIR)
        sig[layout.MEDIA_DIR] = [st.st_nlink, st.st_mtime_ns]
    except OSError:
        pass
    return sig


def is_final(run_dir: Path) -> bool:
    status = read_json(Path(run_dir) / layout.STATUS_FILE)
    return isinstance(status, dict) and status.get("status") in ("finished", "failed", "interrupted")


def pending_bytes(run_dir: Path, state: Optional[ServerState]) -> int:
    """Bytes of events.jsonl and logs.txt the server does not hold yet (as far as the state knows)."""
    total = 0
    for name in (layout.EVENTS_FILE, layout.LOGS_FILE):
        try:
            size = os.stat(Path(run_dir) / name).st_size
        except OSError:
            continue
        total += max(0, size - (state.offsets.get(name, 0) if state else 0))
    return total
