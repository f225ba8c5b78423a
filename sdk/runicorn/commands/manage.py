"""``runicorn manage``: tag runs, search them with the V2 query language, move them to the recycle
bin and back, and empty old runs out of the bin (the reference's ``manage``, working)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

from .. import layout, markers, records
from .common import (
    EXIT_FAILED,
    EXIT_USAGE,
    CliError,
    add_command,
    add_storage_argument,
    find_runs,
    handles_errors,
    is_alive,
    storage_root,
)

ACTIONS = ("tag", "search", "delete", "restore", "cleanup")
EXAMPLES = """
  runicorn manage --action search --query 'status = "finished" and summary.accuracy > 0.9'
  runicorn manage --action search --project vision --text resnet --limit 20
  runicorn manage --action tag --run-id 20250101_120000_a1b2c3 --tags baseline,paper
  runicorn manage --action tag --run-id 20250101_120000_a1b2c3 --remove-tags paper
  runicorn manage --action delete --run-id 20250101_120000_a1b2c3     (to the recycle bin)
  runicorn manage --action restore --run-id 20250101_120000_a1b2c3
  runicorn manage --action cleanup --days 30 --dry-run
      runs in the recycle bin for more than 30 days; without --dry-run they are deleted for good
"""
NO_VIEWER = (
    "--action search needs the viewer installed here: the V2 query language runs on the viewer's index "
    "(Django). Install the viewer (from a checkout: `pip install .` at the repository root), or search in the "
    "web UI or over the API (GET /api/v2/experiments?q=...) of a running viewer. "
    "--action tag, delete, restore and cleanup work without it."
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "manage", "manage runs: tag, search, delete (recycle bin), restore, cleanup", EXAMPLES)
    add_storage_argument(p)
    p.add_argument("--action", required=True, choices=ACTIONS, help="what to do")
    p.add_argument("--run-id", dest="run_ids", action="append", metavar="RUN_ID",
                   help="a run to act on (repeat for several); tag, delete, restore")
    p.add_argument("--tags", default=None, help="comma-separated tags to add (tag); runs with all of them (search)")
    p.add_argument("--remove-tags", default=None, help="comma-separated tags to remove (tag)")
    p.add_argument("--query", "-q", default=None,
                   help='V2 query, e.g. \'project = "vision" and summary.acc > 0.9\' (search)')
    p.add_argument("--project", default=None, help="only this project (search)")
    p.add_argument("--name", default=None, help="only this experiment name (search)")
    p.add_argument("--status", default=None, help="comma list of running, finished, failed, interrupted (search)")
    p.add_argument("--text", default=None, help="words to find in ids, names, tags, description (search)")
    p.add_argument("--include-deleted", action="store_true", help="also runs in the recycle bin (search)")
    p.add_argument("--limit", type=int, default=50, help="at most this many runs (search; default: 50, max 1000)")
    p.add_argument("--json", action="store_true", help="print the API's JSON answer instead of a table (search)")
    p.add_argument("--days", type=int, default=30, help="age in the recycle bin, in days (cleanup; default: 30)")
    p.add_argument("--dry-run", action="store_true", help="show what cleanup would delete, delete nothing")
    p.add_argument("--force", action="store_true", help="cleanup without asking")
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    root = storage_root(args)
    action = {"tag": _tag, "search": _search, "delete": _delete, "restore": _restore, "cleanup": _cleanup}
    return action[args.action](root, args)


def _comma_list(value: str | None) -> List[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _need_runs(args: argparse.Namespace) -> List[str]:
    if not args.run_ids:
        raise CliError(f"--action {args.action} needs --run-id RUN_ID (repeat it for several runs)", EXIT_USAGE)
    return args.run_ids


def _tag(root: Path, args: argparse.Namespace) -> int:
    add, remove = _comma_list(args.tags), set(_comma_list(args.remove_tags))
    if not add and not remove:
        raise CliError("--action tag needs --tags a,b (to add) or --remove-tags a,b (to remove)", EXIT_USAGE)
    for loc in find_runs(root, _need_runs(args)):
        rec = records.read_run(loc)
        tags = markers.set_tags(loc.path, [t for t in rec.tags if t not in remove] + add)
        print(f"{loc.run_id}: tags {', '.join(tags) if tags else '(none)'}")
        if is_alive(rec):
            print(f"note: {loc.run_id} is still running; if its code calls add_tags() later, the run's own tag "
                  "list replaces these (tag it again after it finishes)", file=sys.stderr)
    return 0


def _flip(root: Path, args: argparse.Namespace, to_bin: bool) -> int:
    failed = 0
    for loc in find_runs(root, _need_runs(args)):
        in_bin = (loc.path / layout.DELETED_MARKER).exists()
        if in_bin == to_bin:
            print(f"{loc.run_id}: {'already in the recycle bin' if to_bin else 'not in the recycle bin'}",
                  file=sys.stderr)
            failed += 1
            continue
        if to_bin:
            markers.write_deleted_marker(loc.path, markers.USER_DELETED, records.read_run(loc).status)
            print(f"{loc.run_id}: moved to the recycle bin (`--action restore` brings it back)")
        else:
            markers.remove_deleted_marker(loc.path)
            print(f"{loc.run_id}: restored")
    return EXIT_FAILED if failed else 0


def _delete(root: Path, args: argparse.Namespace) -> int:
    return _flip(root, args, to_bin=True)


def _restore(root: Path, args: argparse.Namespace) -> int:
    return _flip(root, args, to_bin=False)


def _cleanup(root: Path, args: argparse.Namespace) -> int:
    if args.days < 0:
        raise CliError("--days must be 0 or more", EXIT_USAGE)
    from . import delete

    cutoff = time.time() - args.days * 86400
    old = []
    for loc in layout.iter_run_dirs(root):
        rec = records.read_run(loc)
        if rec.deleted and (rec.deleted_at or 0) <= cutoff:
            old.append(loc.run_id)
    if not old:
        print(f"Nothing to clean up: no run has been in the recycle bin for more than {args.days} day(s).")
        return 0
    forwarded = argparse.Namespace(storage=str(root), run_ids=old, deleted=False, with_artifacts=False,
                                   dry_run=args.dry_run, force=args.force)
    return delete.run(forwarded)


def _search(root: Path, args: argparse.Namespace) -> int:
    try:
        import django  # noqa: F401 - the viewer's own dependency: absent in an SDK-only environment
        from apps.experiments import offline
    except ImportError:
        raise CliError(NO_VIEWER) from None
    params: Dict[str, str] = {"per_page": str(args.limit), "include_deleted": str(args.include_deleted).lower()}
    for key, value in (("q", args.query), ("project", args.project), ("name", args.name),
                       ("status", args.status), ("search", args.text), ("tags", args.tags)):
        if value is not None:
            params[key] = value
    try:
        answer = offline.search(root, params, on_indexing=lambda: _note(f"Bringing the index of {root} up to date..."))
    except offline.QueryError as exc:
        raise CliError(_explain(exc, args), EXIT_USAGE) from None
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    _print_table(answer)
    return 0


def _note(text: str) -> None:
    if sys.stderr.isatty():  # a first index of a big root takes a while: say what is happening
        print(text, file=sys.stderr, flush=True)


def _explain(exc: Any, args: argparse.Namespace) -> str:
    option = {"q": "--query", "search": "--text", "per_page": "--limit"}.get(exc.param, f"--{exc.param}")
    message = f"{option}: {exc}"
    if exc.param == "q" and exc.position is not None and args.query is not None:
        message += f"\n  {args.query}\n  {' ' * exc.position}^"
    return message


def _print_table(answer: Dict[str, Any]) -> None:
    rows = answer["experiments"]
    if not rows:
        print("No runs match.")
        return
    print(f"{'RUN ID':<22}  {'PROJECT/NAME':<30}  {'STATUS':<11}  {'CREATED':<16}  {'BEST':<20}  TAGS")
    for exp in rows:
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(exp["created_at"])) if exp["created_at"] else ""
        best = ""
        if exp.get("best_metric_value") is not None:
            best = f"{exp['best_metric_name']}={exp['best_metric_value']:.6g}"
        status = exp["status"] + ("*" if exp.get("deleted") else "")
        print(f"{exp['id']:<22}  {exp['project'] + '/' + exp['name']:<30}  {status:<11}  {created:<16}  "
              f"{best:<20}  {','.join(exp['tags'])}")
    more = f" (first {len(rows)}; raise --limit for more)" if answer["has_next"] else ""
    print(f"{answer['total']} run(s) match{more}." + ("  * in the recycle bin" if any(
        e.get("deleted") for e in rows) else ""))
