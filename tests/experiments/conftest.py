"""Runs with tags, descriptions, configs and summaries in the reference layout, and a V2 client."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_run


def make_experiment(
    root: Path,
    project: str = "proj",
    name: str = "exp",
    *,
    tags: list[str] | None = None,
    description: str | None = None,
    config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Path:
    """A run as the SDK writes it: tags/description in meta.json, config in config.json."""
    meta_extra = dict(kwargs.pop("meta_extra", None) or {})
    if tags is not None:
        meta_extra["tags"] = tags
    if description is not None:
        meta_extra["description"] = description
    run_dir = make_run(root, project, name, meta_extra=meta_extra, **kwargs)
    if config is not None:
        (run_dir / "config.json").write_text(json.dumps(config))
    return run_dir


@pytest.fixture
def v2(api) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """GET /api/v2/experiments with these query parameters; asserts 200 and returns the body."""

    def _get(**params: Any) -> dict[str, Any]:
        resp = api.get("/api/v2/experiments", params)
        assert resp.status_code == 200, resp.content
        return resp.json()

    return _get
