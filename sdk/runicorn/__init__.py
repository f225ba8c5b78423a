"""Runicorn SDK: ``import runicorn as rn``; ``rn.init(...)`` starts a run.

    import runicorn as rn

    run = rn.init(project="vision", name="resnet50", config={"lr": 1e-3})
    rn.set_primary_metric("val_acc", mode="max")
    for epoch in range(10):
        rn.log({"loss": 0.1, "val_acc": 0.9}, stage="train")
    rn.finish()

The module-level functions act on the active run (the one the last ``init()`` returned); the
same-named :class:`Run` methods act on a given run. Only the standard library is needed;
Pillow/numpy are used by ``log_image`` when given such objects.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from . import lifecycle
from .layout import InvalidName
from .run import Run
from .runfiles import RunConfig, RunSummary, check_names

# The SDK of this project's own 0.6 line, distributed as "runicorn-sdk" (an alpha: the API may
# still change); it writes the on-disk layout of Runicorn 0.5.x, which both viewers read.
__version__ = "0.6.0a1"
__distribution__ = "runicorn-sdk"

__all__ = [
    "Artifact",
    "InvalidName",
    "Run",
    "RunConfig",
    "RunSummary",
    "__version__",
    "finish",
    "get_active_run",
    "init",
    "log",
    "log_image",
    "log_text",
    "set_primary_metric",
    "summary",
]

_init_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    # Imported on first use: `import runicorn` in a training job should not pay for the artifacts
    # package (hashing, manifests, housekeeping) unless the job uses it.
    if name == "Artifact":
        from .artifacts import Artifact

        return Artifact
    raise AttributeError(f"module 'runicorn' has no attribute {name!r}")


def init(
    project: str = "default",
    name: str = "default",
    storage: str | os.PathLike[str] | None = None,
    capture_env: bool = False,
    tags: Any = None,
    description: str | None = None,
    config: Any = None,
    capture_console: bool = False,
    run_id: str | None = None,
    monitor_system: bool = False,
    monitor_interval: float = 5.0,
    server: str | None = None,
    token: str | None = None,
) -> Run:
    """Start a run and make it the active one; returns the :class:`Run`.

    Args:
        project, name: where the run lives: ``<storage>/<project>/<name>/runs/<run_id>/``.
        storage: storage root; default ``RUNICORN_DIR``, then the user config, then ``./.runicorn``.
        capture_env: write environment.json (git, packages, system) from a background thread.
        tags, description: stored in meta.json (``run.add_tags()`` adds more later).
        config: hyper-parameters (dict or argparse.Namespace), saved to config.json.
        capture_console: copy stdout/stderr to logs.txt (the console still shows them).
        run_id: reuse an id (``YYYYMMDD_HHMMSS_<6 hex>``); an existing run directory is resumed.
        monitor_system: log CPU, memory and GPU readings as ``system/*`` metrics every
            ``monitor_interval`` seconds (>= 0.1) from a background thread; they carry the current
            step and never advance it (:mod:`runicorn.monitor`).
        server, token: a team server to upload the run to as it is written (default
            ``RUNICORN_SERVER_URL`` / ``RUNICORN_API_TOKEN``; ``RUNICORN_SYNC=off`` disables it).
            The local files are written as always; ``finish()`` waits at most
            ``RUNICORN_SYNC_FINISH_TIMEOUT`` seconds (30) for the upload (:mod:`runicorn.sync`).

    A run that is still active is finished first (status ``finished``). The run is finished
    automatically at interpreter exit, ``failed`` on an uncaught exception, ``interrupted`` on
    Ctrl-C or SIGTERM. Raises ``ValueError`` (``runicorn.layout.InvalidName``) for a project or
    name that cannot be a directory name.
    """
    check_names(project, name, run_id)
    with _init_lock:
        previous = lifecycle.active
        if previous is not None:
            previous.finish("finished")
        run = Run(
            project=project, name=name, storage=storage, capture_env=capture_env, tags=tags,
            description=description, config=config, capture_console=capture_console, run_id=run_id,
            monitor_system=monitor_system, monitor_interval=monitor_interval, server=server, token=token,
        )
        lifecycle.active = run
    return run


def get_active_run() -> Run | None:
    """The run started by the last :func:`init`, or None once it is finished."""
    return lifecycle.active


def _require_active() -> Run:
    run = lifecycle.active
    if run is None:
        raise RuntimeError("no active run: call runicorn.init() first")
    return run


def log(data: Mapping[str, Any] | None = None, *, step: int | None = None, stage: Any = None,
        commit: bool | None = None, **kwargs: Any) -> None:
    """``Run.log`` on the active run: ``rn.log({"loss": 0.1}, stage="train")``; ``commit=False``
    holds the values for the next call's step (as in W&B)."""
    run = lifecycle.active
    if run is None:
        raise RuntimeError("no active run: call runicorn.init() first")
    run.log(data, step=step, stage=stage, commit=commit, **kwargs)


def log_text(text: str) -> None:
    """``Run.log_text`` on the active run."""
    _require_active().log_text(text)


def log_image(key: str, image: Any, step: int | None = None, caption: str | None = None) -> str:
    """``Run.log_image`` on the active run."""
    return _require_active().log_image(key, image, step=step, caption=caption)


def set_primary_metric(name: str, mode: str = "max") -> None:
    """``Run.set_primary_metric`` on the active run."""
    _require_active().set_primary_metric(name, mode)


class _ActiveSummary:
    """``rn.summary``: the active run's :class:`RunSummary` — ``rn.summary({"acc": 0.9})`` and
    ``rn.summary["acc"] = 0.9`` both work, as ``wandb.summary`` does."""

    def __call__(self, update: Mapping[str, Any]) -> None:
        _require_active().summary(update)

    def __getitem__(self, key: str) -> Any:
        return _require_active().summary[key]

    def __setitem__(self, key: str, value: Any) -> None:
        _require_active().summary[key] = value

    def __delitem__(self, key: str) -> None:
        del _require_active().summary[key]

    def __contains__(self, key: object) -> bool:
        return key in _require_active().summary

    def update(self, *args: Any, **kwargs: Any) -> None:
        _require_active().summary.update(*args, **kwargs)

    def __repr__(self) -> str:
        run = lifecycle.active
        return f"<runicorn.summary of {run!r}>"


summary = _ActiveSummary()


def finish(status: str = "finished") -> None:
    """Finish the active run (no-op when there is none)."""
    run = lifecycle.active
    if run is not None:
        run.finish(status)
