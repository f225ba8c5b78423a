"""The content-addressed dedup pool: each distinct file content is stored once, as
``.dedup/<first 2 hex>/<sha256>``, and versions hard-link to it.

A pool object is garbage when nothing else links to it (``st_nlink == 1``): every version file
that shares its content is a hard link, and a version whose files had to be copied (another
filesystem) does not need the pool object at all. Writers hold the pool lock shared from the
moment they add an object until their version's links exist; garbage collection and permanent
deletion hold it exclusively, so an object about to be linked is never taken away.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Tuple

from . import paths
from .hashing import copy_sha256, file_sha256
from .locks import file_lock

_TMP_PREFIX = ".tmp-"
POOL_LOCK_FILE = ".dedup.lock"
# Errors after which a hard link is replaced by a copy: another filesystem, too many links,
# a filesystem without links, or one that forbids them.
_NO_LINK_ERRNOS = {errno.EXDEV, errno.EMLINK, errno.EPERM, errno.ENOTSUP, errno.EACCES, errno.ENOSYS}


class PoolEntry(NamedTuple):
    hexdigest: str
    size: int
    path: Path
    added: bool  # False when the content was already in the pool


class GcResult(NamedTuple):
    removed: int
    freed_bytes: int


@contextmanager
def pool_lock(root: Path, shared: bool) -> Iterator[None]:
    # Beside the pool, not in it: the reference's cleanup deletes every file in the pool whose
    # name is not a referenced digest, and a deleted lock file splits the lock.
    with file_lock(paths.artifacts_root(root) / POOL_LOCK_FILE, shared=shared):
        yield


def _existing(obj: Path, size: int) -> bool:
    try:
        st = obj.stat()
    except OSError:
        return False
    return st.st_size == size


def put(root: Path, src: Path) -> PoolEntry:
    """Store the content of ``src`` in the pool (once) and return where it lives.

    The source is hashed once. Content already pooled costs nothing more; new content is copied
    by the kernel (``copyfile``: sendfile, or a reflink where the filesystem has them) and kept
    under that digest only if the source's size, mtime and inode did not move meanwhile. A source
    that changed while being read is copied again while hashing, and that copy's digest names the
    object, so the pool never holds an object whose name disagrees with its bytes. Call with the
    pool lock held shared.
    """
    before = os.stat(src)
    hexdigest, size = file_sha256(src)
    obj = paths.pool_object(root, hexdigest)
    if _existing(obj, size):
        return PoolEntry(hexdigest, size, obj, False)
    shard = obj.parent
    shard.mkdir(parents=True, exist_ok=True)
    tmp = shard / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
    try:
        shutil.copyfile(src, tmp)
        after = os.stat(src)
        if _same_file_state(before, after) and after.st_size == size and os.stat(tmp).st_size == size:
            _fsync(tmp)
        else:
            os.unlink(tmp)
            hexdigest, size = copy_sha256(src, tmp)
            obj = paths.pool_object(root, hexdigest)
            obj.parent.mkdir(parents=True, exist_ok=True)
        added = _publish(tmp, obj)
    finally:
        tmp.unlink(missing_ok=True)  # published (renamed away) or abandoned
    return PoolEntry(hexdigest, size, obj, added)


class DigestMismatch(ValueError):
    """Bytes offered under a digest that is not theirs."""


def put_stream(root: Path, chunks: Iterable[bytes], expected_hexdigest: str) -> PoolEntry:
    """Store bytes that arrive in ``chunks`` (an upload) as the pool object ``expected_hexdigest``.

    The bytes are hashed while written to a temporary file and published only when their digest
    is the one claimed, so the pool never holds an object whose name disagrees with its bytes.
    Content already pooled is acknowledged without being stored again. Call with the pool lock
    held shared.
    """
    obj = paths.pool_object(root, expected_hexdigest)
    obj.parent.mkdir(parents=True, exist_ok=True)
    tmp = obj.parent / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "xb") as fh:
            for chunk in chunks:
                digest.update(chunk)
                fh.write(chunk)
                size += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if digest.hexdigest() != expected_hexdigest:
            raise DigestMismatch(f"the uploaded bytes have sha256 {digest.hexdigest()}, not {expected_hexdigest}")
        if _existing(obj, size):
            return PoolEntry(expected_hexdigest, size, obj, False)
        added = _publish(tmp, obj)
    finally:
        tmp.unlink(missing_ok=True)  # published (renamed away) or abandoned
    return PoolEntry(expected_hexdigest, size, obj, added)


def _same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _fsync(path: Path) -> None:
    # Pool objects are named by their content: one half-written by a crash would lie forever.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, obj: Path) -> bool:
    """Give ``tmp`` its final name without ever replacing an object another writer published."""
    try:
        os.link(tmp, obj)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_LINK_ERRNOS:
            raise
    if obj.exists():
        return False
    os.replace(tmp, obj)
    return True


def materialize(obj: Path, dest: Path) -> bool:
    """Put the pool object at ``dest``: a hard link (no new space) or, where links fail, a copy.

    Returns True for a link.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(obj, dest)
        return True
    except OSError as exc:
        if exc.errno not in _NO_LINK_ERRNOS:
            raise
    shutil.copyfile(obj, dest)
    return False


def _remove_if_unlinked(path: Path) -> int:
    """Delete ``path`` when it is its own only link; the bytes freed (0 when kept or absent)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return 0
    if st.st_nlink > 1:
        return 0
    try:
        os.unlink(path)
    except FileNotFoundError:
        return 0
    return st.st_size


def release(root: Path, hexdigests: Iterable[str]) -> Tuple[int, int]:
    """Drop the given objects that no version links to any more: (objects removed, bytes freed).

    Call with the pool lock held exclusively.
    """
    removed = freed = 0
    for hexdigest in set(hexdigests):
        if not paths.is_digest(hexdigest):
            continue
        obj = paths.pool_object(root, hexdigest)
        if obj.exists():
            size = _remove_if_unlinked(obj)
            if not obj.exists():
                removed += 1
                freed += size
    return removed, freed


def iter_objects(root: Path) -> Iterator[os.DirEntry]:
    """Every pool object (and stale temporary file) by scandir."""
    base = paths.pool_root(root)
    try:
        shards = [e for e in os.scandir(base) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for shard in shards:
        try:
            entries = list(os.scandir(shard.path))
        except OSError:
            continue
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                yield entry


def collect_garbage(root: Path) -> GcResult:
    """Remove every pool object nothing links to, and temporary files left by crashed writers."""
    removed = freed = 0
    with pool_lock(root, shared=False):
        # Writers hold the lock shared while their temporary files exist, so under the
        # exclusive lock every temporary file belongs to a writer that died.
        for entry in iter_objects(root):
            path = Path(entry.path)
            if entry.name.startswith(_TMP_PREFIX):
                try:
                    size = entry.stat(follow_symlinks=False).st_size
                    os.unlink(path)
                except FileNotFoundError:
                    continue
                removed += 1
                freed += size
            elif paths.is_digest(entry.name):
                size = _remove_if_unlinked(path)
                if size or not path.exists():
                    removed += 1
                    freed += size
    return GcResult(removed, freed)


def shard_usage(shard: str) -> Tuple[int, int]:
    """(objects, bytes) in one pool shard directory."""
    count = total = 0
    try:
        entries = list(os.scandir(shard))
    except OSError:
        return 0, 0
    for entry in entries:
        if paths.is_digest(entry.name):
            try:
                total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            count += 1
    return count, total
