"""``rn.Artifact``: a named, typed, versioned bundle of files (a model, a dataset, a config...).

    art = rn.Artifact("resnet50", type="model", description="baseline")
    art.add_file("model.pt")
    art.add_dir("configs/", name="configs")
    art.add_metadata({"val_acc": 0.95}).add_tags("baseline")
    version = run.log_artifact(art)                      # -> 1, 2, ...

    art = run.use_artifact("resnet50:latest")            # or "resnet50:v3", "resnet50:production"
    path = art.download()                                # files copied out and their digests verified
"""

from __future__ import annotations

import fnmatch
import logging
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from . import paths

logger = logging.getLogger("runicorn")

PathLike = Union[str, "os.PathLike[str]"]


class Artifact:
    """A set of files and external references saved as one version by ``run.log_artifact``.

    Before logging it is a staging area (``add_*`` methods, chainable). After logging, or when
    returned by ``run.use_artifact``, ``version`` is set and ``download()`` works.
    """

    def __init__(
        self,
        name: str,
        type: str = "model",  # noqa: A002 - the reference's keyword
        description: Optional[str] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.name = paths.check_name(name)
        self.type = paths.check_type(type)
        self.description = description or ""
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self.tags: List[str] = []
        self._staged: List[Tuple[Path, str]] = []  # (source, path inside the artifact)
        self._staged_paths: set = set()
        self._references: List[Dict[str, Any]] = []
        # Set once the artifact exists in storage.
        self.version: Optional[int] = None
        self.storage_root: Optional[Path] = None
        self.aliases: List[str] = []
        self.created_by_run: Optional[str] = None
        self.manifest: Optional[Dict[str, Any]] = None
        self.info: Optional[Dict[str, Any]] = None

    # ---- staging --------------------------------------------------------------------------
    def add_file(self, path: PathLike, name: Optional[str] = None) -> Artifact:
        """Stage one file, stored as ``name`` (default: its file name; ``a/b.bin`` makes folders)."""
        source = Path(path)
        if not source.exists():
            raise FileNotFoundError(f"File not found: {path}")
        if not source.is_file():
            raise ValueError(f"Not a file (use add_dir for directories): {path}")
        self._stage(source.resolve(), paths.clean_member_path(name if name is not None else source.name))
        return self

    def add_dir(self, path: PathLike, name: Optional[str] = None,
                exclude_patterns: Optional[Iterable[str]] = None) -> Artifact:
        """Stage every file under a directory, keeping relative paths (under ``name`` if given)."""
        source = Path(path)
        if not source.is_dir():
            raise (ValueError if source.exists() else FileNotFoundError)(f"Not a directory: {path}")
        prefix = paths.clean_member_path(name) if name else ""
        patterns = list(exclude_patterns or [])
        added = 0
        for dirpath, dirnames, filenames in os.walk(source):
            dirnames.sort()
            for filename in sorted(filenames):
                full = Path(dirpath) / filename
                rel = full.relative_to(source).as_posix()
                if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(filename, p) for p in patterns):
                    continue
                if not full.is_file():
                    continue
                member = f"{prefix}/{rel}" if prefix else rel
                if self._stage(full.resolve(), paths.clean_member_path(member)):
                    added += 1
        if not added:
            logger.warning("no files found in directory %s", path)
        return self

    def _stage(self, source: Path, member: str) -> bool:
        if member in self._staged_paths:
            logger.warning("%s is already staged in artifact %s; keeping the first", member, self.name)
            return False
        self._staged.append((source, member))
        self._staged_paths.add(member)
        return True

    def add_reference(self, uri: str, name: Optional[str] = None, digest: Optional[str] = None,
                      size: Optional[int] = None, checksum: Optional[str] = None, **metadata: Any) -> Artifact:
        """Record external data (``s3://...``, ``https://...``) without copying it."""
        if not isinstance(uri, str) or not uri:
            raise ValueError("reference uri must be a non-empty string")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise ValueError(f"reference size must be a non-negative integer, got {size!r}")
        meta = dict(metadata)
        if name is not None:
            meta["name"] = name
        self._references.append({"uri": uri, "checksum": digest or checksum, "size": size, "metadata": meta})
        return self

    def add_metadata(self, metadata: Dict[str, Any]) -> Artifact:
        self.metadata.update(metadata)
        return self

    def add_tags(self, *tags: str) -> Artifact:
        for tag in tags:
            if isinstance(tag, str) and tag and tag not in self.tags:
                self.tags.append(tag)
        return self

    @property
    def staged_files(self) -> List[Tuple[Path, str]]:
        return list(self._staged)

    @property
    def staged_references(self) -> List[Dict[str, Any]]:
        return [dict(r) for r in self._references]

    # ---- after logging / loading ------------------------------------------------------------
    @property
    def full_name(self) -> str:
        return f"{self.name}:v{self.version}" if self.version is not None else f"{self.name}:unstaged"

    @property
    def files(self) -> List[Dict[str, Any]]:
        """The manifest's file entries (path, size, digest, modified_at) of a stored version."""
        return list(self.manifest["files"]) if self.manifest else []

    def download(self, target: Optional[PathLike] = None) -> Path:
        """Copy this version's files into ``target``, verifying each file's size and sha256
        (``ArtifactCorrupted`` on a mismatch); returns the directory.

        Without ``target`` the files go into the per-user download cache, keyed by the version's
        digest: a later ``download()`` of the same version (by any run) returns the same folder
        without copying again. The cache is bounded and cleaned (:mod:`runicorn.artifacts.cache`).
        Treat a cached folder as read-only; pass ``target`` for a copy of your own.
        """
        from .store import download  # late: store imports this module

        if self.version is None or self.storage_root is None:
            raise RuntimeError(f"artifact {self.name} is not stored yet: log it or get it with use_artifact()")
        if target is None:
            from .cache import fetch

            return fetch(self.storage_root, self.type, self.name, self.version)
        return download(self.storage_root, self.type, self.name, self.version, target)

    def file_path(self, member: str) -> Path:
        """Where a file of this stored version lies on disk (read it, do not modify it)."""
        from .store import member_path

        if self.version is None or self.storage_root is None:
            raise RuntimeError(f"artifact {self.name} is not stored yet")
        return member_path(self.storage_root, self.type, self.name, self.version, member)

    def __repr__(self) -> str:
        return f"<Artifact {self.full_name} type={self.type}>"

    def __str__(self) -> str:
        return self.full_name
