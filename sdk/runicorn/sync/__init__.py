"""Team-server upload (``runicorn.sync``): a training job's run files shipped to ``/api/ingest/``.

Turned on by ``runicorn.init(server=..., token=...)`` or ``RUNICORN_SERVER_URL`` and
``RUNICORN_API_TOKEN``; ``RUNICORN_SYNC=off`` keeps a job offline anyway. The run is written
locally exactly as without a server; a daemon thread uploads it (:mod:`.uploader`), and
``runicorn sync`` (:mod:`.cli`) uploads whatever a job left behind.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional

logger = logging.getLogger("runicorn")

DEFAULT_FINISH_TIMEOUT = 30.0
_OFF = {"off", "0", "false", "no"}


def sync_disabled() -> bool:
    return os.environ.get("RUNICORN_SYNC", "").strip().lower() in _OFF


def server_from_env(server: Optional[str] = None, token: Optional[str] = None) -> tuple[Optional[str], Optional[str]]:
    return (server or os.environ.get("RUNICORN_SERVER_URL") or None,
            token or os.environ.get("RUNICORN_API_TOKEN") or None)


def finish_timeout() -> float:
    """``RUNICORN_SYNC_FINISH_TIMEOUT`` (seconds ``finish()`` waits for the upload), default 30."""
    raw = os.environ.get("RUNICORN_SYNC_FINISH_TIMEOUT", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_FINISH_TIMEOUT
    except ValueError:
        logger.warning("runicorn: RUNICORN_SYNC_FINISH_TIMEOUT=%r is not a number of seconds; using %g", raw,
                       DEFAULT_FINISH_TIMEOUT)
        return DEFAULT_FINISH_TIMEOUT
    return max(0.0, value)


def start_uploader(run: Any, server: Optional[str] = None, token: Optional[str] = None) -> Any:
    """Start the background uploader of ``run`` (an SDK ``Run``); None when no server is configured."""
    server, token = server_from_env(server, token)
    if not server or sync_disabled():
        return None
    from .uploader import BackgroundUploader, RunUploader

    try:
        uploader = RunUploader(run.run_dir, server, token, project=run.project, name=run.name, run_id=run.id,
                               root=run.storage_root)
    except ValueError as exc:  # a malformed URL: say so once, keep training
        logger.warning("runicorn: not uploading run %s: %s", run.id, exc)
        return None
    thread = BackgroundUploader(uploader)
    thread.start()
    run._writer.add_after_drain(thread.wake)  # upload right after new lines reach the files
    return thread
