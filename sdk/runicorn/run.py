"""The training-side SDK: ``init()`` and the :class:`Run` it returns.

Files written (layout in :mod:`runicorn.layout`, same shapes as the reference SDK 0.5.x):
meta.json, status.json, config.json, summary.json atomically; events.jsonl and logs.txt appended
by the buffered writer (:mod:`runicorn.writer`); media/ for images; environment.json on request.

Metric values: ``int`` and ``float`` are written as they are; ``bool`` as 0/1; numpy/torch scalars
and other objects that convert with ``.item()`` / ``float()`` as the number they hold. NaN and
±inf are written as ``null`` (strict JSON that every reader parses; the reference wrote the
non-standard ``NaN`` token). Strings, ``None`` and other non-numbers are dropped with a one-time
warning per key -- use ``log_text`` for text. ``stage`` is kept as a string.
"""

from __future__ import annotations

import itertools
import logging
import os
import platform
import socket
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from . import layout, lifecycle
from .config import resolve_storage_root_source
from .diskguard import DiskGuard
from .jsonio import atomic_write_json, read_json
from .runfiles import (
    RunConfig,
    RunDocuments,
    RunSummary,
    check_names,
    clean_metrics,
    config_dict,
    last_global_step,
    plain,
    tag_list,
)
from .viewers import say_where
from .writer import RunWriter, event_line

logger = logging.getLogger("runicorn")
_time = time.time
_FINAL_STATUSES = ("finished", "failed", "interrupted")


class Run:
    """One experiment run. Create it with :func:`runicorn.init`.

    Attributes: ``id``, ``project``, ``name``, ``storage_root`` and ``run_dir`` (a ``Path``),
    ``config`` (a dict-like :class:`RunConfig` saved to config.json on every change; also
    ``run.config.lr``), ``summary`` (a :class:`RunSummary`: ``run.summary["best"] = 0.9``,
    ``run.summary({"best": 0.9})``, both rewrite summary.json at once).
    Use as a context manager to finish it on exit (``failed`` when the block raises).
    """

    def __init__(
        self,
        project: str = "default",
        name: str = "default",
        storage: str | os.PathLike[str] | None = None,
        capture_env: bool = False,
        tags: Any = None,
        description: str | None = None,
        config: Any = None,
        capture_console: bool = False,
        run_id: str | None = None,
        monitor_system: bool = False,
        monitor_interval: float = 5.0,
        server: str | None = None,
        token: str | None = None,
    ) -> None:
        check_names(project, name, run_id)
        if monitor_system:
            from .monitor import check_interval

            monitor_interval = check_interval(monitor_interval)  # refused before any file is written
        self.project = project
        self.name = name
        self.storage_root, root_source = resolve_storage_root_source(storage)
        self.id = run_id or layout.new_run_id()
        self.run_dir = layout.run_dir(self.storage_root, project, name, self.id)
        resuming = self.run_dir.is_dir()
        # Every write below goes through this guard: a full, read-only or vanished disk is
        # reported once per kind and never raised into the training loop (issue #15.2).
        self._disk = DiskGuard(self.run_dir)
        self._disk.attempt("the run directory", lambda: self.run_dir.mkdir(parents=True, exist_ok=True))
        self._docs = RunDocuments(self.run_dir, self._disk)  # meta.json and status.json

        self._pid = os.getpid()
        self._lock = threading.Lock()  # primary-metric state
        self._finish_lock = threading.Lock()  # only ever taken inside lifecycle.critical()
        self._meta_lock = threading.Lock()
        self._summary_lock = threading.Lock()
        self._closed = False
        self._forked = False
        self._warned_keys: set[str] = set()
        self._counter = itertools.count(1)  # the next automatic global_step
        self._primary: tuple[str, str] | None = None
        self._best: tuple[Any, int] | None = None
        self._summary: dict[str, Any] = {}
        self._summary_dirty = False
        self.summary = RunSummary(self)
        self._held: dict[str, Any] | None = None  # values logged with commit=False, not yet written
        self._console: Any = None
        self._env_thread: threading.Thread | None = None
        self._monitor: Any = None

        old_meta = read_json(self.run_dir / layout.META_FILE) if resuming else None
        old_meta = old_meta if isinstance(old_meta, dict) else {}
        self._created_at = old_meta.get("created_at") or _time()
        self._tags = tag_list(list(old_meta.get("tags") or []) + tag_list(tags))
        self._description = description if description is not None else old_meta.get("description")
        if resuming:
            old_summary = read_json(self.run_dir / layout.SUMMARY_FILE)
            self._summary = old_summary if isinstance(old_summary, dict) else {}
            # The writer puts a file a killed process left mid-line back on a fresh line.
            self._counter = itertools.count(last_global_step(self.run_dir / layout.EVENTS_FILE) + 1)

        self._write_meta()
        self._started_at = _time()
        self._docs.write(layout.STATUS_FILE, {"status": "running", "started_at": self._started_at})
        old_config = read_json(self.run_dir / layout.CONFIG_FILE) if resuming else None
        initial = dict(old_config) if isinstance(old_config, dict) else {}
        initial.update(config_dict(config))
        self.config = RunConfig(self.run_dir / layout.CONFIG_FILE, initial, disk=self._disk)
        if config is not None:
            self.config.update()

        self._writer = RunWriter(self.run_dir, name=self.id, disk=self._disk)
        self._events = self._writer.events
        self._wake_at = self._writer.wake_at
        self._writer.add_after_drain(self._write_summary_if_dirty)
        self._writer.add_after_drain(self._docs.retry_refused)
        self._writer.add_after_drain(self.config.save_if_refused)
        lifecycle.register(self)
        # Before the console capture starts: the line is not part of the run's log.
        say_where(self.project, self.name, self.id, self.run_dir, self.storage_root, root_source, resuming)
        if capture_console:
            from .console import ConsoleCapture

            self._console = ConsoleCapture(self._writer.logs.append)
            self._console.start()
        if capture_env:
            from .environment import start_capture

            try:
                cwd: str | None = os.getcwd()
            except OSError:  # the working directory was removed
                cwd = None
            self._env_thread = start_capture(self.run_dir, cwd, disk=self._disk)
        if monitor_system:
            from .monitor import SystemMonitor

            # Samples go into the writer's queue with the current step (see runicorn.monitor).
            self._monitor = SystemMonitor(self._events.append, lambda: self.global_step, monitor_interval,
                                          name=self.id)
            self._monitor.start()
        self._uploader: Any = None
        if server or os.environ.get("RUNICORN_SERVER_URL"):  # runicorn.sync is imported only when used
            from .sync import start_uploader

            self._uploader = start_uploader(self, server, token)

    # ---- logging -------------------------------------------------------------------------
    def log(self, data: Mapping[str, Any] | None = None, *, step: int | None = None, stage: Any = None,
            commit: bool | None = None, **kwargs: Any) -> None:
        """Record scalar metrics, e.g. ``run.log({"loss": 0.1, "acc": 0.9}, stage="train")``.

        ``global_step`` counts up by one per call starting at 1; pass ``step=`` to set it (later
        calls continue from there). A ``step``/``global_step``/``time`` key in ``data`` is ignored
        and a ``stage`` key acts like ``stage=``. ``commit=False`` holds the values back, as in
        W&B: they join the next committed call's step (a later value of the same key wins), and
        finishing the run writes what is still held. The call only queues the event: a background
        thread writes it within ~0.25 s, and every exit path writes what is still queued.
        """
        ts = _time()
        if data is None:
            payload = kwargs
        else:
            payload = dict(data)  # a copy: the caller may reuse or mutate its dict
            if kwargs:
                payload.update(kwargs)
        if commit is False or self._held is not None:
            if commit is False and stage is not None:
                payload["stage"] = stage  # held with the values; the committing call's stage= wins
            payload = self._hold(payload, commit is False)
            if payload is None:
                return
        if "stage" in payload:
            value = payload.pop("stage")
            if stage is None:
                stage = value
        if "step" in payload or "global_step" in payload or "time" in payload:
            for key in ("step", "global_step", "time"):
                payload.pop(key, None)
        simple = True
        for value in payload.values():
            kind = type(value)
            if (kind is float and value - value == 0.0) or kind is int:
                continue
            payload, simple = clean_metrics(payload, self._warned_keys)
            break
        if stage is not None and type(stage) is not str:
            stage = str(stage)
        if self._closed:
            self._closed_error()
            return
        # No lock: next() on itertools.count and deque.append are atomic under the GIL, so
        # concurrent threads still get distinct steps and whole events.
        if step is None:
            gstep = next(self._counter)
        else:
            gstep = self._jump_to(step)
        if simple:
            self._events.append((ts, gstep, payload, stage))
        else:
            data_out = dict(payload, global_step=gstep, time=ts)
            if stage is not None:
                data_out["stage"] = stage
            self._events.append(event_line({"ts": ts, "type": "metrics", "data": data_out}))
        if self._primary is not None:
            self._track_best(payload, gstep)
        if len(self._events) >= self._wake_at:
            self._writer.pressure()

    def _hold(self, payload: dict[str, Any], hold: bool) -> dict[str, Any] | None:
        # commit=False: keep the values for the next committed call; that call gets them merged
        # under its own (its keys win). Off the hot path: only taken while something is held.
        with lifecycle.critical(), self._lock:
            held = self._held or {}
            held.update(payload)
            if hold:
                self._held = held
                return None
            self._held = None
            return held

    def _commit_held(self) -> None:
        if self._held is not None and not self._closed:
            self.log({})

    def _jump_to(self, step: Any) -> int:
        try:
            gstep = int(step)
        except (TypeError, ValueError):
            gstep = next(self._counter)
            logger.warning("runicorn: invalid step %r, used %d", step, gstep)
            return gstep
        self._counter = itertools.count(gstep + 1)
        return gstep

    def _track_best(self, payload: dict[str, Any], step: int) -> None:
        metric, mode = self._primary  # type: ignore[misc]
        value = payload.get(metric)
        if value is None or type(value) not in (int, float):
            return
        best = self._best
        if best is None or (value > best[0] if mode == "max" else value < best[0]):
            self._best = (value, step)
            self._summary_dirty = True  # written by the writer thread after its next drain

    def _closed_error(self) -> None:
        if self._forked:
            if "<fork>" not in self._warned_keys:
                self._warned_keys.add("<fork>")
                logger.warning("runicorn: run %s belongs to pid %d; calls in this child are ignored", self.id,
                               self._pid)
            return
        raise RuntimeError(f"run {self.id} is finished; call runicorn.init() to start a new run")

    def log_text(self, text: str) -> None:
        """Append ``text`` to logs.txt as ``HH:MM:SS | text`` lines (one per line of ``text``)."""
        if self._closed:
            self._closed_error()
            return
        from .console import format_log_line

        now = _time()
        lines = str(text).split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
        for line in lines:
            self._writer.logs.append(format_log_line(line, now))

    def log_image(self, key: str, image: Any, step: int | None = None, caption: str | None = None) -> str:
        """Save an image under media/ and record an ``image`` event; returns ``media/<file>``
        (``""`` when the disk refused it: reported once on stderr, training goes on).

        ``image``: a file path (copied), PNG/JPEG bytes, a PIL image, a matplotlib ``Figure``
        (rendered to PNG by matplotlib), or a numpy array (uint8 H x W / H x W x 3 / H x W x 4, or
        floats in 0..1). Arrays are written as PNG, by Pillow when installed, otherwise by a
        built-in encoder.
        """
        if self._closed:
            self._closed_error()
            return ""
        from .media import save_image

        saved: list[str] = []
        if not self._disk.attempt(f"an image for {key!r}", lambda: saved.append(
                save_image(image, self.run_dir / layout.MEDIA_DIR, key)), only_inside=self.storage_root):
            return ""
        rel = f"{layout.MEDIA_DIR}/{saved[0]}"
        event = {"ts": _time(), "type": "image", "data": {"key": key, "path": rel, "step": step, "caption": caption}}
        self._events.append(event_line(event))
        return rel

    def log_histogram(self, key: str, values: Any, step: int | None = None, bins: int = 64) -> None:
        """Store the distribution of ``values`` (numbers, a numpy array or a tensor) at ``step``
        (default: the current global step) as ``bins`` equal-width buckets in histograms.jsonl
        (:mod:`runicorn.histograms`); the run page charts it over the steps."""
        if self._closed:
            self._closed_error()
            return
        from . import histograms

        doc = histograms.record(key, values, self.global_step if step is None else int(step), bins)
        try:
            histograms.append(self.run_dir, doc)
        except OSError as exc:  # a full or vanished disk must not stop training
            logger.error("runicorn: could not write histogram %r of run %s: %s", key, self.id, exc)

    def get_logging_handler(self, level: int = logging.INFO, fmt: str | None = None) -> logging.Handler:
        """A ``logging.Handler`` writing records of ``level`` and above into logs.txt, formatted with
        ``fmt`` (default ``"%(levelname)s %(name)s: %(message)s"``):
        ``logging.getLogger().addHandler(run.get_logging_handler())``."""
        from .loghandler import RunLogHandler

        return RunLogHandler(self, level, fmt)

    def set_primary_metric(self, name: str, mode: str = "max") -> None:
        """Track the best value of metric ``name`` (``mode`` "max" or "min") in summary.json.

        summary.json gets best_metric_value/name/step/mode soon after each improvement.
        """
        if mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
        with self._lock:
            self._primary = (str(name), mode)
            self._best = None

    def _merge_summary(self, update: Mapping[str, Any]) -> None:
        # Behind run.summary(...), run.summary[k] = v and run.summary.update(...) (RunSummary).
        if not isinstance(update, Mapping):
            raise TypeError("summary() takes a mapping, e.g. run.summary({'test_acc': 0.93})")
        with lifecycle.critical(), self._summary_lock:
            self._summary.update({str(k): plain(v) for k, v in update.items()})
        self._write_summary()

    def _drop_summary(self, key: str) -> None:
        with lifecycle.critical(), self._summary_lock:
            del self._summary[key]
        self._write_summary()

    def _summary_doc(self) -> dict[str, Any]:
        doc = dict(self._summary)
        best, primary = self._best, self._primary
        if best is not None and primary is not None:
            doc.update(best_metric_value=best[0], best_metric_name=primary[0], best_metric_step=best[1],
                       best_metric_mode=primary[1])
        return doc

    def _write_summary(self) -> None:
        with lifecycle.critical(), self._summary_lock:
            self._summary_dirty = False
            doc = self._summary_doc()
            if not self._disk.attempt(layout.SUMMARY_FILE,
                                      lambda: atomic_write_json(self.run_dir / layout.SUMMARY_FILE, doc)):
                self._summary_dirty = True  # tried again after the next drain, when space may be back

    def _write_summary_if_dirty(self) -> None:
        if self._summary_dirty:
            self._write_summary()

    def add_tags(self, *tags: str) -> None:
        """Add tags (duplicates ignored) and rewrite meta.json atomically."""
        with self._meta_lock:
            self._tags = tag_list(self._tags + tag_list(tags))
            self._write_meta()

    @property
    def tags(self) -> list[str]:
        """The run's tags, as stored in meta.json."""
        return list(self._tags)

    @property
    def description(self) -> str | None:
        """The description given to ``init()``, as stored in meta.json."""
        return self._description

    @property
    def global_step(self) -> int:
        """The step of the last ``log()`` call (0 before the first)."""
        # Peek without advancing: repr is "count(<next>)" (count's pickle support is going away).
        return int(repr(self._counter)[6:-1]) - 1

    def _write_meta(self) -> None:
        meta = {
            "id": self.id,
            "project": self.project,
            "name": self.name,
            "created_at": self._created_at,
            "python": sys.version.split(" ")[0],
            "platform": f"{platform.system()} {platform.release()} ({platform.machine()})",
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "storage_dir": str(self.storage_root),
            "tags": self._tags,
            "description": self._description,
        }
        self._docs.write(layout.META_FILE, meta)

    # ---- artifacts -----------------------------------------------------------------------
    def log_artifact(self, artifact: Any, aliases: Any = ("latest",)) -> int:
        """Save a :class:`runicorn.Artifact` as its next version, created by this run; returns the
        version number. ``latest`` always moves to it; other ``aliases`` move to it too.

        When the storage root refuses the files (full, read-only) it returns 0 and says so once on
        stderr; training goes on. A missing source file still raises: that is the caller's error.
        """
        from .artifacts import runlink

        versions: list[int] = []
        self._disk.attempt(f"artifact {getattr(artifact, 'name', '?')!r}",
                           lambda: versions.append(runlink.log_artifact(self, artifact, aliases=aliases)),
                           only_inside=self.storage_root)
        return versions[0] if versions else 0

    def use_artifact(self, spec: str, type: str | None = None) -> Any:  # noqa: A002
        """Load ``"name:latest"``, ``"name:v3"`` or ``"name:<alias>"``, record that this run used it,
        and return the :class:`runicorn.Artifact` (``.download()`` copies out verified files)."""
        from .artifacts import runlink

        return runlink.use_artifact(self, spec, type=type)

    # ---- ending --------------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything queued so far (events, log lines, a changed summary) now."""
        self._writer.drain()

    def finish(self, status: str = "finished") -> None:
        """Write everything queued, then set status.json (``finished``, ``failed`` or ``interrupted``).

        Calling it again does nothing.
        """
        if status not in _FINAL_STATUSES:
            raise ValueError(f"status must be one of {_FINAL_STATUSES}, got {status!r}")
        self._close_for_exit(status, None, None)

    def _close_for_exit(self, status: str, exit_reason: str | None, error: str | None) -> None:
        if os.getpid() != self._pid:
            return
        # critical(): a signal arriving meanwhile waits for this to end instead of re-entering it.
        with lifecycle.critical():
            self._commit_held()  # values held by commit=False become the run's last step
            with self._finish_lock:
                if self._closed:
                    return
                self._closed = True
            try:
                if self._console is not None:
                    self._console.stop()
                if self._monitor is not None:
                    self._monitor.stop()  # before the writer closes: its last sample is written
                if self._env_thread is not None:
                    self._env_thread.join(timeout=5.0)
                self._writer.close()
                self._docs.forget(layout.STATUS_FILE)  # the final status replaces a refused "running"
                if self._summary_dirty:
                    self._write_summary()
                current = read_json(self.run_dir / layout.STATUS_FILE)
                doc = dict(current) if isinstance(current, dict) else {"started_at": self._started_at}
                doc.update(status=status, ended_at=_time())
                if exit_reason:
                    doc["exit_reason"] = exit_reason
                if error:
                    doc["error"] = error
                self._docs.write(layout.STATUS_FILE, doc)
            except OSError as exc:
                # Anything else the disk refused on the way out: tracking must not crash training.
                self._disk.failed("the run's last files", exc)
            finally:
                lifecycle.unregister(self)
                lifecycle.forget_active(self)
        uploader, self._uploader = self._uploader, None
        if uploader is not None:
            # The team server gets the final files, within a bound; outside critical() so that a
            # second Ctrl-C ends the wait (what is left stays local for `runicorn sync`).
            from .sync import finish_timeout

            uploader.finish(finish_timeout())

    def _detach_after_fork(self) -> None:
        self._closed = True
        self._uploader = None  # the parent's thread: a child never uploads the parent's run
        self._forked = True
        if self._monitor is not None:
            self._monitor.detach()
        if self._console is not None:
            for tee in self._console._tees.values():
                tee.detach_copy()
        self._writer.detach_after_fork()

    def _record_traceback(self, exc_type: Any, exc: Any, tb: Any) -> None:
        # With capture_console the printed traceback reaches logs.txt through the tee already.
        if self._closed or self._console is not None:
            return
        import traceback

        self.log_text("".join(traceback.format_exception(exc_type, exc, tb)).rstrip("\n"))

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.finish("finished")
        elif issubclass(exc_type, KeyboardInterrupt):
            self._close_for_exit("interrupted", "keyboard_interrupt", None)
        else:
            self._record_traceback(exc_type, exc, tb)
            self._close_for_exit("failed", "exception", f"{exc_type.__name__}: {exc}"[:2000])

    def __repr__(self) -> str:
        return f"<runicorn.Run {self.project}/{self.name}/{self.id}>"

