"""The on-disk layout of a storage root: names, run ids, validation and paths.

This module is the single source of truth for where things live. The SDK writes through it and
the viewer reads through it, so both sides agree with each other and with the reference (0.5.x):

    <root>/<project>/<name>/runs/<run_id>/{meta,status,summary}.json, events.jsonl, logs.txt, ...
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, Optional

META_FILE = "meta.json"
STATUS_FILE = "status.json"
SUMMARY_FILE = "summary.json"
EVENTS_FILE = "events.jsonl"
LOGS_FILE = "logs.txt"
ENVIRONMENT_FILE = "environment.json"
CONFIG_FILE = "config.json"
ARTIFACTS_CREATED_FILE = "artifacts_created.json"
ARTIFACTS_USED_FILE = "artifacts_used.json"
DELETED_MARKER = ".deleted"
MEDIA_DIR = "media"
HISTOGRAMS_FILE = "histograms.jsonl"  # runicorn.histograms: bucketed histograms, one a line
RUNS_DIR = "runs"

# Top-level directories of a storage root that are not projects.
RESERVED_TOP_LEVEL = frozenset({"artifacts", "runs"})

STATUSES = ("running", "finished", "failed", "interrupted")

RUN_ID_RE = re.compile(r"^[0-9]{8}_[0-9]{6}_[a-f0-9]{6}$")
MAX_SEGMENT_LENGTH = 100


class InvalidName(ValueError):
    """A run id, project or name that must not be used as a path component."""


def new_run_id(now: Optional[float] = None) -> str:
    stamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(now))
    return f"{stamp}_{uuid.uuid4().hex[:6]}"


def is_valid_run_id(value: object) -> bool:
    return isinstance(value, str) and RUN_ID_RE.match(value) is not None


def check_run_id(value: object) -> str:
    if not is_valid_run_id(value):
        raise InvalidName(f"Invalid run_id format: {value}")
    return value  # type: ignore[return-value]


def segment_error(value: object, what: str = "name") -> Optional[str]:
    """Why ``value`` is not a safe project/name path segment, or None when it is."""
    if not isinstance(value, str) or not value.strip():
        return f"{what} must be a non-empty string"
    if len(value) > MAX_SEGMENT_LENGTH:
        return f"{what} must be at most {MAX_SEGMENT_LENGTH} characters"
    if ".." in value or "/" in value or "\\" in value or "\x00" in value:
        return f"{what} must not contain '..', '/', '\\' or NUL"
    if value.startswith("."):
        return f"{what} must not start with '.'"
    return None


def check_segment(value: object, what: str = "name") -> str:
    error = segment_error(value, what)
    if error:
        raise InvalidName(error)
    return value  # type: ignore[return-value]


def run_dir(root: Path, project: str, name: str, run_id: str) -> Path:
    check_segment(project, "project")
    check_segment(name, "name")
    check_run_id(run_id)
    return root / project / name / RUNS_DIR / run_id


def safe_join(root: Path, *parts: str) -> Path:
    """``root/parts`` resolved, refusing anything that escapes ``root`` (``..``, absolute, symlinks)."""
    base = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(base.joinpath(*parts)))
    if candidate != base and base not in candidate.parents:
        raise InvalidName("path escapes the storage root")
    return candidate


class RunLocation(NamedTuple):
    project: str
    name: str
    run_id: str
    path: Path


def iter_run_dirs(root: Path, only_projects: Optional[Iterable[str]] = None) -> Iterator[RunLocation]:
    """Every ``<root>/<project>/<name>/runs/<run_id>`` directory, by scandir only (no file reads).

    ``only_projects`` limits the walk to those projects (a file event names the one that changed).
    """
    wanted = set(only_projects) if only_projects is not None else None
    try:
        projects = list(os.scandir(root))
    except OSError:
        return
    for proj in projects:
        if wanted is not None and proj.name not in wanted:
            continue
        if proj.name.startswith(".") or proj.name in RESERVED_TOP_LEVEL or not _is_dir(proj):
            continue
        try:
            names = list(os.scandir(proj.path))
        except OSError:
            continue
        for nm in names:
            if nm.name.startswith(".") or not _is_dir(nm):
                continue
            runs_path = os.path.join(nm.path, RUNS_DIR)
            try:
                entries = list(os.scandir(runs_path))
            except OSError:
                continue
            for entry in entries:
                if RUN_ID_RE.match(entry.name) and _is_dir(entry):
                    yield RunLocation(proj.name, nm.name, entry.name, Path(entry.path))


def location_of(root: Path, path: Path) -> Optional[RunLocation]:
    """The run a path below ``root`` belongs to, if any (used to map file events to runs)."""
    try:
        rel = Path(path).relative_to(root).parts
    except ValueError:
        return None
    if len(rel) < 4 or rel[2] != RUNS_DIR or not RUN_ID_RE.match(rel[3]):
        return None
    if rel[0].startswith(".") or rel[0] in RESERVED_TOP_LEVEL or rel[1].startswith("."):
        return None
    return RunLocation(rel[0], rel[1], rel[3], root / rel[0] / rel[1] / RUNS_DIR / rel[3])


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
