"""Archives made by the reference's ``runicorn export`` (0.5.x): a ``.tar.gz`` of run directories
relative to the storage root, without a manifest. :func:`tar_to_zip` turns one into our format
(checking every member the same way), so ``runicorn import`` reads both.
"""

from __future__ import annotations

import json
import os
import tarfile
import time
import zipfile
from typing import Dict, Set, Tuple

from .check import MAX_BYTES, MAX_MEMBERS
from .members import FORMAT, FORMAT_VERSION, MANIFEST_NAME, InvalidArchive, classify


def is_tar(path: os.PathLike[str] | str) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def tar_to_zip(tar_path: os.PathLike[str] | str, zip_path: os.PathLike[str] | str,
               max_bytes: int = MAX_BYTES, max_members: int = MAX_MEMBERS) -> None:
    """Rewrite a 0.5.x export as a run archive; InvalidArchive for anything but run files."""
    runs: Dict[str, Tuple[str, str]] = {}
    total = 0
    seen: Set[str] = set()
    try:
        tf = tarfile.open(tar_path, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise InvalidArchive(f"not a readable tar archive ({exc})") from None
    with tf, zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for count, member in enumerate(tf, 1):
            if count > max_members:
                raise InvalidArchive(f"the archive has more than {max_members} members")
            name = member.name[2:] if member.name.startswith("./") else member.name
            if member.isdir() or name in ("", "."):
                continue
            if not member.isfile():
                raise InvalidArchive(f"{name!r} is a link or device; archives hold regular files only")
            parsed = classify(name)
            if parsed.kind != "run":
                raise InvalidArchive(f"{name!r}: a 0.5 export holds run directories only")
            if name in seen:
                raise InvalidArchive(f"{name!r} appears twice")
            seen.add(name)
            total += member.size
            if total > max_bytes:
                raise InvalidArchive(f"the archive unpacks to more than {max_bytes} bytes, the limit")
            runs[parsed.run_id] = (parsed.project, parsed.name)
            source = tf.extractfile(member)
            if source is None:
                raise InvalidArchive(f"{name!r} cannot be read")
            with source, zf.open(name, "w") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": time.time(),
                    "converted_from": "runicorn 0.5 export (.tar.gz)",
                    "runs": [{"id": i, "project": p, "name": n} for i, (p, n) in sorted(runs.items())],
                    "artifacts": []}
        zf.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2))
