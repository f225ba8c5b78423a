"""``runicorn sync``: upload the runs under some paths that a team server lacks (idempotent, resumable).

    runicorn sync [PATH ...] [--server URL] [--token T] [--watch]
    runicorn sync --status [PATH ...]

A run whose files have not changed since it was last fully uploaded is skipped without asking the
server, so a second ``sync`` sends nothing. Others resume where the server's copy ends.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from .. import layout
from ..progress import ProgressBar, human_bytes
from . import server_from_env
from . import state as state_file
from .transport import Refused, Unreachable, check_server_url
from .uploader import RunUploader

RETRIES = 6  # per run, while the server cannot be reached (without --watch)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sync", help="upload runs to a team server (what it lacks; resumable)")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="storage roots, project folders or run folders (default: the storage root)")
    p.add_argument("--server", default=None, help="team server URL (default: RUNICORN_SERVER_URL)")
    p.add_argument("--token", default=None, help="API token (default: RUNICORN_API_TOKEN)")
    p.add_argument("--watch", action="store_true", help="keep following the paths and upload what changes")
    p.add_argument("--interval", type=float, default=10.0, metavar="SECONDS",
                   help="with --watch: seconds between rounds (default: 10)")
    p.add_argument("--status", action="store_true", help="list what is not yet fully on the server; exit 1 if any")
    p.set_defaults(func=run)


def find_runs(paths: Iterable[Path]) -> List[Path]:
    """Run directories under storage roots, project or experiment folders, or given directly."""
    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if layout.is_valid_run_id(path.name) and path.parent.name == layout.RUNS_DIR:
            candidates = [path]
        elif (path / layout.RUNS_DIR).is_dir():  # <root>/<project>/<name>
            candidates = [p for p in sorted((path / layout.RUNS_DIR).iterdir())
                          if layout.is_valid_run_id(p.name) and p.is_dir()]
        else:
            candidates = [loc.path for loc in layout.iter_run_dirs(path)]
            if not candidates:  # <root>/<project>
                candidates = [loc.path for loc in layout.iter_run_dirs(path.parent, only_projects=[path.name])]
        for candidate in candidates:
            found.setdefault(str(candidate), candidate)
    return sorted(found.values(), key=lambda p: p.name)


def _default_paths(paths: List[str]) -> List[Path]:
    if paths:
        return [Path(p) for p in paths]
    from ..config import resolve_storage_root

    return [Path(resolve_storage_root(None))]


def _server(args: argparse.Namespace, runs: List[Path]) -> Optional[str]:
    server, _ = server_from_env(args.server, None)
    if server:
        return check_server_url(server)
    for run_dir in runs:  # the server the job itself uploaded to
        for url in state_file.servers_of(run_dir):
            return url
    return None


def up_to_date(run_dir: Path, server: str) -> bool:
    st = state_file.load(run_dir, server)
    return bool(st.signature) and st.signature == state_file.signature(run_dir)


def sync_run(run_dir: Path, server: str, token: Optional[str], bar: ProgressBar, base: int, total: int,
             patient: bool) -> Tuple[int, Optional[str]]:
    """Upload one run until the server holds it all: (bytes sent, error or None)."""
    uploader = RunUploader(run_dir, server, token, warn=lambda message: print(f"\n{message}", file=sys.stderr))
    final = state_file.is_final(run_dir)
    failures = 0
    try:
        while True:
            try:
                uploader.step(final=final, budget=0.5)
            except Unreachable as exc:
                failures += 1
                if failures > RETRIES and not patient:
                    return uploader.bytes_sent, f"cannot reach {server} ({exc})"
                time.sleep(min(10.0, 0.25 * 2 ** failures) * random.uniform(0.5, 1.5))
                continue
            except Refused as exc:
                return uploader.bytes_sent, f"refused by the server ({exc})"
            done = base + uploader.bytes_sent
            bar(done, max(total, done))
            if uploader.caught_up:
                uploader.save()
                return uploader.bytes_sent, None
    finally:
        uploader.save()
        uploader.close()


def sync_all(runs: List[Path], server: str, token: Optional[str], patient: bool = False,
             quiet_when_idle: bool = False) -> Tuple[int, int, int, List[Tuple[Path, str]]]:
    """(runs uploaded, runs already up to date, bytes sent, failures)."""
    todo = [r for r in runs if not up_to_date(r, server)]
    skipped = len(runs) - len(todo)
    if not todo:
        return 0, skipped, 0, []
    total = sum(state_file.pending_bytes(r, state_file.load(r, server)) for r in todo)
    bar = ProgressBar(f"Uploading {len(todo)} runs to {server}")
    sent = 0
    failed: List[Tuple[Path, str]] = []
    for index, run_dir in enumerate(todo, 1):
        bar.label = f"Run {index}/{len(todo)} {run_dir.name}"
        nbytes, error = sync_run(run_dir, server, token, bar, sent, total, patient)
        sent += nbytes
        if error:
            failed.append((run_dir, error))
    bar.close()
    return len(todo) - len(failed), skipped, sent, failed


def status(runs: List[Path], server: Optional[str]) -> int:
    pending_any = False
    for run_dir in runs:
        servers = state_file.servers_of(run_dir)
        wanted = {server: servers.get(server, state_file.ServerState())} if server else servers
        if not wanted:
            print(f"{run_dir.name}  {run_dir.parent.parent.parent.name}/{run_dir.parent.parent.name}: never uploaded")
            pending_any = True
            continue
        for url, st in wanted.items():
            missing = describe_pending(run_dir, st)
            label = f"{run_dir.name}  {run_dir.parent.parent.parent.name}/{run_dir.parent.parent.name} -> {url}"
            if missing:
                pending_any = True
                print(f"{label}: not yet uploaded: {', '.join(missing)}")
            else:
                print(f"{label}: complete" if st.complete else f"{label}: uploaded so far (run still going)")
    if not runs:
        print("no runs found")
    return 1 if pending_any else 0


def describe_pending(run_dir: Path, st: state_file.ServerState) -> List[str]:
    import hashlib
    import os

    from .artifacts import pending_versions

    out = []
    for name in (layout.EVENTS_FILE, layout.LOGS_FILE):
        try:
            size = os.stat(run_dir / name).st_size
        except OSError:
            continue
        if size > st.offsets.get(name, 0):
            out.append(f"{name} {human_bytes(size - st.offsets.get(name, 0))}")
    for name in state_file.TRACKED[2:]:
        try:
            digest = hashlib.sha256((run_dir / name).read_bytes()).hexdigest()
        except OSError:
            continue
        if st.documents.get(name) != digest:
            out.append(name)
    try:
        media = [e for e in os.scandir(run_dir / layout.MEDIA_DIR) if e.is_file() and not e.name.startswith(".")]
    except OSError:
        media = []
    unsent = [e.name for e in media if st.media.get(e.name) != e.stat().st_size]
    if unsent:
        out.append(f"{len(unsent)} media files")
    versions = pending_versions(run_dir, st)
    if versions:
        out.append(f"{len(versions)} artifact versions")
    return out


def run(args: argparse.Namespace) -> int:
    paths = _default_paths(args.paths)
    for path in paths:
        if not path.expanduser().exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    runs = find_runs(paths)
    try:
        server = _server(args, runs)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.status:
        return status(runs, server)
    if server is None:
        print("error: no server given: pass --server https://runicorn.example:8443 or set RUNICORN_SERVER_URL",
              file=sys.stderr)
        return 2
    _, token = server_from_env(None, args.token)
    if not args.watch:
        started = time.monotonic()
        return _report(*sync_all(runs, server, token), seconds=time.monotonic() - started)
    print(f"Following {', '.join(str(p) for p in paths)}; uploading changes to {server} every {args.interval:g} s "
          "(Ctrl-C stops)", file=sys.stderr)
    try:
        while True:
            uploaded, _, sent, failed = sync_all(find_runs(paths), server, token, patient=False)
            if uploaded or failed:
                print(f"{time.strftime('%H:%M:%S')} uploaded {uploaded} runs ({human_bytes(sent)})"
                      + (f", {len(failed)} waiting: {failed[0][1]}" if failed else ""), file=sys.stderr)
            time.sleep(max(0.5, args.interval))
    except KeyboardInterrupt:
        return 0


def _report(uploaded: int, skipped: int, sent: int, failed: List[Tuple[Path, str]], seconds: float) -> int:
    print(f"Synced {uploaded} runs, {skipped} already up to date, {len(failed)} failed; sent {human_bytes(sent)} "
          f"({sent} bytes) in {seconds:.1f} s")
    for run_dir, error in failed:
        print(f"  {run_dir}: {error}", file=sys.stderr)
    if failed:
        print("Run `runicorn sync` again to retry (it resumes where the server's copy ends).", file=sys.stderr)
    return 1 if failed else 0
