"""Where artifacts live under a storage root, and which names, types, aliases and specs are valid.

    <root>/artifacts/<type>/<name>/versions.json          the index: versions + alias map
    <root>/artifacts/<type>/<name>/.lock                  lock file (flock), shared with the reference SDK
    <root>/artifacts/<type>/<name>/v<N>/metadata.json
    <root>/artifacts/<type>/<name>/v<N>/manifest.json
    <root>/artifacts/<type>/<name>/v<N>/files/<path>      hard links into the pool (copies where links fail)
    <root>/artifacts/<type>/<name>/v<N>/.deleted          soft-delete marker
    <root>/artifacts/.dedup/<first 2 hex>/<sha256>        content-addressed pool
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import NamedTuple, Optional

from ..layout import InvalidName, segment_error

ARTIFACTS_DIR = "artifacts"
POOL_DIR = ".dedup"
VERSIONS_FILE = "versions.json"
METADATA_FILE = "metadata.json"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".lock"
DELETED_MARKER = ".deleted"
FILES_DIR = "files"

ARTIFACT_TYPES = ("model", "dataset", "config", "code", "custom")
MAX_NAME_LENGTH = 100

# The reference refuses these in names; ':' also separates name and version in a spec.
_FORBIDDEN_NAME_CHARS = frozenset(':*?"<>|')
_VERSION_RE = re.compile(r"^[vV]([0-9]+)$")
_VERSION_DIR_RE = re.compile(r"^v([0-9]+)$")
_DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


class ArtifactNotFound(FileNotFoundError):
    """No artifact, version or alias by that name."""


def name_error(value: object) -> Optional[str]:
    """Why ``value`` is not a usable artifact name, or None when it is."""
    error = segment_error(value, "artifact name")
    if error:
        return error
    bad = sorted(set(value) & _FORBIDDEN_NAME_CHARS)  # type: ignore[arg-type]
    if bad:
        return f"artifact name must not contain {' '.join(bad)}"
    return None


def check_name(value: object) -> str:
    error = name_error(value)
    if error:
        raise InvalidName(error)
    return value  # type: ignore[return-value]


def type_error(value: object) -> Optional[str]:
    if value not in ARTIFACT_TYPES:
        return f"artifact type must be one of {', '.join(ARTIFACT_TYPES)}, got {value!r}"
    return None


def check_type(value: object) -> str:
    # Accept enum members whose value is a type string (the reference's ArtifactType).
    value = getattr(value, "value", value)
    error = type_error(value)
    if error:
        raise InvalidName(error)
    return value  # type: ignore[return-value]


def alias_error(value: object) -> Optional[str]:
    error = name_error(value)
    if error:
        return error.replace("artifact name", "alias")
    if _VERSION_RE.match(value):  # type: ignore[arg-type]
        return f"alias {value!r} would be read as a version number"
    return None


def check_alias(value: object) -> str:
    error = alias_error(value)
    if error:
        raise InvalidName(error)
    return value  # type: ignore[return-value]


def parse_version(value: object) -> Optional[int]:
    """``3``, ``"3"``, ``"v3"`` → 3; None for anything else (including 0 and negatives)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str):
        match = _VERSION_RE.match(value) or re.match(r"^([0-9]+)$", value)
        if match and len(match.group(1)) <= 12:
            number = int(match.group(1))
            return number if number > 0 else None
    return None


class Spec(NamedTuple):
    name: str
    version: Optional[int]
    alias: Optional[str]


def parse_spec(spec: object) -> Spec:
    """``"name:v3"`` → version 3, ``"name:production"`` → alias, ``"name"`` → alias ``latest``."""
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"artifact spec must be 'name', 'name:vN' or 'name:alias', got {spec!r}")
    name, sep, rest = spec.partition(":")
    check_name(name)
    if not sep:
        return Spec(name, None, "latest")
    version = parse_version(rest) if _VERSION_RE.match(rest) else None
    if version is not None:
        return Spec(name, version, None)
    if _VERSION_RE.match(rest):
        raise ValueError(f"invalid version in artifact spec {spec!r}")
    return Spec(name, None, check_alias(rest))


def version_from_dirname(dirname: str) -> Optional[int]:
    match = _VERSION_DIR_RE.match(dirname)
    return int(match.group(1)) if match else None


def is_digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST_RE.match(value) is not None


def digest_hex(digest: object) -> Optional[str]:
    """The hex part of ``"sha256:<hex>"`` (or a bare hex digest), None when malformed."""
    if not isinstance(digest, str):
        return None
    algo, sep, hexpart = digest.partition(":")
    value = hexpart if sep else algo
    if sep and algo != "sha256":
        return None
    return value if is_digest(value) else None


def clean_member_path(value: object) -> str:
    """A file's path inside an artifact, normalised to ``a/b.txt``; refuses escapes and oddities."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidName("file path inside an artifact must be a non-empty string")
    if "\x00" in value or "\\" in value:
        raise InvalidName(f"file path inside an artifact must not contain NUL or '\\': {value!r}")
    if value.startswith("/"):
        raise InvalidName(f"file path inside an artifact must be relative: {value!r}")
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise InvalidName(f"file path inside an artifact must stay inside it: {value!r}")
    return posixpath.join(*parts)


def artifacts_root(root: Path) -> Path:
    return Path(root) / ARTIFACTS_DIR


def pool_root(root: Path) -> Path:
    return artifacts_root(root) / POOL_DIR


def pool_object(root: Path, hexdigest: str) -> Path:
    if not is_digest(hexdigest):
        raise InvalidName(f"not a sha256 digest: {hexdigest!r}")
    return pool_root(root) / hexdigest[:2] / hexdigest


def artifact_dir(root: Path, type_: str, name: str) -> Path:
    return artifacts_root(root) / check_type(type_) / check_name(name)


def version_dir(root: Path, type_: str, name: str, version: int) -> Path:
    if parse_version(version) is None:
        raise InvalidName(f"invalid version number: {version!r}")
    return artifact_dir(root, type_, name) / f"v{int(version)}"
