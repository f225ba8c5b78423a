"""Printed progress lines of the meter drop-ins, also kept in the run's logs.txt."""

from __future__ import annotations

from typing import Any


def echo(text: str) -> None:
    """Print ``text`` as the original meter would, and add it to the active run's logs.txt unless
    that run already captures the console (it would then be there twice)."""
    import runicorn

    print(text)
    run: Any = runicorn.get_active_run()
    if run is not None and getattr(run, "_console", None) is None:
        run.log_text(text)


def log_active(values: dict[str, Any], stage: str | None = None) -> None:
    """``run.log(values)`` on the active run, when there is one."""
    import runicorn

    run: Any = runicorn.get_active_run()
    if run is not None and values:
        run.log(values, stage=stage)
