"""Helpers for the artifact tests: real SDK runs writing into a storage root, and file makers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import runicorn as rn
from runicorn import lifecycle

from tests.compat.conftest import reference  # noqa: F401 - the shared reference fixture


@pytest.fixture(autouse=True)
def _no_run_left_open() -> Iterator[None]:
    yield
    lifecycle.close_all("finished")
    lifecycle.active = None


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A storage root for SDK-only tests (no viewer involved)."""
    path = tmp_path / "root"
    path.mkdir()
    return path


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A folder to create the user's files in (outside the storage root)."""
    path = tmp_path / "src"
    path.mkdir()
    return path


@pytest.fixture
def start_run() -> Callable[..., rn.Run]:
    def _start(root: Path, project: str = "proj", name: str = "exp") -> rn.Run:
        return rn.Run(project=project, name=name, storage=root)

    return _start


def write_file(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def artifact_dir(root: Path, type_: str, name: str) -> Path:
    return root / "artifacts" / type_ / name


def pool_object(root: Path, digest: str) -> Path:
    hexdigest = digest.split(":", 1)[-1]
    return root / "artifacts" / ".dedup" / hexdigest[:2] / hexdigest


def inode(path: Path) -> int:
    return os.stat(path).st_ino
