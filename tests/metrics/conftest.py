"""Fixtures for the metrics tests: a fresh metrics cache per test, and a run writer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.metrics.cache import reset_cache
from apps.runs.storage import get_storage_root, set_storage_root
from tests.factories import make_run


@pytest.fixture(autouse=True)
def served_tmp_path(tmp_path: Path) -> Iterator[None]:
    """Files a test writes under ``tmp_path`` lie in the served storage root: the viewer reads no
    file outside it (the containment rule), so such a test would otherwise compare empty answers.
    The ``storage_root`` fixture, where a test asks for it, narrows the root to ``tmp_path/root``."""
    previous = get_storage_root()
    set_storage_root(tmp_path)
    yield
    set_storage_root(previous)


@pytest.fixture(autouse=True)
def fresh_metrics_cache() -> Iterator[None]:
    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def indexed_run(storage_root: Path, reindex) -> Callable[..., Path]:  # type: ignore[no-untyped-def]
    """A run in ``storage_root`` (``make_run`` arguments), already in the index."""

    def _make(**kwargs: Any) -> Path:
        run = make_run(storage_root, **kwargs)
        reindex()
        return run

    return _make


def append_events(run: Path, *events: dict[str, Any], raw: str = "") -> None:
    with open(run / "events.jsonl", "a") as fh:
        for event in events:
            fh.write(json.dumps(event) + "\n")
        fh.write(raw)
