"""User configuration and storage-root resolution.

The config file lives at ``$XDG_CONFIG_HOME/runicorn/config.json`` (default ``~/.config``), the same
place the reference implementation uses, so both tools agree on ``user_root_dir``.

The storage root, highest precedence first (the SDK and the viewer resolve it the same way, so
with nothing configured a training script and ``runicorn viewer`` meet in one place wherever
each is started):

1. ``rn.init(storage=...)`` / ``runicorn viewer --storage``;
2. the ``RUNICORN_DIR`` environment variable;
3. ``user_root_dir`` in the user config (``runicorn config --set-user-root PATH``);
4. ``./.runicorn`` when it already exists in the working directory (the reference's default;
   kept so its users find their runs, and named as the reason wherever the root is shown);
5. the per-user default, ``$XDG_DATA_HOME/runicorn/runs`` (``~/.local/share/runicorn/runs``;
   ``%LOCALAPPDATA%\\runicorn\\runs`` on Windows).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from .jsonio import atomic_write_json, read_json

DEFAULT_DIRNAME = ".runicorn"  # the reference's default root, in the working directory


def config_dir() -> Path:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "runicorn"


def config_file_path() -> Path:
    return config_dir() / "config.json"


def load_user_config() -> Dict[str, Any]:
    data = read_json(config_file_path())
    return data if isinstance(data, dict) else {}


def save_user_config(update: Dict[str, Any]) -> None:
    cfg = load_user_config()
    cfg.update(update)
    config_dir().mkdir(parents=True, exist_ok=True)
    atomic_write_json(config_file_path(), cfg)


def get_user_root_dir() -> Optional[Path]:
    value = load_user_config().get("user_root_dir")
    if isinstance(value, str) and value.strip():
        return Path(value).expanduser().resolve()
    return None


def set_user_root_dir(path_like: str) -> Path:
    """Store ``path_like`` as the user's storage root, creating it; returns the resolved path."""
    path = Path(path_like).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    save_user_config({"user_root_dir": str(path)})
    return path


def data_dir() -> Path:
    """The per-user data directory of Runicorn (the default storage root lives in it)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "runicorn"
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "runicorn"


def default_storage_root() -> Path:
    """Where runs go when nothing is configured: the same for every working directory."""
    return (data_dir() / "runs").resolve()


# The source of a resolved root, as shown to the user next to it.
SOURCE_ARGUMENT = "argument"
SOURCE_ENV = "RUNICORN_DIR"
SOURCE_USER_CONFIG = "user config"
SOURCE_LEGACY = "./.runicorn"
SOURCE_DEFAULT = "default"


def resolve_storage_root_source(storage: Optional[str | os.PathLike[str]] = None) -> Tuple[Path, str]:
    """The storage root (see the module's docstring for the order) and which rule chose it."""
    if storage:
        return Path(storage).expanduser().resolve(), SOURCE_ARGUMENT
    env = os.environ.get("RUNICORN_DIR")
    if env:
        return Path(env).expanduser().resolve(), SOURCE_ENV
    configured = get_user_root_dir()
    if configured:
        return configured, SOURCE_USER_CONFIG
    try:
        legacy = Path.cwd() / DEFAULT_DIRNAME
        if legacy.is_dir():
            return legacy.resolve(), SOURCE_LEGACY
    except OSError:  # the working directory was removed
        pass
    return default_storage_root(), SOURCE_DEFAULT


def resolve_storage_root(storage: Optional[str | os.PathLike[str]] = None) -> Path:
    """The storage root: argument, ``RUNICORN_DIR``, user config, an existing ``./.runicorn``, the default."""
    return resolve_storage_root_source(storage)[0]


def describe_source(source: str) -> str:
    """Why this root, in words for the line the SDK and the viewer print."""
    return {
        SOURCE_ARGUMENT: "given explicitly",
        SOURCE_ENV: "from RUNICORN_DIR",
        SOURCE_USER_CONFIG: f"from {config_file_path()}",
        SOURCE_LEGACY: "./.runicorn exists in the working directory, so it is used as the reference did; "
                       "`runicorn config --set-user-root PATH` picks one root for every directory",
        SOURCE_DEFAULT: "the per-user default; `runicorn config --set-user-root PATH` changes it",
    }.get(source, source)


def describe() -> str:
    return json.dumps(
        {
            "config_file": str(config_file_path()),
            "user_root_dir": load_user_config().get("user_root_dir"),
            "effective_storage_root": str(resolve_storage_root()),
            "effective_storage_root_source": resolve_storage_root_source()[1],
            "default_storage_root": str(default_storage_root()),
        },
        indent=2,
    )
