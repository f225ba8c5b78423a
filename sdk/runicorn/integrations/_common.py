"""What the framework integrations share: plain config values, numbers out of tensors, run reuse."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from typing import Any


def plain_value(value: Any) -> Any:
    """``value`` as something config.json can hold: JSON types as they are, numpy/torch scalars as
    numbers, containers recursively, anything else as its ``str``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain_value(v) for v in value]
    if hasattr(value, "item"):  # numpy / torch scalars; a larger array raises and becomes its str
        try:
            return plain_value(value.item())
        except (TypeError, ValueError, RuntimeError):
            pass
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def plain_config(params: Any) -> dict[str, Any]:
    """A hyper-parameter container (dict, argparse.Namespace, dataclass-like) as a JSON-safe dict."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        if hasattr(params, "to_dict"):
            params = params.to_dict()
        elif hasattr(params, "__dict__"):
            params = vars(params)
        else:
            raise TypeError(f"cannot read hyper-parameters from {type(params).__name__}")
    return {str(k): plain_value(v) for k, v in params.items()}


def number(value: Any) -> float | int | None:
    """A metric value as a Python number, or None when it is not one."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "item"):
        try:
            value = value.item()
        except (TypeError, ValueError, RuntimeError):
            return None
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return None


def numbers(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    for key, value in metrics.items():
        num = number(value)
        if num is not None:
            out[prefix + str(key)] = num
    return out


def end_status(framework_status: str | None = None) -> str:
    """The run status for the end of training: ``interrupted`` inside a KeyboardInterrupt handler,
    ``failed`` for a failure the framework reports, else ``finished``."""
    exc = sys.exc_info()[1]
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if framework_status == "failed" or (exc is not None and framework_status is None):
        return "failed"
    return "finished"


class RunHolder:
    """The run an integration logs into: the active run, else one it starts (and so may finish).

    A run the holder finished is resumed (same id, same directory) when training logs again, e.g.
    ``trainer.test()`` after ``trainer.fit()`` ended and finalised the logger.
    """

    def __init__(self, project: str, name: str, storage: Any = None, **init_kwargs: Any) -> None:
        self.project, self.name, self.storage = project, name, storage
        self.init_kwargs = init_kwargs
        self.run: Any = None
        self.owned = False

    def get(self) -> Any:
        import runicorn

        run = self.run
        if run is not None and not run._closed:
            return run
        if run is not None and self.owned:
            self.run = runicorn.init(project=run.project, name=run.name, storage=run.storage_root, run_id=run.id)
            return self.run
        active = runicorn.get_active_run()
        if active is not None and run is None:
            self.run, self.owned = active, False
            return active
        self.run = runicorn.init(project=self.project, name=self.name, storage=self.storage, **self.init_kwargs)
        self.owned = True
        return self.run

    def finish(self, status: str) -> None:
        run = self.run
        if run is None or run._closed:
            return
        if self.owned:
            run.finish(status)
        else:
            run.flush()
