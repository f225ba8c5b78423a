"""The run a drop-in writes into: the active run, or one it starts itself."""

from __future__ import annotations

import os
import re
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9._ @+=-]+")


def run_name_for(log_dir: str | os.PathLike[str] | None, fallback: str) -> str:
    """A run name from a log directory: its last component, made a valid name segment."""
    base = os.path.basename(os.path.normpath(os.fspath(log_dir))) if log_dir else ""
    name = _UNSAFE.sub("_", base).lstrip(".").strip()[:100]
    return name or fallback


def active_or_start(name: str, project: str = "default") -> tuple[Any, bool]:
    """``(run, started)``: the active run, else a new one named ``name`` (``started`` True)."""
    import runicorn

    run = runicorn.get_active_run()
    if run is not None:
        return run, False
    return runicorn.init(project=project, name=name), True


def scalar(value: Any) -> Any:
    """A tensor or numpy scalar as a Python number (the SDK drops what is not a number)."""
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        try:
            return value.item()
        except (TypeError, ValueError, RuntimeError):
            return value
    return value
