"""``runicorn delete``: remove runs for good, with what only they created (Runicorn 0.7's command).

Nothing is removed before the plan is shown: ``--dry-run`` prints it and stops, otherwise the user
confirms (or passes ``--force``). A run whose process is still alive is never touched — deleting
the directory under a training job would break it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Set, Tuple

from .. import layout, markers, records
from ..artifacts import housekeeping
from ..artifacts import paths as artifact_paths
from ..artifacts.runlink import read_entries
from ..progress import ProgressBar, human_bytes
from .common import (
    EXIT_FAILED,
    CliError,
    add_command,
    add_storage_argument,
    confirm,
    find_runs,
    handles_errors,
    is_alive,
    storage_root,
)

EXAMPLES = """
  runicorn delete --run-id 20250101_120000_a1b2c3 --dry-run
      show what would be removed, remove nothing
  runicorn delete --run-id 20250101_120000_a1b2c3 --run-id 20250102_090000_d4e5f6
      ask, then remove both runs
  runicorn delete --deleted --with-artifacts --force
      empty the recycle bin, with the artifact versions only those runs made, without asking
"""

Key = Tuple[str, str, int]  # an artifact version: (type, name, version)


@dataclass
class Plan:
    runs: List[records.RunRecord] = field(default_factory=list)
    sizes: Dict[str, int] = field(default_factory=dict)
    alive: List[str] = field(default_factory=list)  # ids of runs whose process is running
    orphans: List[Key] = field(default_factory=list)  # versions made by these runs, used by no other
    makers: Dict[Key, str] = field(default_factory=dict)  # the run that made each of them


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "delete", "permanently delete runs and the artifacts only they made", EXAMPLES,
                    description="Permanently delete runs (their whole directory). Unlike `runicorn manage "
                                "--action delete` (the recycle bin), this cannot be undone.")
    add_storage_argument(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--run-id", dest="run_ids", action="append", metavar="RUN_ID",
                       help="a run to delete (repeat for several)")
    which.add_argument("--deleted", action="store_true", help="every run in the recycle bin")
    p.add_argument("--with-artifacts", action="store_true",
                   help="also delete artifact versions these runs created that no other run uses")
    p.add_argument("--dry-run", action="store_true", help="show what would be deleted, delete nothing")
    p.add_argument("--force", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


def _dir_size(path: Path) -> int:
    total = 0
    for base, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(base, name)).st_size
            except OSError:
                continue
    return total


def make_plan(root: Path, run_ids: List[str], from_bin: bool) -> Plan:
    everything = list(layout.iter_run_dirs(root))
    if from_bin:
        chosen = [loc for loc in everything if (loc.path / layout.DELETED_MARKER).exists()]
    else:
        chosen = find_runs(root, run_ids)
    plan = Plan()
    chosen_ids = {loc.run_id for loc in chosen}
    for loc in chosen:
        rec = records.read_run(loc)
        if is_alive(rec):
            plan.alive.append(rec.run_id)
            continue
        plan.runs.append(rec)
        plan.sizes[rec.run_id] = _dir_size(loc.path)
    for rec in plan.runs:
        for e in read_entries(Path(rec.run_dir), layout.ARTIFACTS_CREATED_FILE):
            plan.makers[(e["type"], e["name"], e["version"])] = rec.run_id
    if plan.makers:
        used: Set[Key] = set()
        for loc in everything:
            if loc.run_id not in chosen_ids or loc.run_id in plan.alive:
                used.update((e["type"], e["name"], e["version"])
                            for e in read_entries(loc.path, layout.ARTIFACTS_USED_FILE))
        plan.orphans = [key for key in plan.makers if key not in used and _version_exists(root, key)]
    return plan


def _version_exists(root: Path, key: Key) -> bool:
    try:
        return (artifact_paths.version_dir(root, *key) / artifact_paths.METADATA_FILE).is_file()
    except ValueError:  # a name in a run's artifacts file that is no valid artifact name
        return False


def _print_plan(plan: Plan, with_artifacts: bool) -> None:
    for rec in plan.runs:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rec.created_at)) if rec.created_at else "?"
        bin_note = "  (in the recycle bin)" if rec.deleted else ""
        print(f"  {rec.run_id}  {rec.project}/{rec.name}  {rec.status}  {when}  "
              f"{human_bytes(plan.sizes[rec.run_id])}{bin_note}")
    for run_id in plan.alive:
        print(f"  {run_id}  skipped: its process is still running (finish or stop it first)")
    if plan.orphans:
        verb = "deleted with them" if with_artifacts else "kept (add --with-artifacts to delete them)"
        print(f"Artifact versions only these runs made, {verb}:")
        for type_, name, version in plan.orphans:
            print(f"  {type_}/{name}:v{version}")
    total = sum(plan.sizes.values())
    print(f"{len(plan.runs)} run(s), {human_bytes(total)}.")


@handles_errors
def run(args: argparse.Namespace) -> int:
    root = storage_root(args)
    plan = make_plan(root, args.run_ids or [], args.deleted)
    if not plan.runs:
        if plan.alive:
            _print_plan(plan, args.with_artifacts)
            raise CliError("nothing deleted: every run given is still running")
        print("Nothing to delete: the recycle bin is empty." if args.deleted else "Nothing to delete.")
        return 0
    print("Will permanently delete:" if not args.dry_run else "Would permanently delete:")
    _print_plan(plan, args.with_artifacts)
    if args.dry_run:
        print("Dry run: nothing was deleted.")
        return 0
    if not args.force and not confirm("Delete these runs for good? This cannot be undone.",
                                          "add --force (or --dry-run first)"):
        print("Cancelled: nothing was deleted.")
        return EXIT_FAILED
    failures = _execute(root, plan, args.with_artifacts)
    done = len(plan.runs) - len([f for f in failures if f[0] == "run"])
    print(f"Deleted {done} of {len(plan.runs)} run(s).")
    for _kind, what, why in failures:
        print(f"error: could not delete {what}: {why}", file=sys.stderr)
    return EXIT_FAILED if failures or plan.alive else 0


def _execute(root: Path, plan: Plan, with_artifacts: bool) -> List[Tuple[str, str, str]]:
    failures: List[Tuple[str, str, str]] = []
    steps = len(plan.runs) + (len(plan.orphans) if with_artifacts else 0)
    bar = ProgressBar("Deleting")
    done = 0
    try:
        kept: Set[str] = set()
        for rec in plan.runs:
            try:
                markers.remove_run_dir(Path(rec.run_dir))
            except OSError as exc:
                failures.append(("run", rec.run_id, exc.strerror or str(exc)))
                kept.add(rec.run_id)
            done += 1
            bar(done, steps)
        if with_artifacts:
            for key in plan.orphans:
                if plan.makers[key] in kept:  # its run is still there: so is what the run made
                    continue
                try:
                    housekeeping.delete_permanently(root, *key)
                except (OSError, ValueError) as exc:
                    failures.append(("artifact", f"{key[0]}/{key[1]}:v{key[2]}", str(exc)))
                done += 1
                bar(done, steps)
    finally:
        bar.close()
    return failures
