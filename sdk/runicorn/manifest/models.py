"""The sync manifest: what a server publishes about its runs so that a client fetches only changes.

A manifest is one JSON document (plus a gzip copy) in ``<root>/.runicorn/``. Field names follow
the reference's manifest format 1.0, so manifests written by either implementation are read by
both; unknown keys are ignored when reading.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, List, Optional

from .. import layout

FORMAT_VERSION = "1.0"
GENERATOR_VERSION = "1.0"

# What a manifest entry may point at inside a run directory. A client refuses anything else, so a
# hostile or broken server cannot make it write outside the run directories it mirrors.
METADATA_FILES = (
    layout.META_FILE,
    layout.STATUS_FILE,
    layout.SUMMARY_FILE,
    layout.CONFIG_FILE,
    layout.ENVIRONMENT_FILE,
    layout.ARTIFACTS_CREATED_FILE,
    layout.ARTIFACTS_USED_FILE,
    layout.DELETED_MARKER,
)
# histograms.jsonl (runicorn.histograms) is appended to like the other two.
APPEND_ONLY_FILES = (layout.EVENTS_FILE, layout.LOGS_FILE, layout.HISTOGRAMS_FILE)

# Lower numbers are fetched first: what the run list needs, then the data, then media.
PRIORITY_METADATA = 1
PRIORITY_DATA = 2
PRIORITY_MEDIA = 3


class ManifestType(str, Enum):
    FULL = "full"  # every run under the root
    ACTIVE = "active"  # runs written to within the active window

    @property
    def filename(self) -> str:
        return f"{self.value}_manifest.json"


@dataclass
class ManifestFormat:
    """What this implementation writes and understands."""

    version: str = FORMAT_VERSION
    supports_incremental: bool = True
    supports_compression: bool = True
    supports_tail_hash: bool = False


@dataclass
class FileEntry:
    path: str  # POSIX path relative to the remote root
    size: int
    mtime: float
    priority: int = 0
    is_append_only: bool = False
    tail_hash: Optional[str] = None  # written by the reference generator; read, never required

    def to_dict(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {"path": self.path, "size": self.size, "mtime": self.mtime}
        if self.priority:
            data["priority"] = self.priority
        if self.is_append_only:
            data["is_append_only"] = True
        if self.tail_hash:
            data["tail_hash"] = self.tail_hash
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> FileEntry:
        return cls(
            path=str(data["path"]),
            size=int(data["size"]),
            mtime=float(data["mtime"]),
            priority=int(data.get("priority") or 0),
            is_append_only=bool(data.get("is_append_only", False)),
            tail_hash=data.get("tail_hash") or None,
        )


@dataclass
class ExperimentEntry:
    run_id: str
    project: str
    name: str
    status: str
    created_at: float
    updated_at: float
    files: List[FileEntry] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)

    @property
    def run_path(self) -> str:
        return f"{self.project}/{self.name}/{layout.RUNS_DIR}/{self.run_id}"

    def to_dict(self) -> Dict[str, Any]:
        return {
            "run_id": self.run_id,
            "project": self.project,
            "name": self.name,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "files": [f.to_dict() for f in self.files],
            "tags": self.tags or None,
        }

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> ExperimentEntry:
        return cls(
            run_id=str(data["run_id"]),
            project=str(data["project"]),
            name=str(data["name"]),
            status=str(data.get("status") or "unknown"),
            created_at=float(data.get("created_at") or 0.0),
            updated_at=float(data.get("updated_at") or 0.0),
            files=[FileEntry.from_dict(f) for f in data.get("files") or []],
            tags=[t for t in data.get("tags") or [] if isinstance(t, str)],
        )


@dataclass
class SyncManifest:
    format_version: str
    manifest_type: ManifestType
    revision: int
    snapshot_id: str
    generated_at: float
    server_hostname: str
    remote_root: str
    experiments: List[ExperimentEntry] = field(default_factory=list)
    total_experiments: int = 0
    total_files: int = 0
    total_bytes: int = 0
    generator_version: str = GENERATOR_VERSION

    def compute_statistics(self) -> None:
        self.total_experiments = len(self.experiments)
        self.total_files = sum(len(e.files) for e in self.experiments)
        self.total_bytes = sum(f.size for e in self.experiments for f in e.files)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "format_version": self.format_version,
            "manifest_type": ManifestType(self.manifest_type).value,
            "revision": self.revision,
            "snapshot_id": self.snapshot_id,
            "generated_at": self.generated_at,
            "server_hostname": self.server_hostname,
            "remote_root": self.remote_root,
            "experiments": [e.to_dict() for e in self.experiments],
            "statistics": {
                "total_experiments": self.total_experiments,
                "total_files": self.total_files,
                "total_bytes": self.total_bytes,
            },
            "generator_version": self.generator_version,
        }

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> SyncManifest:
        """Parse and check a manifest document; ``ValueError`` says what is wrong with it."""
        if not isinstance(data, dict):
            raise ValueError("manifest is not a JSON object")
        for key in ("format_version", "manifest_type", "revision", "snapshot_id", "experiments"):
            if key not in data:
                raise ValueError(f"manifest lacks '{key}'")
        if str(data["format_version"]).split(".")[0] != FORMAT_VERSION.split(".")[0]:
            raise ValueError(f"unsupported manifest format {data['format_version']!r}")
        revision = data["revision"]
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise ValueError(f"invalid manifest revision {revision!r}")
        if not isinstance(data["experiments"], list):
            raise ValueError("manifest 'experiments' is not a list")
        try:
            stats = data.get("statistics") or {}
            manifest = cls(
                format_version=str(data["format_version"]),
                manifest_type=ManifestType(data["manifest_type"]),
                revision=revision,
                snapshot_id=str(data["snapshot_id"]),
                generated_at=float(data.get("generated_at") or 0.0),
                server_hostname=str(data.get("server_hostname") or ""),
                remote_root=str(data.get("remote_root") or ""),
                experiments=[ExperimentEntry.from_dict(e) for e in data["experiments"]],
                total_experiments=int(stats.get("total_experiments", 0)),
                total_files=int(stats.get("total_files", 0)),
                total_bytes=int(stats.get("total_bytes", 0)),
                generator_version=str(data.get("generator_version") or GENERATOR_VERSION),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed manifest entry: {exc}") from exc
        return manifest


def manifest_path_error(path: str) -> Optional[str]:
    """Why a manifest file path must not be synced, or None when it is a run file we know.

    Accepted: ``<project>/<name>/runs/<run_id>/<known file>`` and ``.../media/<sub path>``.
    """
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        return "not a relative POSIX path"
    if path.startswith("/") or posixpath.normpath(path) != path:
        return "not a normalised relative path"
    parts = path.split("/")
    if len(parts) < 5 or parts[2] != layout.RUNS_DIR:
        return "not inside <project>/<name>/runs/<run_id>/"
    for what, value in (("project", parts[0]), ("name", parts[1])):
        error = layout.segment_error(value, what)
        if error:
            return error
    if parts[0] in layout.RESERVED_TOP_LEVEL:
        return f"'{parts[0]}' is not a project directory"
    if not layout.is_valid_run_id(parts[3]):
        return f"invalid run id {parts[3]!r}"
    rest = parts[4:]
    if len(rest) == 1 and rest[0] in METADATA_FILES + APPEND_ONLY_FILES:
        return None
    if len(rest) >= 2 and rest[0] == layout.MEDIA_DIR and all(p and not p.startswith(".") for p in rest[1:]):
        return None
    return f"unexpected run file {'/'.join(rest)!r}"
