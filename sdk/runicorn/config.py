"""User configuration and storage-root resolution.

The config file lives at ``$XDG_CONFIG_HOME/runicorn/config.json`` (default ``~/.config``), the same
place the reference implementation uses, so both tools agree on ``user_root_dir``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

from .jsonio import atomic_write_json, read_json

DEFAULT_DIRNAME = ".runicorn"


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


def resolve_storage_root(storage: Optional[str | os.PathLike[str]] = None) -> Path:
    """The storage root, highest precedence first: argument, ``RUNICORN_DIR``, user config, ``./.runicorn``."""
    if storage:
        return Path(storage).expanduser().resolve()
    env = os.environ.get("RUNICORN_DIR")
    if env:
        return Path(env).expanduser().resolve()
    configured = get_user_root_dir()
    if configured:
        return configured
    return (Path.cwd() / DEFAULT_DIRNAME).resolve()


def describe() -> str:
    return json.dumps(
        {
            "config_file": str(config_file_path()),
            "user_root_dir": load_user_config().get("user_root_dir"),
            "effective_storage_root": str(resolve_storage_root()),
        },
        indent=2,
    )
