"""Streamed sha256: a fixed 1 MiB buffer, so a file of any size costs the same memory."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Tuple

CHUNK = 1024 * 1024


def file_sha256(path: Path) -> Tuple[str, int]:
    """(hex digest, size in bytes) of a file's content."""
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with open(path, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            digest.update(view[:n])
            size += n
    return digest.hexdigest(), size


def copy_sha256(src: Path, dst: Path, sync: bool = True) -> Tuple[str, int]:
    """Copy ``src`` to a new file ``dst`` and return (hex digest, size) of what was written.

    Hashing the bytes as they are written means the digest always describes the copy, even when
    the source changes while it is read. ``sync`` flushes it to disk before returning (pool
    objects are named by their content, so a half-written one after a crash would lie forever).
    """
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with open(src, "rb", buffering=0) as fin, open(dst, "xb", buffering=0) as fout:
        while True:
            n = fin.readinto(buf)
            if not n:
                break
            chunk = view[:n]
            digest.update(chunk)
            written = 0
            while written < n:
                written += fout.write(chunk[written:]) or 0
            size += n
        if sync:
            os.fsync(fout.fileno())
    return digest.hexdigest(), size
