"""Shipping one run's files to a team server: one pass at a time, resumable, never blocking ``log()``.

Order inside a pass: meta/config/environment/summary documents, then the appended bytes of
events.jsonl and logs.txt (whole lines, by offset), media files, artifact versions and their
record, and status.json last — so "finished" reaches the server after everything it covers.
:class:`BackgroundUploader` runs passes in a daemon thread of the training job (woken after each
drain of the SDK's writer); ``runicorn sync`` runs them in the foreground.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Set, Tuple

from .. import layout
from . import state as state_file
from .artifacts import pending_versions, upload_version, version_key
from .transport import Connection, Refused, Unreachable, run_path

logger = logging.getLogger("runicorn")

MAX_CHUNK = 4 * 1024 * 1024
MIN_CHUNK = 64 * 1024
MEDIA_SETTLE_SECONDS = 0.5  # a media file younger than this may still be being written
FIRST_DOCUMENTS = (layout.META_FILE, layout.CONFIG_FILE, layout.ENVIRONMENT_FILE, layout.SUMMARY_FILE,
                   layout.ARTIFACTS_USED_FILE)


class RunUploader:
    """Uploads what the server lacks of one run directory, one :meth:`step` at a time."""

    def __init__(self, run_dir: Path, server: str, token: Optional[str], *, project: Optional[str] = None,
                 name: Optional[str] = None, run_id: Optional[str] = None, root: Optional[Path] = None,
                 warn: Optional[Callable[[str], None]] = None) -> None:
        self.run_dir = Path(run_dir)
        self.run_id = run_id or self.run_dir.name
        self.name = name or self.run_dir.parent.parent.name
        self.project = project or self.run_dir.parent.parent.parent.name
        self.root = Path(root) if root is not None else self.run_dir.parents[3]
        self.conn = Connection(server, token)
        self.server = self.conn.server
        self.state = state_file.load(self.run_dir, self.server)
        self.declared = False
        self.caught_up = False
        self.max_chunk = MAX_CHUNK
        self._seen: Dict[str, Tuple[int, int, int]] = {}  # document -> stat when last sent
        self._blocked: Set[str] = set()  # files a permanent error stopped (kept local, warned once)
        self._signature: Dict[str, object] = {}  # the files as the last pass found them
        self._warn = warn or (lambda message: print(f"runicorn: {message}", file=sys.stderr, flush=True))

    @property
    def bytes_sent(self) -> int:
        return self.conn.bytes_sent

    # ---- one pass -------------------------------------------------------------------------
    def declare(self) -> None:
        _, held = self.conn.json("POST", "/api/ingest/runs",
                                 {"project": self.project, "name": self.name, "run_id": self.run_id})
        # The server's word wins over the state file: it may have lost a disk, or another
        # process may have uploaded meanwhile.
        files = held.get("files") or {}
        self.state.offsets = {k: int(v) for k, v in files.items() if isinstance(v, int)}
        self.state.documents = {k: v for k, v in (held.get("documents") or {}).items() if isinstance(v, str)}
        self.state.media = {k: int(v) for k, v in (held.get("media") or {}).items() if isinstance(v, int)}
        self.state.artifacts = {k: int(v) for k, v in (held.get("artifacts") or {}).items() if isinstance(v, int)}
        self._seen.clear()
        self.declared = True

    def step(self, final: bool = False, budget: float = 1.0) -> bool:
        """Send what is new, appends for about ``budget`` seconds at most; True when anything was
        sent. ``final``: the run has ended (media files are not still being written). Sets
        :attr:`caught_up`."""
        if not self.declared:
            self.declare()
        # Taken before reading anything: a file that grows during this pass then differs from the
        # signature saved for it, so `runicorn sync` never skips bytes written meanwhile.
        signature = state_file.signature(self.run_dir)
        deadline = time.monotonic() + budget
        pending = False
        sent = False
        for doc in FIRST_DOCUMENTS:
            sent |= self._document(doc)
        for name in (layout.EVENTS_FILE, layout.LOGS_FILE):
            moved, left = self._appends(name, deadline, final)
            sent |= moved
            pending |= left
        moved, left = self._media(final)
        sent, pending = sent or moved, pending or left
        sent |= self._artifacts()
        sent |= self._document(layout.STATUS_FILE)
        self.caught_up = not pending and self._documents_current()
        self._signature = signature
        return sent

    def _documents_current(self) -> bool:
        for doc in FIRST_DOCUMENTS + (layout.ARTIFACTS_CREATED_FILE, layout.STATUS_FILE):
            if doc in self._blocked:
                continue
            key = _stat_key(self.run_dir / doc)
            if key is not None and self._seen.get(doc) != key:
                return False
        return not pending_versions(self.run_dir, self.state)

    def _document(self, doc: str) -> bool:
        path = self.run_dir / doc
        key = _stat_key(path)
        if key is None or self._seen.get(doc) == key:
            return False
        try:
            data = path.read_bytes()
        except OSError:
            return False
        digest = hashlib.sha256(data).hexdigest()
        if self.state.documents.get(doc) == digest:
            self._seen[doc] = key
            return False
        try:
            self.conn.request("PUT", run_path(self.run_id, "files", doc), data)
        except Refused as exc:
            if exc.status in (401, 403, 404):
                raise
            self._seen[doc] = key  # retried when the file changes again
            self._warn(f"the server refused {doc} of run {self.run_id} ({exc}); it stays local")
            return False
        self.state.documents[doc] = digest
        self._seen[doc] = key
        return True

    def _appends(self, name: str, deadline: float, final: bool) -> Tuple[bool, bool]:
        """(sent anything, whole lines still pending)."""
        if name in self._blocked:
            return False, False
        path = self.run_dir / name
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False, False
        sent = False
        try:
            size = os.fstat(fd).st_size
            offset = self.state.offsets.get(name, 0)
            while offset < size:
                if time.monotonic() > deadline:
                    return sent, True
                chunk = os.pread(fd, min(self.max_chunk, size - offset), offset)
                end = chunk.rfind(b"\n")
                if end < 0:
                    if len(chunk) < self.max_chunk:
                        return sent, False  # only a line still being written: it waits for its newline
                    self._block(name, f"a line of {name} at byte {offset} is longer than {self.max_chunk} bytes")
                    return sent, False
                chunk = chunk[:end + 1]
                try:
                    status, answer = self.conn.request(
                        "POST", run_path(self.run_id, "append", name) + f"?offset={offset}", chunk,
                        content_type="application/octet-stream", ok_statuses=(409,))
                except Refused as exc:
                    if exc.status == 413 and self.max_chunk > MIN_CHUNK:
                        self.max_chunk //= 2
                        continue
                    if exc.status in (401, 403, 404):
                        raise
                    self._block(name, f"the server refused {name} at byte {offset} ({exc})")
                    return sent, False
                length = int(answer.get("length", -1))
                if status == 409 and not 0 <= length <= size:
                    self._block(name, f"{name} on the server ({length} bytes) is not a prefix of the local file")
                    return sent, False
                offset = length
                self.state.offsets[name] = offset
                sent = sent or status == 200
            return sent, False
        finally:
            os.close(fd)

    def _block(self, name: str, why: str) -> None:
        self._blocked.add(name)
        self._warn(f"{why}; the rest of {name} of run {self.run_id} stays local (runicorn sync --status)")

    def _media(self, final: bool) -> Tuple[bool, bool]:
        media_dir = self.run_dir / layout.MEDIA_DIR
        try:
            entries = [e for e in os.scandir(media_dir) if not e.name.startswith(".")]
        except OSError:
            return False, False
        sent = pending = False
        now = time.time()
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not entry.is_file(follow_symlinks=False) or self.state.media.get(entry.name) == st.st_size \
                    or entry.name in self._blocked:
                continue
            if not final and now - st.st_mtime < MEDIA_SETTLE_SECONDS:
                pending = True
                continue
            try:
                data = Path(entry.path).read_bytes()
                self.conn.request("PUT", run_path(self.run_id, "media", entry.name), data,
                                  content_type="application/octet-stream")
            except OSError:
                continue
            except Refused as exc:
                if exc.status in (401, 403, 404):
                    raise
                self._block(entry.name, f"the server refused media/{entry.name} ({exc})")
                continue
            self.state.media[entry.name] = len(data)
            sent = True
        return sent, pending

    def _artifacts(self) -> bool:
        sent = False
        for entry in pending_versions(self.run_dir, self.state):
            key = version_key(entry)
            if key in self._blocked:
                continue
            try:
                self.state.artifacts[key] = upload_version(self.conn, self.root, self.run_id, entry)
                sent = True
            except (OSError, ValueError, KeyError) as exc:
                self._block(key, f"artifact {key} cannot be uploaded ({exc})")
            except Refused as exc:
                if exc.status in (401, 403, 404):
                    raise
                if exc.status != 409:
                    self._block(key, f"the server refused artifact {key} ({exc})")
        return self._document(layout.ARTIFACTS_CREATED_FILE) or sent

    # ---- bookkeeping -----------------------------------------------------------------------
    def save(self) -> None:
        """Record what the server holds; when caught up, also the files' signature (``sync`` skips)."""
        if self.caught_up and not self._blocked:
            self.state.signature = self._signature
            self.state.complete = state_file.is_final(self.run_dir)
        else:
            self.state.complete = False
        try:
            state_file.save(self.run_dir, self.server, self.state)
        except OSError as exc:
            logger.debug("cannot save the upload state of %s: %s", self.run_id, exc)

    def pending_bytes(self) -> int:
        return state_file.pending_bytes(self.run_dir, self.state)

    def close(self) -> None:
        self.conn.close()


def _stat_key(path: Path) -> Optional[Tuple[int, int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


class BackgroundUploader(threading.Thread):
    """The training job's uploader thread: passes after each writer drain, backoff while offline."""

    MIN_GAP = 0.2  # seconds between passes: rows logged meanwhile go in one request
    MAX_BACKOFF = 30.0

    def __init__(self, uploader: RunUploader) -> None:
        super().__init__(name=f"runicorn-sync-{uploader.run_id}", daemon=True)
        self.uploader = uploader
        self._wake = threading.Event()
        self._finishing = threading.Event()
        self._done = threading.Event()
        self._offline = False
        self._failures = 0

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        up = self.uploader
        last_save = 0.0
        up.save()  # names the server in the run directory at once: `runicorn sync` finds it even if nothing got through
        try:
            while True:
                started = time.monotonic()
                finishing = self._finishing.is_set()
                try:
                    sent = up.step(final=finishing, budget=5.0 if finishing else 1.0)
                except Unreachable as exc:
                    self._went_offline(str(exc))
                    self._backoff(exc.retry_after)
                    continue
                except Refused as exc:
                    up._warn(f"the server {up.server} refused run {up.run_id} ({exc}); the run stays local; fix "
                             f"the cause, then upload it with `runicorn sync {up.run_dir}`")
                    return
                except Exception as exc:  # never let tracking break training
                    logger.warning("runicorn: upload of run %s failed: %s", up.run_id, exc, exc_info=True)
                    self._backoff(None)
                    continue
                self._failures = 0
                if up.caught_up and self._offline:
                    self._offline = False
                    up._warn(f"caught up with {up.server} (run {up.run_id})")
                now = time.monotonic()
                if sent and now - last_save > 2.0 or (finishing and up.caught_up):
                    up.save()
                    last_save = now
                if finishing and up.caught_up:
                    return
                if sent and not up.caught_up:
                    continue  # more is waiting: send it right away
                if finishing:
                    time.sleep(0.05)
                    continue
                # Until the writer's next drain (or a second for documents changed without one),
                # and never sooner than MIN_GAP after this pass: rows logged meanwhile share a request.
                self._wake.wait(1.0)
                self._wake.clear()
                time.sleep(max(0.0, started + self.MIN_GAP - time.monotonic()))
        finally:
            up.close()
            self._done.set()

    def _went_offline(self, why: str) -> None:
        self._failures += 1
        if not self._offline:
            self._offline = True
            up = self.uploader
            up._warn(f"cannot reach {up.server} ({why}); run {up.run_id} is kept locally and uploaded when the server "
                     "answers")

    def _backoff(self, retry_after: Optional[float]) -> None:
        delay = min(self.MAX_BACKOFF, 0.5 * 2 ** min(self._failures, 10)) * random.uniform(0.5, 1.5)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.MAX_BACKOFF))
        if self._finishing.is_set():
            delay = min(delay, 1.0)
        self._finishing.wait(delay) if not self._finishing.is_set() else time.sleep(delay)

    def finish(self, timeout: float) -> bool:
        """Ask for the last passes and wait up to ``timeout`` s; True when everything is on the server."""
        self._finishing.set()
        self._wake.set()
        self._done.wait(timeout)
        up = self.uploader
        if not self._done.is_set():
            # The thread goes on trying while the process lives (and saves its state when caught up).
            up._warn(f"{up.pending_bytes()} bytes of run {up.run_id} are not on {up.server} yet after {timeout:g} s; "
                     f"`runicorn sync {up.run_dir}` uploads the rest")
            return False
        return up.caught_up
