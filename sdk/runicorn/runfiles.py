"""Small pieces behind a run's JSON files: config.json (:class:`RunConfig`), tags, summary values,
and what resuming an existing run directory needs."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from . import layout
from .diskguard import DiskGuard
from .jsonio import atomic_write_json
from .lifecycle import critical

logger = logging.getLogger("runicorn")


class RunConfig(MutableMapping):
    """The run's hyper-parameters; every change rewrites config.json atomically."""

    def __init__(self, path: Path, initial: Mapping[str, Any] | None = None, disk: DiskGuard | None = None) -> None:
        self._path = path
        self._data: dict[str, Any] = dict(initial or {})
        self._lock = threading.Lock()
        self._disk = disk if disk is not None else DiskGuard(path.parent)
        self._refused = False

    def _save(self) -> None:
        # A full disk keeps the change in memory; save_if_refused() writes it when space is back.
        data = dict(self._data)
        self._refused = not self._disk.attempt(self._path.name, lambda: atomic_write_json(self._path, data))

    def save_if_refused(self) -> None:
        """Write config.json again if the disk refused the last change (called after each flush)."""
        if self._refused:
            with self._lock:
                self._save()

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._save()

    def __delitem__(self, key: str) -> None:
        with self._lock:
            del self._data[key]
            self._save()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Merge keys like ``dict.update`` and write config.json once."""
        with self._lock:
            self._data.update(*args, **kwargs)
            self._save()

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)

    # Attribute access as in W&B and argparse: run.config.lr, run.config.lr = 0.1.
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            known = ", ".join(map(str, self._data)) or "none"
            raise AttributeError(f"config has no key {name!r} (keys: {known})") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"RunConfig({self._data!r})"


class RunDocuments:
    """meta.json and status.json of a run: replaced atomically; a document the disk refused is
    written again by :meth:`retry_refused` (after each flush), so both exist once space is back."""

    def __init__(self, run_dir: Path, disk: DiskGuard) -> None:
        self._run_dir = run_dir
        self._disk = disk
        self._lock = threading.Lock()
        self._refused: dict[str, dict[str, Any]] = {}

    def write(self, name: str, doc: dict[str, Any]) -> None:
        # critical(): the exit paths write status.json through here, also from a signal handler.
        with critical(), self._lock:
            if self._disk.attempt(name, lambda: atomic_write_json(self._run_dir / name, doc)):
                self._refused.pop(name, None)
            else:
                self._refused[name] = doc

    def retry_refused(self) -> None:
        for name, doc in list(self._refused.items()):
            self.write(name, doc)

    def forget(self, name: str) -> None:
        with critical(), self._lock:
            self._refused.pop(name, None)


class RunSummary(MutableMapping):
    """``run.summary``: summary.json as a mapping that is also callable.

    ``run.summary["test_acc"] = 0.93``, ``run.summary({"test_acc": 0.93})`` and
    ``run.summary.update(...)`` merge into summary.json, rewritten atomically at once; reading
    gives the best-metric fields (``best_metric_value`` ...) too.
    """

    def __init__(self, run: Any) -> None:
        self._run = run

    def __call__(self, update: Mapping[str, Any]) -> None:
        self._run._merge_summary(update)

    def __getitem__(self, key: str) -> Any:
        return self._run._summary_doc()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._run._merge_summary({key: value})

    def __delitem__(self, key: str) -> None:
        self._run._drop_summary(key)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._run._summary_doc()))

    def __len__(self) -> int:
        return len(self._run._summary_doc())

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Merge keys like ``dict.update`` and write summary.json once."""
        self._run._merge_summary(dict(*args, **kwargs))

    def __repr__(self) -> str:
        return f"RunSummary({self._run._summary_doc()!r})"


def config_dict(config: Any) -> dict[str, Any]:
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    if hasattr(config, "__dict__"):  # argparse.Namespace, simple objects
        return dict(vars(config))
    raise TypeError("config must be a mapping (dict) or an object with attributes")


def tag_list(tags: Any) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [tags]
    out: list[str] = []
    for tag in tags:
        text = str(tag).strip()
        if text and text not in out:
            out.append(text)
    return out


def plain(value: Any) -> Any:
    """A JSON-friendly version of a summary value (numpy scalars -> numbers, NaN -> None)."""
    if isinstance(value, float):
        return value if value - value == 0.0 else None
    if isinstance(value, (str, int, bool, type(None))):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return plain(item())
        except (TypeError, ValueError):
            pass
    return value


def last_global_step(events_path: Path) -> int:
    """The last metrics global_step in an existing events.jsonl (to resume a run), else 0."""
    try:
        with open(events_path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 65536))
            tail = fh.read()
    except OSError:
        return 0
    for raw in reversed(tail.splitlines()):
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == "metrics":
            step = (event.get("data") or {}).get("global_step")
            if isinstance(step, int):
                return step
    return 0


def clean_metrics(payload: dict[str, Any], warned: set[str]) -> tuple[dict[str, Any], bool]:
    """``payload`` with every value made an exact ``int``/``float`` (or ``None`` for NaN/inf) and
    non-numbers dropped (warning once per key in ``warned``); the flag is False when a None is in.

    The slow path of ``Run.log``, taken only when a value is not already a finite float or an int.
    """
    out: dict[str, Any] = {}
    simple = True
    for key, value in payload.items():
        if isinstance(value, bool):
            value = int(value)
        elif not isinstance(value, (int, float, str, bytes)):
            item = getattr(value, "item", None)  # numpy / torch scalars, 0-d arrays
            try:
                value = item() if callable(item) else float(value)
            except (TypeError, ValueError, OverflowError):
                value = None
            if isinstance(value, bool):
                value = int(value)
        if isinstance(value, int):
            out[key] = int(value)  # exact int also for IntEnum and friends
        elif isinstance(value, float):
            if value - value == 0.0:
                out[key] = float(value)
            else:
                out[key] = None  # NaN / inf -> null
                simple = False
        elif key not in warned:
            warned.add(key)
            logger.warning(
                "runicorn: log() dropped %r: %s is not a number (use log_text for text)",
                key, type(payload[key]).__name__,
            )
    return out, simple


def check_names(project: Any, name: Any, run_id: Any) -> None:
    for value, what in ((project, "project"), (name, "name")):
        error = layout.segment_error(value, what)
        if error:
            raise layout.InvalidName(f"runicorn: invalid {what} {value!r}: {error}")
    if run_id is not None and not layout.is_valid_run_id(run_id):
        raise layout.InvalidName(f"runicorn: invalid run_id {run_id!r}: expected YYYYMMDD_HHMMSS_<6 hex>")
