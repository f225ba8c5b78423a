"""Checking a run archive completely before anything is written.

Refused (``InvalidArchive`` with a message naming the member): a file that is not a ZIP; member
names outside the format (absolute, ``..``, backslashes, unknown places, see :mod:`.members`);
symlinks or other non-regular entries; duplicate names; more than ``max_members`` members or
``max_bytes`` uncompressed in all; a member compressed more than ``MAX_RATIO`` to 1 (a ZIP bomb);
records that are not JSON objects; a blob whose bytes do not hash to its name (every blob is read
and hashed); an artifact version whose manifest needs a blob the archive lacks; runs missing
meta.json. Only when all of that passes does the importer touch the storage root.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any, Dict, List, Set, Tuple

from .. import layout
from ..artifacts import paths as artifact_paths
from .members import FORMAT, MANIFEST_NAME, InvalidArchive, Member, classify, digest_of

MAX_MEMBERS = 500_000
MAX_BYTES = 50 * 1024**3
MAX_RATIO = 1000  # uncompressed : compressed, for members larger than 1 MiB
_CHUNK = 1 << 20

RunKey = Tuple[str, str, str]  # project, name, run_id
VersionKey = Tuple[str, str, int]


@dataclass
class ArchiveContents:
    """What a checked archive holds, by member name."""

    manifest: Dict[str, Any]
    runs: Dict[RunKey, List[Tuple[str, str]]] = field(default_factory=dict)  # -> [(member, rel path)]
    versions: Dict[VersionKey, Dict[str, str]] = field(default_factory=dict)  # -> {file name: member}
    version_docs: Dict[VersionKey, Dict[str, Any]] = field(default_factory=dict)  # -> {"metadata", "manifest"}
    indexes: Dict[Tuple[str, str], str] = field(default_factory=dict)  # (type, name) -> versions.json member
    blobs: Dict[str, str] = field(default_factory=dict)  # sha256 -> member
    total_bytes: int = 0


def _json_object(zf: zipfile.ZipFile, name: str) -> Dict[str, Any]:
    try:
        doc = json.loads(zf.read(name))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArchive(f"{name!r} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidArchive(f"{name!r} must hold a JSON object")
    return doc


def _check_entry(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InvalidArchive(f"{info.filename!r} is a symlink; archives hold regular files only")
    kind = stat.S_IFMT(mode)  # 0 when the writer recorded permissions only (zipfile.writestr)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        raise InvalidArchive(f"{info.filename!r} is not a regular file")
    if info.flag_bits & 0x1:
        raise InvalidArchive(f"{info.filename!r} is encrypted")
    if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise InvalidArchive(f"{info.filename!r} expands {info.file_size // max(info.compress_size, 1)}x "
                             "when unpacked; refusing a likely ZIP bomb")


def _hash_member(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)


def check_archive(path: os.PathLike[str] | str, max_bytes: int = MAX_BYTES,
                  max_members: int = MAX_MEMBERS) -> ArchiveContents:
    """Check the archive at ``path`` (see the module doc); what it holds, or InvalidArchive."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidArchive(f"not a ZIP archive ({exc}); give a file made by `runicorn export`") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise InvalidArchive(f"the archive has {len(infos)} members; at most {max_members} are accepted")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise InvalidArchive("the archive holds the same member name twice")
        if MANIFEST_NAME not in names:
            raise InvalidArchive(f"no {MANIFEST_NAME}: this is not a Runicorn run archive (made by `runicorn export`)")
        manifest = _json_object(zf, MANIFEST_NAME)
        if manifest.get("format") != FORMAT:
            raise InvalidArchive(f"{MANIFEST_NAME} does not describe a {FORMAT}")
        contents = ArchiveContents(manifest)
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            _check_entry(info)
            total += info.file_size
            if total > max_bytes:
                raise InvalidArchive(f"the archive unpacks to more than {max_bytes} bytes, the limit")
            _add(contents, classify(info.filename), info.filename)
        contents.total_bytes = total
        _check_records(zf, contents)
        for hexdigest, member in contents.blobs.items():
            if _hash_member(zf, member) != hexdigest:
                raise InvalidArchive(f"{member!r} does not hash to its name: the archive is damaged")
    return contents


def _add(contents: ArchiveContents, member: Member, name: str) -> None:
    if member.kind == "run":
        contents.runs.setdefault((member.project, member.name, member.run_id), []).append((name, member.rel))
    elif member.kind == "blob":
        contents.blobs[member.digest] = name
    elif member.kind == "versions":
        contents.indexes[(member.type, member.name)] = name
    elif member.kind == "version":
        contents.versions.setdefault((member.type, member.name, member.version), {})[member.rel] = name


def _check_records(zf: zipfile.ZipFile, contents: ArchiveContents) -> None:
    ids: Set[str] = set()
    for (project, name, run_id), files in contents.runs.items():
        if run_id in ids:
            raise InvalidArchive(f"run {run_id} appears under two experiments")
        ids.add(run_id)
        rels = {rel for _member, rel in files}
        if layout.META_FILE not in rels:
            raise InvalidArchive(f"run {project}/{name}/{run_id} has no {layout.META_FILE}")
        for member, rel in files:
            if rel in (layout.META_FILE, layout.STATUS_FILE):
                _json_object(zf, member)
    for key, files in contents.versions.items():
        type_, name, version = key
        label = f"{type_}/{name}:v{version}"
        if artifact_paths.METADATA_FILE not in files or artifact_paths.MANIFEST_FILE not in files:
            raise InvalidArchive(f"artifact version {label} lacks metadata.json or manifest.json")
        if (type_, name) not in contents.indexes:
            raise InvalidArchive(f"artifact {type_}/{name} has versions but no versions.json")
        metadata = _json_object(zf, files[artifact_paths.METADATA_FILE])
        manifest = _json_object(zf, files[artifact_paths.MANIFEST_FILE])
        for entry in manifest.get("files") or []:
            if not isinstance(entry, dict):
                raise InvalidArchive(f"manifest of {label} has a malformed file entry")
            try:
                artifact_paths.clean_member_path(entry.get("path"))
            except ValueError as exc:
                raise InvalidArchive(f"manifest of {label}: {exc}") from None
            hexdigest = digest_of(entry.get("digest"))
            if hexdigest is None or hexdigest not in contents.blobs:
                raise InvalidArchive(f"manifest of {label} needs blob {entry.get('digest')!r}, which is not in "
                                     "the archive")
        contents.version_docs[key] = {"metadata": metadata, "manifest": manifest}
    for member in contents.indexes.values():
        _json_object(zf, member)

