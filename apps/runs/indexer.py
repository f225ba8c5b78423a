"""Keeps the ``Run`` rows in step with the run directories under the storage root.

``sync_index`` is the reconcile: a scandir walk plus a few stats per run; only runs whose change
token moved are re-read. ``sync_locations`` re-reads the runs a file event pointed at. Both are
plain functions, called by the watcher thread and directly by tests.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, models, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from runicorn import layout, markers, records

from apps.common.paths import is_inside
from runicorn_site.dblocks import lock_in_transaction

from . import reading
from .models import IndexState, Run
from .rows import to_row

log = logging.getLogger(__name__)

_UPDATE_FIELDS = [
    f.name
    for f in Run._meta.get_fields()
    if getattr(f, "concrete", False) and f.name not in ("id", "run_id", "indexed_at")
]
_BATCH = 500
# A scan with more runs to write than this commits them in chunks of this many: a first index of
# a big root fills in while it is built (lists answer from the first chunk on, in a second or two)
# instead of appearing all at once minutes later.
COMMIT_CHUNK = 2000
# With at least this many runs to read (a first index of a big root), worker processes read the
# files while this thread writes (apps/runs/reading.py).
PARALLEL_READ_MIN = 5000
# Every write to the index takes this lock (PostgreSQL: an advisory lock for the transaction), so
# viewer processes, request threads and Celery workers never interleave their upserts (no deadlocks)
# and a write based on an older read of the disk never lands after a newer one (no lost status).
INDEX_WRITE_LOCK = "runicorn:index-write"

# Sent inside the indexer's transaction after each batch upsert, with ``rows`` = the Run instances
# just written (pks set), so tables derived from Run (apps.experiments' query facets) stay in step.
runs_saved = Signal()


@dataclass
class Progress:
    """Where the scan under way is (``/api/health`` shows it): runs looked at of those found."""

    active: bool = False
    scanned: int = 0
    total: int = 0
    written: int = 0
    started_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, object]:
        with self.lock:
            return {
                "active": self.active,
                "scanned": self.scanned,
                "total": self.total,
                "written": self.written,
                "fraction": round(self.scanned / self.total, 4) if self.total else (0.0 if self.active else 1.0),
                "seconds": round(time.time() - self.started_at, 1) if self.active and self.started_at else 0.0,
            }


progress = Progress()


@dataclass
class SyncStats:
    scanned: int = 0
    updated: int = 0
    removed: int = 0
    orphaned: int = 0
    seconds: float = 0.0
    changed_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.updated or self.removed)


def _reap_if_orphaned(rec: records.RunRecord, now: float) -> bool:
    """Mark a dead ``running`` run as failed on disk and in ``rec``; True when it was."""
    if not records.is_orphaned(rec, now):
        return False
    try:
        status = markers.mark_process_not_found(Path(rec.run_dir), now)
    except OSError as exc:  # read-only storage: report in the index anyway
        log.warning("cannot write status.json of %s: %s", rec.run_id, exc)
        status = {"ended_at": now}
    rec.status = "failed"
    rec.exit_reason = "process_not_found"
    rec.ended_at = status.get("ended_at", now)
    rec.fingerprint = records.fingerprint(Path(rec.run_dir))[0]
    return True


def _upsert_sql() -> tuple[str, list[models.Field]]:  # type: ignore[type-arg]
    """``INSERT ... ON CONFLICT (run_id) DO UPDATE`` for every column but ``id`` (SQLite ≥ 3.24
    and PostgreSQL spell it alike); ``indexed_at`` is set on insert only, as before."""
    quote = connection.ops.quote_name
    fields = [f for f in Run._meta.concrete_fields if f.name != "id"]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    updates = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in fields if f.name in _UPDATE_FIELDS)
    table = quote(Run._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({quote('run_id')}) DO UPDATE SET {updates}"  # noqa: S608 - model names only
    return sql, fields


def _save(rows: list[Run]) -> None:
    """Upsert ``rows`` with one ``executemany`` per batch. ``bulk_create`` did the same work with
    Django's per-field SQL compilation, about a third of a 100,000-run index build; the values
    here are the fields' own ``get_db_prep_save`` where the column needs it (JSON, datetime)."""
    if not rows:
        return
    sql, fields = _upsert_sql()
    now = timezone.now()
    prepared = [isinstance(f, (models.JSONField, models.DateTimeField)) for f in fields]
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        values = []
        for row in batch:
            row.indexed_at = now
            values.append(
                tuple(
                    f.get_db_prep_save(getattr(row, f.attname), connection) if prep else getattr(row, f.attname)
                    for f, prep in zip(fields, prepared, strict=True)
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
        # The receivers (query facets) need the rows' primary keys.
        pks = dict(Run.objects.filter(run_id__in=[r.run_id for r in batch]).values_list("run_id", "pk"))
        for row in batch:
            row.pk = pks.get(row.run_id)
        runs_saved.send(sender=Run, rows=batch)


@contextmanager
def _roomy_page_cache(rows: int) -> Iterator[None]:
    """A bigger SQLite page cache while many rows are written. Each run lands in a dozen B-trees
    (the run indexes, its query facets) at scattered keys; with the default 2 MB cache SQLite
    writes and re-reads the same pages again and again (a 100,000-run build: 1.5 GB written for
    a 300 MB database). The default comes back afterwards, so the memory is returned."""
    if rows < 1000 or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")  # KiB: 64 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def bump_generation() -> None:
    state, _ = IndexState.objects.get_or_create(pk=1)
    IndexState.objects.filter(pk=state.pk).update(generation=F("generation") + 1)


def current_generation() -> str:
    """An opaque token that changes whenever any row of the index changes."""
    row = IndexState.objects.filter(pk=1).values_list("epoch", "generation").first()
    return f"{row[0]}-{row[1]}" if row else "empty"


def ensure_root(root: Path) -> None:
    """Forget the index when it describes another root (the user switched storage roots)."""
    state, _ = IndexState.objects.get_or_create(pk=1)
    if state.root != str(root):
        with transaction.atomic():
            Run.objects.all().delete()
            IndexState.objects.filter(pk=1).update(root=str(root), generation=F("generation") + 1)


def _reread_if_written_meanwhile(pending: list[Run], known: dict[str, str], generation: str) -> list[Run]:
    """Under the write lock: rows that another writer changed since ``known`` was read are read
    from the disk again, so this scan's older view of them never overwrites a newer one."""
    if not pending or current_generation() == generation:
        return pending  # nobody wrote the index meanwhile (every write bumps the generation)
    current: dict[str, str] = {}
    for start in range(0, len(pending), _BATCH):
        ids = [row.run_id for row in pending[start : start + _BATCH]]
        current.update(Run.objects.filter(run_id__in=ids).values_list("run_id", "fingerprint"))
    fresh = []
    for row in pending:
        if current.get(row.run_id) != known.get(row.run_id):
            loc = layout.RunLocation(row.project, row.name, row.run_id, Path(row.run_dir))
            if not loc.path.is_dir():
                continue
            reread = to_row(records.read_run(loc))
            if reread is None:
                continue
            row = reread
        fresh.append(row)
    return fresh


class _Containment:
    """Which run directories resolve inside the root; each one outside is logged once per process.

    A run directory (or a project or name folder above it) can be a symlink planted by anyone who
    writes into the root; following it would index, and then serve, files from anywhere. Real
    paths of the parent folders are remembered for one pass, so a run costs one ``lstat``.
    """

    _logged: set[str] = set()

    def __init__(self, root: Path) -> None:
        self.real_root = os.path.realpath(root)
        self.parents: dict[str, str] = {}

    def inside(self, path: Path) -> bool:
        parent, name = os.path.split(os.fspath(path))
        real_parent = self.parents.get(parent)
        if real_parent is None:
            real_parent = self.parents[parent] = os.path.realpath(parent)
        full = os.path.join(real_parent, name)
        real = os.path.realpath(full) if os.path.islink(full) else full
        if is_inside(real, self.real_root):
            return True
        if str(path) not in self._logged:
            self._logged.add(str(path))
            log.warning("run directory %s resolves to %s, outside the storage root %s: not indexed",
                        path, real, self.real_root)
        return False


def sync_index(root: Path, *, full: bool = False) -> SyncStats:
    """Reconcile the whole index with ``root``. ``full`` re-reads every run regardless of tokens."""
    started = time.monotonic()
    ensure_root(root)
    generation = current_generation()
    stats = SyncStats()
    now = time.time()
    known = dict(Run.objects.values_list("run_id", "fingerprint"))
    known_dirs = dict(Run.objects.values_list("run_id", "run_dir"))
    seen: set[str] = set()
    pending: list[Run] = []
    locations = list(layout.iter_run_dirs(root))  # the walk is quick; the total gives the progress
    with progress.lock:
        progress.active, progress.scanned, progress.total, progress.written = True, 0, len(locations), 0
        progress.started_at = now
    containment = _Containment(root)
    try:
        to_read: list[layout.RunLocation] = []
        for loc in locations:
            if not containment.inside(loc.path):
                _count_scanned()
                continue
            if loc.run_id in seen:
                log.warning("duplicate run id %s at %s ignored", loc.run_id, loc.path)
                _count_scanned()
                continue
            seen.add(loc.run_id)
            stats.scanned += 1
            # A run not in the index yet is read whole anyway (read_run takes its token itself).
            if not full and loc.run_id in known:
                token, _ = records.fingerprint(loc.path)
                if known[loc.run_id] == token and known_dirs.get(loc.run_id) == str(loc.path):
                    _count_scanned()
                    continue
            to_read.append(loc)
        for rec in reading.read_runs(to_read, reading.workers_for(len(to_read), PARALLEL_READ_MIN)):
            _count_scanned()
            if _reap_if_orphaned(rec, now):
                stats.orphaned += 1
            row = to_row(rec)
            if row is not None:
                pending.append(row)
                stats.changed_ids.append(rec.run_id)
            if len(pending) >= COMMIT_CHUNK:
                generation = _write_chunk(pending, known, generation, stats)
                pending = []
        gone = [run_id for run_id in known if run_id not in seen]
        with transaction.atomic():
            lock_in_transaction(INDEX_WRITE_LOCK)
            _write_pending(pending, known, generation, stats)
            if gone:
                for start in range(0, len(gone), _BATCH):
                    Run.objects.filter(run_id__in=gone[start : start + _BATCH]).delete()
            stats.removed = len(gone)
            if pending or gone:
                bump_generation()
            IndexState.objects.filter(pk=1).update(last_full_scan=now, runs_indexed=len(seen))
    finally:
        with progress.lock:
            progress.active = False
    stats.changed_ids.extend(gone)
    stats.seconds = time.monotonic() - started
    return stats


def _count_scanned() -> None:
    with progress.lock:
        progress.scanned += 1


def _write_pending(pending: list[Run], known: dict[str, str], generation: str, stats: SyncStats) -> None:
    """Upsert ``pending`` (caller holds the write lock in a transaction)."""
    pending = _reread_if_written_meanwhile(pending, known, generation)
    with _roomy_page_cache(len(pending)):
        _save(pending)
    stats.updated += len(pending)
    with progress.lock:
        progress.written += len(pending)


def _write_chunk(pending: list[Run], known: dict[str, str], generation: str, stats: SyncStats) -> str:
    """Commit one chunk of a long scan; the generation after it (this scan's own writes are no
    reason to read its runs again, another writer's are)."""
    with transaction.atomic():
        lock_in_transaction(INDEX_WRITE_LOCK)
        _write_pending(pending, known, generation, stats)
        bump_generation()
        return current_generation()


def sync_locations(root: Path, locations: Iterable[layout.RunLocation]) -> SyncStats:
    """Re-read the given runs (from file events): upsert those that exist, drop those that don't."""
    stats = SyncStats()
    now = time.time()
    pending: list[Run] = []
    gone: list[str] = []
    containment = _Containment(root)
    with transaction.atomic():
        # The files are read under the lock: whoever writes last has also read the disk last.
        lock_in_transaction(INDEX_WRITE_LOCK)
        for loc in {loc.run_id: loc for loc in locations}.values():
            stats.scanned += 1
            if not loc.path.is_dir() or not containment.inside(loc.path):
                gone.append(loc.run_id)
                continue
            rec = records.read_run(loc)
            _reap_if_orphaned(rec, now)
            row = to_row(rec)
            if row is not None:
                pending.append(row)
        unchanged = dict(
            Run.objects.filter(run_id__in=[r.run_id for r in pending]).values_list("run_id", "fingerprint")
        )
        pending = [r for r in pending if unchanged.get(r.run_id) != r.fingerprint]
        _save(pending)
        # delete()[0] would also count rows of other tables removed by the cascade.
        _, per_model = Run.objects.filter(run_id__in=gone, run_dir__in=[str(l.path) for l in locations]).delete()
        removed = per_model.get(Run._meta.label, 0)
        stats.updated, stats.removed = len(pending), removed
        if stats.changed:
            bump_generation()
    stats.changed_ids = [r.run_id for r in pending] + gone
    return stats


def reap_orphans(root: Path) -> SyncStats:
    """Check the processes of runs indexed as ``running``; dead ones become ``failed``."""
    running = Run.objects.filter(status="running", deleted=False).values_list(
        "run_id", "project", "name", "run_dir", "hostname", "pid", "created_at"
    )
    now = time.time()
    dead = []
    for run_id, project, name, run_dir, hostname, pid, created_at in running:
        loc = layout.RunLocation(project, name, run_id, Path(run_dir))
        rec = records.RunRecord(
            run_id=run_id, project=project, name=name, run_dir=run_dir,
            hostname=hostname, pid=pid, created_at=created_at,
        )
        rec.last_write = records.fingerprint(loc.path)[1] or None
        if records.is_orphaned(rec, now):
            dead.append(loc)
    if not dead:
        return SyncStats(scanned=len(running))
    for loc in dead:
        try:
            markers.mark_process_not_found(loc.path, now)
        except OSError as exc:
            log.warning("cannot write status.json of %s: %s", loc.run_id, exc)
    stats = sync_locations(root, dead)
    stats.scanned = len(running)  # checked: every running run, not only the dead ones re-read
    stats.orphaned = len(dead)
    return stats
