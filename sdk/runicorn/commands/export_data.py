"""``runicorn export-data``: one run's metrics as a CSV, Excel, Markdown or HTML file."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path

from .. import layout, metrics_export
from ..progress import ProgressBar, human_bytes
from .common import CliError, add_command, add_storage_argument, find_run, handles_errors, storage_root

EXAMPLES = """
  runicorn export-data --run-id 20250101_120000_a1b2c3
      writes ./20250101_120000_a1b2c3_metrics.csv
  runicorn export-data --run-id 20250101_120000_a1b2c3 --format excel --output loss.xlsx
  runicorn export-data --run-id 20250101_120000_a1b2c3 --output -   | head
      CSV on standard output, for pipes
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "export-data", "export a run's metrics to CSV, Excel, Markdown or HTML", EXAMPLES,
                    description="Export a run's metrics as a table: step, time, stage, then one column per "
                                "metric, one row per logged step. Excel needs openpyxl (pip install openpyxl).")
    add_storage_argument(p)
    p.add_argument("--run-id", required=True, help="the run to export")
    p.add_argument("--format", choices=metrics_export.FORMATS, default="csv", help="file format (default: csv)")
    p.add_argument("--output", default=None, metavar="PATH",
                   help="file to write, '-' for standard output (default: <run_id>_metrics.<ext> here)")
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    root = storage_root(args)
    loc = find_run(root, args.run_id)
    events = loc.path / layout.EVENTS_FILE
    title = f"{loc.project}/{loc.name} {loc.run_id}"
    if args.output == "-":
        if args.format == "excel":
            raise CliError("Excel is a binary file: give --output FILE.xlsx", 2)
        metrics_export.write_table(events, sys.stdout.buffer, args.format, title)
        sys.stdout.flush()
        return 0
    ext = metrics_export.EXTENSIONS[args.format]
    target = Path(args.output or f"{loc.run_id}_metrics.{ext}").expanduser().resolve()
    if target.is_dir():
        target = target / f"{loc.run_id}_metrics.{ext}"
    if not target.parent.is_dir():
        raise CliError(f"cannot write {target}: the directory {target.parent} does not exist")
    # Written beside the target and renamed: an interrupted export never leaves half a file there.
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    bar = ProgressBar(f"Exporting {loc.run_id}")
    try:
        with open(tmp, "wb") as out:
            metrics_export.write_table(events, out, args.format, title, progress=bar)
        os.replace(tmp, target)
    except metrics_export.ExportUnavailable as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        bar.close()
        if tmp.exists():
            tmp.unlink()
    if not events.exists():
        print(f"note: run {loc.run_id} has no events.jsonl yet; the table has its header only", file=sys.stderr)
    print(f"Exported metrics of {title} to {target} ({human_bytes(target.stat().st_size)})")
    return 0
