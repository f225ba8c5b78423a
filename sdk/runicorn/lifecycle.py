"""Process exit paths: atexit, uncaught exceptions, SIGTERM/SIGINT and fork.

Every open run registers here. Whatever way the process ends (short of SIGKILL or ``os._exit``),
each open run is flushed and its status.json gets its final state:

* normal interpreter exit (``atexit``)           -> ``finished`` (``interrupted`` after a SIGTERM
  that a previous handler chose to survive)
* uncaught exception (``sys.excepthook`` chain)  -> ``failed``; ``KeyboardInterrupt`` -> ``interrupted``
* SIGTERM / SIGINT with the default action       -> ``interrupted``, then the signal is re-delivered
  with its default action so the exit status stays the conventional one (-15 / 143 for SIGTERM).

Signal handlers run in the main thread between two bytecodes, possibly while that same thread is
inside one of our own locked sections (a flush, a summary write). Taking those locks again from
the handler would deadlock, so such sections are wrapped in :func:`critical`; a signal arriving
inside one is remembered and handled the moment the outermost section ends.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, Protocol

logger = logging.getLogger("runicorn")


class _Closable(Protocol):
    def flush(self) -> None: ...

    def _close_for_exit(self, status: str, exit_reason: str | None, error: str | None) -> None: ...


_registry_lock = threading.Lock()
_open_runs: list[_Closable] = []
_installed = False
_signals_installed = False
_previous_handlers: dict[int, Any] = {}
_previous_excepthook: Any = None
# Status given to runs still open at interpreter exit; a survived SIGTERM turns it to "interrupted".
_exit_status = "finished"
_exit_reason: str | None = None

# The run started by the last runicorn.init(); the module-level functions act on it.
active: Any = None

_main_ident = threading.main_thread().ident
_depth = 0  # nesting of critical() sections on the main thread
_deferred: list[int] = []  # signals that arrived inside a critical section


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """Mark a section that holds locks an exit path needs; signals wait until it ends."""
    global _depth
    if threading.get_ident() != _main_ident:
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _deferred:
            signum = _deferred.pop(0)
            _deferred.clear()
            _on_signal(signum, None)


def register(run: _Closable) -> None:
    """Track an open run and install the exit hooks (once per process; signals from the main thread)."""
    global _installed, _previous_excepthook
    with _registry_lock:
        _open_runs.append(run)
        if not _installed:
            _installed = True
            atexit.register(_at_exit)
            _previous_excepthook = sys.excepthook
            sys.excepthook = _excepthook
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(after_in_child=_after_fork_in_child)
    _install_signal_handlers()


def unregister(run: _Closable) -> None:
    with _registry_lock:
        try:
            _open_runs.remove(run)
        except ValueError:
            pass


def forget_active(run: object) -> None:
    """Called when ``run`` finishes: it stops being the active run."""
    global active
    if active is run:
        active = None


def open_runs() -> list[_Closable]:
    with _registry_lock:
        return list(_open_runs)


def close_all(status: str, exit_reason: str | None = None, error: str | None = None) -> None:
    """Flush and finish every open run with ``status``; one failing run does not stop the others."""
    for run in reversed(open_runs()):
        try:
            run._close_for_exit(status, exit_reason, error)
        except Exception:  # an exit path must never raise
            logger.exception("runicorn: could not finish a run cleanly")


def _install_signal_handlers() -> None:
    global _signals_installed
    # signal.signal() only works in the main thread; a later init() from it installs them.
    if _signals_installed or threading.current_thread() is not threading.main_thread():
        return
    _signals_installed = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:
                continue  # the process chose to ignore it; so do we
            signal.signal(signum, _on_signal)
            _previous_handlers[signum] = previous
        except (ValueError, OSError):  # embedded interpreters, exotic platforms
            continue


def _on_signal(signum: int, frame: Any) -> None:
    global _exit_status, _exit_reason
    if _depth > 0:
        # We interrupted our own locked section on this thread: finish it first.
        _deferred.append(signum)
        return
    name = signal.Signals(signum).name.lower()
    previous = _previous_handlers.get(signum)
    if callable(previous):
        # Somebody else handles this signal (KeyboardInterrupt for SIGINT, a framework's graceful
        # stop for SIGTERM). Make the data safe now, then let them decide what happens next.
        for run in open_runs():
            try:
                run.flush()
            except Exception:
                logger.exception("runicorn: flush on %s failed", name)
        if signum != signal.SIGINT:  # a KeyboardInterrupt is classified by the excepthook
            _exit_status, _exit_reason = "interrupted", name
        previous(signum, frame)
        return
    # Default action (terminate): finish everything, then die by the same signal so that the
    # parent sees the conventional status instead of a clean exit.
    close_all("interrupted", name)
    try:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    except (ValueError, OSError):
        os._exit(128 + signum)


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    # Print the traceback first: with capture_console on, it then lands in logs.txt as well.
    try:
        hook = _previous_excepthook or sys.__excepthook__
        hook(exc_type, exc, tb)
    finally:
        if issubclass(exc_type, KeyboardInterrupt):
            close_all("interrupted", "keyboard_interrupt")
        else:
            record_traceback(exc_type, exc, tb)
            close_all("failed", "exception", f"{exc_type.__name__}: {exc}"[:2000])


def record_traceback(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    """Put the traceback of the exception that ends the process into each open run's logs.txt,
    so the run page shows why it failed (status.json keeps only the last line)."""
    for run in open_runs():
        record = getattr(run, "_record_traceback", None)
        if record is None:
            continue
        try:
            record(exc_type, exc, tb)
        except Exception:  # an exit path must never raise
            logger.exception("runicorn: could not write the traceback to logs.txt")


def _at_exit() -> None:
    close_all(_exit_status, _exit_reason)


def _after_fork_in_child() -> None:
    # A forked child (DataLoader worker, multiprocessing) inherits the parent's runs; it must not
    # finish them or write the parent's queued events a second time.
    global _depth, _registry_lock, _main_ident
    _registry_lock = threading.Lock()  # another thread may have held it at fork time
    _main_ident = threading.get_ident()
    with contextlib.suppress(Exception):
        for run in _open_runs:
            detach = getattr(run, "_detach_after_fork", None)
            if detach:
                detach()
    _open_runs.clear()
    _deferred.clear()
    _depth = 0
