"""Moving bytes over SFTP: whole files through a temp file, appended files by their new tail.

paramiko's ``SFTPClient`` must not be shared between threads (concurrent requests on one channel
deadlock), so parallel downloads use one SFTP channel per worker on the same SSH transport.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paramiko

log = logging.getLogger(__name__)

CHUNK = 32 * 1024  # paramiko's largest read request
# Bytes re-read before an appended tail and compared with the end of the local copy: a file that
# was rewritten rather than appended to is then fetched whole instead of being corrupted.
TAIL_OVERLAP = 64


class RemoteRewritten(Exception):
    """The remote file no longer starts with what the local copy holds."""


class SftpPool:
    """SFTP clients for worker threads: the one given plus extra channels on its SSH transport.

    ``prepare(n)`` opens up to ``n - 1`` extra channels (a server may refuse some: MaxSessions);
    each transfer borrows one client for its duration, the given one included (the caller's
    thread does no SFTP while transfers run).
    """

    def __init__(self, primary: Any, workers: int) -> None:
        self.primary = primary
        self.max_workers = max(1, workers)
        self.workers = 1
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._free.put(primary)
        self._opened: list[paramiko.SFTPClient] = []
        self._prepared = False

    def prepare(self, wanted: int) -> int:
        """Open the extra channels (once); returns how many workers can run."""
        if self._prepared:
            return self.workers
        self._prepared = True
        transport = None
        if isinstance(self.primary, paramiko.SFTPClient):
            channel = self.primary.get_channel()
            transport = channel.get_transport() if channel is not None else None
        for _ in range(min(wanted, self.max_workers) - 1):
            if transport is None:
                break
            try:
                sftp = paramiko.SFTPClient.from_transport(transport)
            except (paramiko.SSHException, OSError) as exc:
                log.info("server refused another SFTP channel (%s): %d worker(s)", exc, self.workers)
                break
            if sftp is None:
                break
            self._opened.append(sftp)
            self._free.put(sftp)
            self.workers += 1
        return self.workers

    @contextlib.contextmanager
    def client(self) -> Iterator[Any]:
        """A client for the current transfer only (never two threads on one client)."""
        sftp = self._free.get()
        try:
            yield sftp
        finally:
            self._free.put(sftp)

    def close(self) -> None:
        opened, self._opened = self._opened, []
        for sftp in opened:
            with contextlib.suppress(Exception):
                sftp.close()


def _read_exactly(rf: Any, count: int, out: Any) -> int:
    """Copy up to ``count`` bytes from ``rf`` to ``out``; fewer only when the file ends first."""
    done = 0
    while done < count:
        data = rf.read(min(CHUNK, count - done))
        if not data:
            break
        out.write(data)
        done += len(data)
    return done


def fetch_whole(sftp: Any, remote_path: str, tmp: Path, size: int, *, to_eof: bool) -> int:
    """Download ``remote_path`` into ``tmp``; returns the bytes written.

    ``size`` is what the listing said. Append-only files are read up to that size (the rest comes
    with the next tail); other files are read to their end when they turn out longer.
    """
    with sftp.open(remote_path, "rb") as rf, open(tmp, "wb") as out:
        if size > CHUNK:
            rf.prefetch(size)
        done = _read_exactly(rf, size, out)
        if to_eof and done == size:
            while data := rf.read(CHUNK):
                out.write(data)
                done += len(data)
        out.flush()
        os.fsync(out.fileno())
    return done


def fetch_whole_json(sftp: Any, remote_path: str, tmp: Path, size: int) -> int:
    """Like :func:`fetch_whole`, but stops at ``size`` when what was read is complete JSON.

    Saves the end-of-file probe (a round trip per file); a file rewritten to a longer one since it
    was listed does not parse at ``size`` bytes, and is then read to its end.
    """
    import json

    done = fetch_whole(sftp, remote_path, tmp, size, to_eof=False)
    if done == size:
        try:
            json.loads(tmp.read_bytes())
            return done
        except ValueError:
            pass
    return fetch_whole(sftp, remote_path, tmp, size, to_eof=True)


def fetch_tail(sftp: Any, remote_path: str, local: Path, have: int, size: int, tmp: Path) -> int:
    """Download bytes ``[have, size)`` of an append-only file into ``tmp``; returns bytes read.

    The ``TAIL_OVERLAP`` bytes before ``have`` are read too and must equal the end of ``local``,
    else :class:`RemoteRewritten` is raised.
    """
    overlap = min(TAIL_OVERLAP, have)
    start = have - overlap
    with open(local, "rb") as fh:
        fh.seek(start)
        expected = fh.read(overlap)
    with sftp.open(remote_path, "rb") as rf, open(tmp, "wb") as out:
        rf.seek(start)
        if size - start > CHUNK:
            rf.prefetch(size)
        head = rf.read(overlap) if overlap else b""
        if head != expected:
            raise RemoteRewritten(remote_path)
        done = _read_exactly(rf, size - have, out)
        out.flush()
        os.fsync(out.fileno())
    return done + overlap


def append_file(local: Path, have: int, tmp: Path) -> int:
    """Append ``tmp`` to ``local`` at offset ``have``; on failure ``local`` is cut back to ``have``.

    Appending in place (not copy + rename) keeps the inode, so the viewer's incremental readers
    only read the new bytes.
    """
    with open(local, "r+b") as out, open(tmp, "rb") as src:
        out.truncate(have)
        out.seek(have)
        try:
            while data := src.read(1024 * 1024):
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            out.truncate(have)
            raise
        return out.tell()
