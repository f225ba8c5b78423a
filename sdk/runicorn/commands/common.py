"""What every ``runicorn`` subcommand shares: the storage root option, finding a run, errors and
their exit codes, confirmation prompts and the help layout with examples."""

from __future__ import annotations

import argparse
import functools
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Callable, List, Optional

from .. import layout, records
from ..config import resolve_storage_root

# Exit codes: 0 done, 1 the work failed or found nothing to act on, 2 the command line is wrong
# (argparse uses 2 as well), 130 interrupted (Ctrl+C).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A failure the user can act on: printed as ``error: <message>`` with ``code`` as exit status."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def handles_errors(fn: Handler) -> Handler:
    """Turn :class:`CliError` and Ctrl+C into a message on stderr and an exit code, not a traceback."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except CliError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.code
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            return EXIT_INTERRUPTED

    return wrapper


def add_command(
    sub: Any, name: str, help: str, examples: str, description: Optional[str] = None
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with its examples, laid out as written."""
    return sub.add_parser(  # type: ignore[no-any-return]
        name,
        help=help,
        # The examples keep their layout, so the formatter does not wrap: the description is wrapped here.
        description=textwrap.fill(description or help[:1].upper() + help[1:] + ".", 79),
        epilog="examples:\n" + examples.strip("\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_storage_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--storage", default=None, metavar="PATH",
        help="storage root (default: RUNICORN_DIR, then the user config, then ./.runicorn)",
    )


def storage_root(args: argparse.Namespace, must_exist: bool = True) -> Path:
    root = resolve_storage_root(getattr(args, "storage", None))
    if must_exist and not root.is_dir():
        raise CliError(
            f"storage root {root} does not exist; pass --storage PATH, set RUNICORN_DIR, "
            "or `runicorn config --set-user-root PATH`"
        )
    return root


def find_run(root: Path, run_id: str) -> layout.RunLocation:
    """The run ``run_id`` under ``root``, or a CliError that says how to find the right id."""
    if not layout.is_valid_run_id(run_id):
        raise CliError(f"invalid run id {run_id!r}: expected YYYYMMDD_HHMMSS_<6 hex>, e.g. 20250101_120000_a1b2c3",
                       EXIT_USAGE)
    for loc in layout.iter_run_dirs(root):
        if loc.run_id == run_id:
            return loc
    raise CliError(f"run {run_id} not found under {root}; `runicorn manage --action search` lists the runs")


def find_runs(root: Path, run_ids: List[str]) -> List[layout.RunLocation]:
    """Each of ``run_ids`` under ``root`` with one walk of the root; CliError naming the missing ones."""
    bad = [r for r in run_ids if not layout.is_valid_run_id(r)]
    if bad:
        raise CliError(f"invalid run id(s): {', '.join(bad)} (expected YYYYMMDD_HHMMSS_<6 hex>)", EXIT_USAGE)
    wanted = set(run_ids)
    found = {loc.run_id: loc for loc in layout.iter_run_dirs(root) if loc.run_id in wanted}
    missing = [r for r in dict.fromkeys(run_ids) if r not in found]
    if missing:
        raise CliError(f"run(s) not found under {root}: {', '.join(missing)}")
    return [found[r] for r in dict.fromkeys(run_ids)]


def confirm(question: str, hint: str = "add --force") -> bool:
    """Ask yes/no on the terminal; a non-interactive stdin is a refusal, never a hang or a crash."""
    if not sys.stdin.isatty():
        raise CliError(f"refusing to ask for confirmation without a terminal; {hint}", EXIT_USAGE)
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def is_alive(rec: records.RunRecord) -> bool:
    """Whether the run's process may still be writing (the viewer's rule: not orphaned)."""
    return rec.status == "running" and not rec.deleted and not records.is_orphaned(rec, time.time())
