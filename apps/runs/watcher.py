"""The indexer's background thread: initial sync, then file events, with a periodic reconcile.

File events come from inotify through ``watchfiles``; where inotify is unavailable or the tree
has more directories than the kernel lets us watch, it falls back to periodic incremental scans.
Either way a full reconcile runs every ``RUNICORN_RECONCILE_SECONDS`` as the safety net, spaced
further apart on huge roots so that it never takes more than a tenth of one core.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from runicorn import layout

from runicorn_site.dblocks import SessionLock

from . import indexer
from .storage import get_storage_root

log = logging.getLogger(__name__)

# Appends to these are frequent and never change an index row (liveness is checked separately).
_NOISY_NAMES = {layout.EVENTS_FILE, layout.LOGS_FILE}
# Several viewer processes on one PostgreSQL database (team profile): the holder of this advisory
# lock scans and writes the index, the others serve it and try to take over at each reconcile (so
# one does within RUNICORN_RECONCILE_SECONDS after the holder stops). On SQLite it is always held.
INDEX_LEADER_LOCK = "runicorn:index-leader"
# The watch loop wakes at least this often (ms) when no file changes.
WATCH_TICK_MS = 500


def _interesting(_change: object, path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name in _NOISY_NAMES or name.endswith((".lock", ".tmp")):
        return False
    return f"/{layout.MEDIA_DIR}/" not in path


class IndexWatcher(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="runicorn-indexer", daemon=True)
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self.ready = threading.Event()
        self.root = get_storage_root()
        self.last_reconcile_seconds = 0.0
        self.leadership = SessionLock(INDEX_LEADER_LOCK)
        self._announced = False

    def leading(self) -> bool:
        """Whether this process maintains the index (checks the lock's connection, else tries to take it)."""
        was = self.leadership.held
        try:
            now = self.leadership.still_held() or self.leadership.acquire(wait=False)
        except Exception:
            log.exception("cannot check which viewer process maintains the index")
            return False
        if now != was or not self._announced:
            self._announced = True
            if now:
                log.info("this viewer process maintains the index of %s", self.root)
            else:
                log.info("another viewer process maintains the index; this one serves it")
        return now

    def reconcile_interval(self) -> float:
        return max(settings.RUNICORN_RECONCILE_SECONDS, 10 * self.last_reconcile_seconds)

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()

    def request_rescan(self) -> None:
        """Ask for a reconcile now (e.g. after the storage root was switched)."""
        self._wake.set()

    def run(self) -> None:
        try:
            # Index at once, so lists answer as soon as the viewer does; the watch then scans again
            # once it exists (incremental: unchanged runs cost a stat), which catches a run
            # written between this scan and the watch.
            self.root = get_storage_root()
            self._reconcile(first=True)
            self.ready.set()
            while not self._stop_event.is_set():
                if settings.RUNICORN_FORCE_POLLING or not self._watch():
                    self._poll()
        finally:
            self.ready.set()
            self.leadership.release()
            connection.close()

    def _reconcile(self, first: bool = False) -> None:
        close_old_connections()
        if not self.leading():
            return
        try:
            stats = indexer.sync_index(self.root)
            self.last_reconcile_seconds = stats.seconds
        except Exception:  # keep the thread alive: the next reconcile may succeed
            log.exception("index reconcile of %s failed", self.root)
            return
        if first or stats.changed:
            log.info(
                "indexed %s: %d runs, %d updated, %d removed, %d orphaned in %.2fs",
                self.root, stats.scanned, stats.updated, stats.removed, stats.orphaned, stats.seconds,
            )

    def _reap(self) -> None:
        if not self.leadership.held:
            return
        try:
            indexer.reap_orphans(self.root)
        except Exception:
            log.exception("checking running runs failed")

    def _watch(self) -> bool:
        """Follow inotify events until stopped or the root changes; False when inotify is unusable.

        The watch comes first, then the scan: a run written while a new root is scanned sends
        events the loop applies, where scanning first left a gap until the next reconcile.
        """
        try:
            from watchfiles import watch
        except ImportError:
            return False
        root = get_storage_root()
        root.mkdir(parents=True, exist_ok=True)
        last_reconcile = last_reap = time.monotonic()
        scanned = False
        try:
            for changes in watch(
                root,
                watch_filter=_interesting,
                stop_event=self._stop_event,
                yield_on_timeout=True,
                # The first pass comes this soon (the watch exists by then); later ones keep the
                # loop answering a rescan request or a root switch within this time.
                rust_timeout=WATCH_TICK_MS,
                debounce=150,
                step=30,
                raise_interrupt=False,
            ):
                now = time.monotonic()
                if not scanned:
                    self.root, scanned = root, True
                    self._reconcile(first=True)
                    self.ready.set()
                    last_reconcile = now
                if changes:
                    self._apply(changes)
                if get_storage_root() != root:
                    return True  # watch the new root first, then scan it
                if self._wake.is_set():
                    self._wake.clear()
                    self._reconcile()
                    last_reconcile = now
                if now - last_reconcile >= self.reconcile_interval():
                    self._reconcile()
                    last_reconcile = now
                if now - last_reap >= settings.RUNICORN_LIVENESS_SECONDS:
                    self._reap()
                    last_reap = now
        except (OSError, RuntimeError) as exc:
            log.warning("file watching unavailable (%s); falling back to polling", exc)
            return False
        return True

    def _apply(self, changes: set[tuple[object, str]]) -> None:
        if not self.leadership.held:
            return  # the process that holds the lock sees the same events and applies them
        close_old_connections()
        locations = []
        projects: set[str] = set()
        for _change, path in changes:
            loc = layout.location_of(self.root, Path(path))
            if loc is not None:
                locations.append(loc)
                continue
            # A project/name/runs directory appeared or vanished: runs created inside it before
            # inotify watched it sent no events of their own, so walk that project once.
            try:
                rel = Path(path).relative_to(self.root).parts
            except ValueError:
                continue
            if rel:
                projects.add(rel[0])
        if projects:
            locations.extend(layout.iter_run_dirs(self.root, only_projects=projects))
        try:
            if locations:
                indexer.sync_locations(self.root, locations)
        except Exception:
            log.exception("applying file events failed")

    def _poll(self) -> None:
        self.root = get_storage_root()
        self._reconcile(first=True)
        self.ready.set()
        last_reap = time.monotonic()
        while not self._stop_event.is_set():
            # On a huge root a scan takes long: keep polling from eating a whole core.
            self._wake.wait(max(settings.RUNICORN_POLL_SECONDS, 2 * self.last_reconcile_seconds))
            self._wake.clear()
            self.root = get_storage_root()
            self._reconcile()
            if time.monotonic() - last_reap >= settings.RUNICORN_LIVENESS_SECONDS:
                self._reap()
                last_reap = time.monotonic()


_watcher: IndexWatcher | None = None
_watcher_lock = threading.Lock()


def start_watcher() -> IndexWatcher:
    global _watcher
    with _watcher_lock:
        if _watcher is None or not _watcher.is_alive():
            _watcher = IndexWatcher()
            _watcher.start()
        return _watcher


def get_watcher() -> IndexWatcher | None:
    return _watcher


def stop_watcher() -> None:
    with _watcher_lock:
        if _watcher is not None:
            _watcher.stop()
