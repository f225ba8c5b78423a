"""``runicorn export ... -o FILE`` and ``runicorn import FILE [--mode merge|isolate]``: run archives."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, List

from ..config import resolve_storage_root
from ..manifest.cli import ProgressBar
from . import apply, check, export, legacy
from .members import InvalidArchive


def _cmd_export(args: argparse.Namespace) -> int:
    root = resolve_storage_root(args.storage)
    runs = export.select_runs(root, args.project, args.name, args.run_id or (), args.include_deleted)
    if not runs:
        print(f"No runs under {root} match; check --project/--name/--run-id (`runicorn export -h`).", file=sys.stderr)
        return 1
    plan = export.plan_export(root, runs)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    bar = ProgressBar("export")
    # Written beside the target and renamed at the end: an interrupted export leaves no half archive.
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            export.write_archive(plan, fh, bar)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    finally:
        bar.close()
    print(f"Exported {len(runs)} run(s) and {len(plan.versions)} artifact version(s) to {out} "
          f"({out.stat().st_size} bytes).")
    return 0


def add_export_parser(sub: Any) -> None:
    p = sub.add_parser("export", help="write runs (and the artifact versions they made or used) into a ZIP archive",
                       description="Write runs into a ZIP archive that `runicorn import FILE` reads back.")
    p.add_argument("--project", help="only runs of this project")
    p.add_argument("--name", help="only runs of this experiment name")
    p.add_argument("--run-id", action="append", metavar="ID", help="only this run (repeat for more)")
    p.add_argument("--include-deleted", action="store_true", help="also runs in the recycle bin")
    p.add_argument("-o", "--output", "--out", required=True, help="the archive to write (e.g. runs.zip)")
    p.add_argument("--storage", default=None, help="storage root (default: RUNICORN_DIR, config, ./.runicorn)")
    p.set_defaults(func=_cmd_export)


def import_archive(argv: List[str]) -> int:
    p = argparse.ArgumentParser(prog="runicorn import", description="Import a `runicorn export` archive.")
    p.add_argument("archive", help="the ZIP file (or a .tar.gz made by Runicorn 0.5's `runicorn export`)")
    p.add_argument("--mode", choices=apply.MODES, default="merge",
                   help="merge: runs back into their projects (default); isolate: into one new project")
    p.add_argument("--project", default=None, help="the project of --mode isolate (default: imported-<file name>)")
    p.add_argument("--dry-run", action="store_true", help="only show what would be imported")
    p.add_argument("--storage", default=None, help="storage root (default: RUNICORN_DIR, config, ./.runicorn)")
    args = p.parse_args(argv)
    path = Path(args.archive)
    if not path.is_file():
        print(f"error: {path} is not a file; give an archive made by `runicorn export -o FILE`", file=sys.stderr)
        return 2
    root = resolve_storage_root(args.storage)
    with tempfile.TemporaryDirectory(prefix="runicorn-import-") as tmp:
        try:
            if legacy.is_tar(path):  # a 0.5.x `runicorn export` (.tar.gz): read through our format
                converted = Path(tmp) / "converted.zip"
                legacy.tar_to_zip(path, converted)
                path = converted
            contents = check.check_archive(path)
        except InvalidArchive as exc:
            print(f"error: refused {args.archive}: {exc}. Nothing was written.", file=sys.stderr)
            return 1
        return _import_checked(args, root, path, contents)


def _import_checked(args: argparse.Namespace, root: Path, path: Path, contents: check.ArchiveContents) -> int:
    project = args.project or (apply.isolate_project(Path(args.archive).name) if args.mode == "isolate" else None)
    plan = apply.preview(root, contents, args.mode, project)
    for conflict in plan.conflicts:
        print(f"skipped: {conflict.get('run') or conflict.get('artifact')}: {conflict['reason']}")
    if args.dry_run:
        print(f"Would import {len(plan.new_runs)} run(s) and {len(plan.new_versions)} artifact version(s); "
              f"{len(plan.duplicate_runs)} run(s) already present.")
        return 0
    root.mkdir(parents=True, exist_ok=True)
    bar = ProgressBar("import")
    try:
        summary = apply.apply(root, path, contents, plan, bar)
    finally:
        bar.close()
    print(f"Imported {summary['imported_runs']} run(s) and {summary['imported_versions']} artifact version(s) "
          f"into {root}; skipped {len(plan.duplicate_runs)} run(s) already present.")
    return 0
