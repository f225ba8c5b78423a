"""The run-archive format: which member names a ZIP may hold, and what each one is.

An archive (``runicorn export``, ``POST /api/runs/export``) is a ZIP of paths relative to a storage
root, so importing it into an empty root gives back the same files::

    runicorn-archive.json                               what is inside (runs, artifact versions)
    <project>/<name>/runs/<run_id>/<file>               every file of each run (media/ included)
    artifacts/<type>/<name>/versions.json               the versions index (only exported versions)
    artifacts/<type>/<name>/v<N>/metadata.json          each version's records, byte for byte
    artifacts/<type>/<name>/v<N>/manifest.json
    blobs/<sha256>                                      each distinct file content once

A version's ``files/`` folder is not in the archive: it is rebuilt from its manifest and the blobs
(deduplicated: the same content used by ten versions travels once). Anything else is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from .. import layout
from ..artifacts import paths as artifact_paths

MANIFEST_NAME = "runicorn-archive.json"
FORMAT = "runicorn-archive"
FORMAT_VERSION = 1
BLOBS_DIR = "blobs"
VERSION_FILES = (artifact_paths.METADATA_FILE, artifact_paths.MANIFEST_FILE, artifact_paths.DELETED_MARKER)
# Hidden files a run may hold that belong to the format (others, like atomic-write temporaries, do not).
RUN_HIDDEN_FILES = frozenset({layout.DELETED_MARKER})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_DEPTH = 16


class InvalidArchive(ValueError):
    """An archive that is refused; the message says which member and why."""


@dataclass(frozen=True)
class Member:
    kind: str  # "manifest" | "run" | "versions" | "version" | "blob"
    project: str = ""
    name: str = ""
    run_id: str = ""
    rel: str = ""  # path inside the run directory, or the file name of a version record
    type: str = ""
    version: int = 0
    digest: str = ""


def _segment_ok(part: str) -> bool:
    return bool(part) and part not in (".", "..") and "\\" not in part and "\x00" not in part


def classify(member_name: str) -> Member:
    """What ``member_name`` is in the format; raises InvalidArchive for anything else."""
    if member_name == MANIFEST_NAME:
        return Member("manifest")
    if member_name.startswith("/") or "\\" in member_name or "\x00" in member_name:
        raise InvalidArchive(f"{member_name!r}: absolute or non-POSIX member names are not allowed")
    parts = member_name.split("/")
    if len(parts) > MAX_DEPTH or not all(_segment_ok(p) for p in parts):
        raise InvalidArchive(f"{member_name!r}: empty, '.', '..' or unsafe path segments are not allowed")
    if parts[0] == BLOBS_DIR:
        if len(parts) == 2 and _HEX64.match(parts[1]):
            return Member("blob", digest=parts[1])
        raise InvalidArchive(f"{member_name!r}: blobs are named by their sha256 (64 lowercase hex)")
    if parts[0] == "artifacts":
        return _artifact_member(member_name, parts)
    return _run_member(member_name, parts)


def _artifact_member(member_name: str, parts: list) -> Member:
    if len(parts) < 4 or artifact_paths.type_error(parts[1]) or artifact_paths.name_error(parts[2]):
        raise InvalidArchive(f"{member_name!r}: not artifacts/<type>/<name>/...")
    if len(parts) == 4 and parts[3] == artifact_paths.VERSIONS_FILE:
        return Member("versions", type=parts[1], name=parts[2])
    version = artifact_paths.version_from_dirname(parts[3])
    if len(parts) == 5 and version is not None and parts[4] in VERSION_FILES:
        return Member("version", type=parts[1], name=parts[2], version=version, rel=parts[4])
    raise InvalidArchive(f"{member_name!r}: an artifact version holds only {', '.join(VERSION_FILES)}")


def _run_member(member_name: str, parts: list) -> Member:
    if len(parts) < 5 or parts[2] != layout.RUNS_DIR:
        raise InvalidArchive(f"{member_name!r}: not <project>/<name>/runs/<run_id>/<file>")
    project, name, run_id = parts[0], parts[1], parts[3]
    problem = layout.segment_error(project, "project") or layout.segment_error(name, "name")
    if problem or project in layout.RESERVED_TOP_LEVEL:
        raise InvalidArchive(f"{member_name!r}: {problem or 'reserved project name'}")
    if not layout.is_valid_run_id(run_id):
        raise InvalidArchive(f"{member_name!r}: {run_id!r} is not a run id")
    rest = parts[4:]
    if any(p.startswith(".") for p in rest) and not (len(rest) == 1 and rest[0] in RUN_HIDDEN_FILES):
        raise InvalidArchive(f"{member_name!r}: hidden files are not part of a run")
    return Member("run", project=project, name=name, run_id=run_id, rel="/".join(rest))


def version_key(type_: str, name: str, version: int) -> Tuple[str, str, int]:
    return (type_, name, version)


def digest_of(entry_digest: object) -> Optional[str]:
    """The hex of a manifest entry's ``sha256:<hex>`` digest."""
    return artifact_paths.digest_hex(entry_digest)
