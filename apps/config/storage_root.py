"""Switch the storage root the viewer serves, at once and for later starts (``user_root_dir``)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import runicorn
from runicorn.config import SOURCE_USER_CONFIG, config_file_path, get_user_root_dir, set_user_root_dir

from apps.runs import indexer
from apps.runs.storage import get_storage_root, get_storage_source, set_storage_root
from apps.runs.watcher import get_watcher

log = logging.getLogger(__name__)


# Never a storage root: the viewer would index and watch the machine's own files, and write its
# manifests among them. Paths are compared after resolving symlinks (``/lib`` -> ``/usr/lib``).
# Nothing at or below these:
SYSTEM_TREES = tuple(Path(p) for p in (
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sbin", "/sys", "/usr",
))
# These and the folders directly inside them (/var/lib, /var/log, /run/user); services keep their
# own data further down (/var/lib/runicorn), which is fine.
SYSTEM_PARENTS = (Path("/var"), Path("/run"))


class UnusableRoot(ValueError):
    """The path cannot be a storage root; the message says why."""


def describe() -> dict[str, Any]:
    configured = get_user_root_dir()
    return {
        "user_root_dir": str(configured) if configured else "",
        "storage": str(get_storage_root()),
        # Ours: why this root (argument, RUNICORN_DIR, user config, ./.runicorn, default). With an
        # explicit root the viewer does not follow the config, and the page says so.
        "storage_source": get_storage_source(),
        "config_file": str(config_file_path()),
        "version": runicorn.__version__,
    }


def system_dir_rule(path: Path) -> str | None:
    """Why the resolved ``path`` is a system directory (the rule that refuses it), or None."""
    if path == Path(path.anchor):
        return "is the filesystem root, which is a system directory"
    for tree in SYSTEM_TREES:
        if path.is_relative_to(tree):
            return f"is at or below {tree}, which is a system directory (nothing at or below it can be a storage root)"
    for parent in SYSTEM_PARENTS:
        if path == parent or path.parent == parent:
            return (f"is {parent} or a folder directly inside it, which is a system directory "
                    f"(a folder further down, such as {parent}/lib/runicorn, is fine)")
    return None


def check_root(raw: Any) -> Path:
    """An absolute, existing (or creatable) and writable directory, or :class:`UnusableRoot`."""
    if not isinstance(raw, str) or not raw.strip():
        raise UnusableRoot("path is required: the absolute path of the storage directory")
    if "\x00" in raw:
        raise UnusableRoot("path must not contain NUL characters")
    expanded = os.path.expanduser(os.path.expandvars(raw.strip()))
    if not os.path.isabs(expanded):
        raise UnusableRoot(f"path must be absolute, got {raw.strip()!r}")
    path = Path(expanded).resolve()
    refusal = system_dir_rule(path)
    if refusal:
        raise UnusableRoot(f"{path} {refusal}; choose a directory of your own, such as ~/runicorn")
    if path.exists() and not path.is_dir():
        raise UnusableRoot(f"{path} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnusableRoot(f"{path} does not exist and cannot be created: {exc.strerror or exc}") from None
    # os.access() says yes to root on a read-only mount: only writing a file really tells.
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".runicorn-write-test-"):
            pass
    except OSError as exc:
        raise UnusableRoot(f"{path} is not writable: {exc.strerror or exc}") from None
    return path


def serve_root(path: Path, source: str) -> None:
    """Serve ``path`` from now on (chosen by rule ``source``); the index is rebuilt for it."""
    previous = get_storage_root()
    set_storage_root(path, source)
    # Index now, so the answer's next list shows the new root's runs (the index forgets the old
    # root's rows first); then the watcher, if running, moves its file watching to the new root.
    stats = indexer.sync_index(path)
    watcher = get_watcher()
    if watcher is not None and watcher.is_alive():
        watcher.request_rescan()
    log.info("storage root switched from %s to %s (%d runs indexed)", previous, path, stats.scanned)


def switch_user_root(raw: Any) -> dict[str, Any]:
    """Store the new root in the user config and serve it now: the index is rebuilt for it."""
    path = check_root(raw)
    saved = set_user_root_dir(str(path))
    serve_root(saved, SOURCE_USER_CONFIG)
    return {
        "ok": True,
        "user_root_dir": str(saved),
        "storage": str(saved),
        "message": "User root directory updated successfully",
    }
