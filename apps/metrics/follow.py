"""Wake-ups for WebSocket followers when files in a run directory change.

One ``watchfiles`` watch (inotify through Rust) per run directory, shared by every follower of that
directory in this process: ten browser tabs on one run cost one inotify instance, not ten (Linux
allows 128 per user by default). Where inotify is unavailable, or with ``RUNICORN_FORCE_POLLING``,
followers simply poll: :meth:`Subscription.wait` always returns after its timeout, so polling is
the same loop with a shorter timeout — and the safety net behind inotify.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

# With inotify a follower still re-checks the file this often (a missed event, a replaced file).
SAFETY_POLL_SECONDS = 2.0
# Without it, this often: the reference polls every 0.2 s while lines are coming in.
FALLBACK_POLL_SECONDS = 0.2
# inotify is set up in a worker thread shortly after a watch starts; until then, poll.
WARMUP_SECONDS = 2.0


@dataclass(eq=False)
class Subscription:
    watch: _DirectoryWatch
    names: frozenset[str]  # file names in the directory this follower cares about
    event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def poll_seconds(self) -> float:
        settled = self.watch.watching and time.monotonic() - self.watch.started_at > WARMUP_SECONDS
        return SAFETY_POLL_SECONDS if settled else FALLBACK_POLL_SECONDS

    async def wait(self, timeout: float | None = None) -> bool:
        """Until a file of interest changed (True) or the poll interval passed (False)."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout if timeout is not None else self.poll_seconds)
            return True
        except TimeoutError:
            return False
        finally:
            self.event.clear()

    def close(self) -> None:
        self.watch.unsubscribe(self)


class _DirectoryWatch:
    def __init__(self, hub: WatchHub, directory: Path) -> None:
        self.hub = hub
        self.directory = directory
        self.subscribers: set[Subscription] = set()
        self.watching = False
        self.started_at = time.monotonic()
        self._stop = threading.Event()

    def start(self) -> None:
        if not settings.RUNICORN_FORCE_POLLING:
            # A daemon thread of our own, not ``awatch``: its anyio worker thread is not a daemon,
            # and one left idle kept the viewer alive for good after SIGTERM.
            loop = asyncio.get_running_loop()
            threading.Thread(target=self._run, args=(loop,), name=f"watch {self.directory}", daemon=True).start()

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            from watchfiles import watch
        except ImportError:
            return
        try:
            self.watching = True
            for changes in watch(
                self.directory,
                stop_event=self._stop,  # checked every ``step`` ms
                debounce=60,  # ms: a steady stream of writes is still delivered at this pace
                step=10,
                recursive=False,
                watch_filter=None,
                raise_interrupt=False,
            ):
                loop.call_soon_threadsafe(self._wake, {Path(path).name for _, path in changes})
        except (OSError, RuntimeError) as exc:  # RuntimeError also: the loop closed meanwhile
            log.info("watching %s failed (%s); its followers poll", self.directory, exc)
        finally:
            self.watching = False

    def _wake(self, touched: set[str]) -> None:
        for sub in list(self.subscribers):
            if sub.names & touched:
                sub.event.set()

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscribers.discard(sub)
        if not self.subscribers:
            self._stop.set()
            self.hub.forget(self)


class WatchHub:
    """Directory watches of one event loop, created on first use and stopped with the last user."""

    def __init__(self) -> None:
        self._watches: dict[Path, _DirectoryWatch] = {}

    def subscribe(self, directory: Path, *names: str) -> Subscription:
        watch = self._watches.get(directory)
        if watch is None:
            watch = self._watches[directory] = _DirectoryWatch(self, directory)
            watch.start()
        sub = Subscription(watch, frozenset(names))
        watch.subscribers.add(sub)
        return sub

    def forget(self, watch: _DirectoryWatch) -> None:
        if self._watches.get(watch.directory) is watch:
            del self._watches[watch.directory]


_hubs: dict[asyncio.AbstractEventLoop, WatchHub] = {}


def watch_hub() -> WatchHub:
    """The hub of the running event loop (tests run several loops; daphne runs one)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for old in [lp for lp in _hubs if lp.is_closed()]:
            del _hubs[old]
        hub = _hubs[loop] = WatchHub()
    return hub
