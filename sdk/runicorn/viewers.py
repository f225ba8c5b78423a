"""Viewers on this machine announce themselves, so ``rn.init`` can print the URL of its run.

Each ``runicorn viewer`` process writes one small JSON file, ``<pid>.json``, into the user's
runtime directory (``$XDG_RUNTIME_DIR/runicorn/viewers``, else the user config directory) with
the URL it serves and its storage root, rewrites it when it switches roots, and removes it on
exit. A file left by a viewer that was killed is recognised by its dead pid and removed by the
next reader. Standard library only: the SDK reads these files in every training job.
"""

from __future__ import annotations

import atexit
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from .config import SOURCE_ARGUMENT, config_dir, describe_source
from .jsonio import atomic_write_json, read_json

_lock = threading.Lock()
_announced: Dict[str, Any] = {}  # this process's own announcement: path, url, root


def registry_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "runicorn" / "viewers"
    return config_dir() / "viewers"


def announce(url: str, root: os.PathLike[str] | str) -> Optional[Path]:
    """Say that this process serves ``root`` at ``url``; removed again at exit. None if unwritable."""
    path = registry_dir() / f"{os.getpid()}.json"
    doc = {"pid": os.getpid(), "host": socket.gethostname(), "url": url.rstrip("/"),
           "storage_root": str(Path(root).resolve()), "started_at": time.time()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(path, doc)
    except OSError:
        return None  # a read-only home must not stop the viewer; rn.init just prints no URL
    with _lock:
        first = not _announced
        _announced.update(path=path, doc=doc)
    if first:
        atexit.register(withdraw)
    return path


def update_root(root: os.PathLike[str] | str) -> None:
    """This viewer now serves ``root`` (after a switch): rewrite its announcement, if it made one."""
    with _lock:
        if not _announced:
            return
        doc = dict(_announced["doc"], storage_root=str(Path(root).resolve()))
        _announced["doc"] = doc
        path = _announced["path"]
    try:
        atomic_write_json(path, doc)
    except OSError:
        pass


def withdraw() -> None:
    """Remove this process's announcement (at exit)."""
    with _lock:
        path = _announced.pop("path", None)
        _announced.clear()
    if path is not None:
        try:
            os.unlink(path)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would not test liveness there; trust the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, owned by somebody else
        return True
    return True


def live_viewers() -> List[Dict[str, Any]]:
    """The announcements of running viewers; those of dead processes are removed on the way."""
    folder = registry_dir()
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    here = socket.gethostname()
    found = []
    for name in names:
        if not name.endswith(".json"):
            continue
        doc = read_json(folder / name)
        if isinstance(doc, dict) and doc.get("host", here) != here:
            continue  # a home shared with another machine: its viewers are not ours to judge
        pid = doc.get("pid") if isinstance(doc, dict) else None
        if not isinstance(pid, int) or not isinstance(doc.get("url"), str) or not _alive(pid):
            try:
                os.unlink(folder / name)
            except OSError:
                pass
            continue
        found.append(doc)
    return found


def viewer_url_for(root: os.PathLike[str] | str) -> Optional[str]:
    """The URL of a running viewer on this machine that serves ``root``, or None."""
    wanted = str(Path(root).resolve())
    for doc in live_viewers():
        if doc.get("storage_root") == wanted:
            return str(doc["url"])
    return None


def say_where(project: str, name: str, run_id: str, run_dir: Path, root: Path, root_source: str,
              resuming: bool) -> None:
    """One line on stderr from ``rn.init``: where the run is written, why there, and its URL when
    a viewer on this machine serves that root (issue #19: "where did my runs go?").
    ``RUNICORN_QUIET=1`` silences it."""
    if os.environ.get("RUNICORN_QUIET", "").strip().lower() in ("1", "true", "yes", "on"):
        return
    try:
        url = viewer_url_for(root)
    except Exception:  # a nicety: never a reason for init() to fail
        url = None
    where = f"runicorn: {'resuming' if resuming else 'writing'} run {project}/{name}/{run_id} in {run_dir}"
    why = f" ({describe_source(root_source)})" if root_source != SOURCE_ARGUMENT else ""
    tail = f"; view it at {url}/runs/{run_id}" if url else "; `runicorn viewer` shows it"
    try:
        print(where + why + tail, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed, or on a full disk
        pass
