"""``runicorn generate-manifest``: publish a sync manifest for the runs under a root (cron, systemd)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..progress import ProgressBar, human_bytes
from .generator import ManifestGenerator
from .models import ManifestType

__all__ = ["ProgressBar", "add_parser", "run"]

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("generate-manifest", help="write a sync manifest of the runs under a root (server side)")
    p.add_argument("--root", default=".", help="storage root to describe (default: the current directory)")
    p.add_argument("--output", default=None, help="manifest path (default: <root>/.runicorn/<type>_manifest.json)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--active", action="store_true", help="only runs written to within --active-window")
    kind.add_argument("--full", action="store_true", help="every run (the default)")
    p.add_argument("--active-window", type=int, default=3600, metavar="SECONDS",
                   help="what counts as active, in seconds (default: 3600)")
    p.add_argument("--no-incremental", action="store_true", help="re-read every run instead of only changed ones")
    p.add_argument("--verbose", "-v", action="store_true", help="log each step")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    root = Path(args.root).expanduser().resolve()
    if not root.is_dir():
        print(f"error: storage root {root} is not a directory", file=sys.stderr)
        return 1
    if args.active_window <= 0:
        print("error: --active-window must be a positive number of seconds", file=sys.stderr)
        return 2
    manifest_type = ManifestType.ACTIVE if args.active else ManifestType.FULL
    bar = ProgressBar(f"Scanning runs ({manifest_type.value})")
    generator = ManifestGenerator(
        remote_root=root,
        active_window_seconds=args.active_window,
        incremental=not args.no_incremental,
        progress=bar,
    )
    output = Path(args.output).expanduser().resolve() if args.output else None
    try:
        manifest, path = generator.generate(manifest_type, output_path=output)
    except KeyboardInterrupt:
        bar.close()
        print("interrupted; the previous manifest is unchanged", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        bar.close()
        print(f"error: manifest generation failed: {exc}", file=sys.stderr)
        return 1
    bar.close()
    scan = generator.last_scan
    rule = "-" * 60
    print(rule)
    print(f"Manifest written ({manifest_type.value})")
    print(rule)
    print(f"  file:          {path}")
    print(f"  gzip copy:     {path.name}.gz")
    print(f"  revision:      {manifest.revision}")
    print(f"  snapshot id:   {manifest.snapshot_id}")
    print(f"  runs:          {manifest.total_experiments}")
    print(f"  files:         {manifest.total_files}")
    print(f"  total size:    {human_bytes(manifest.total_bytes)}")
    print(f"  re-read runs:  {scan.rescanned} ({scan.reused} unchanged since the last scan)")
    print(f"  took:          {scan.seconds:.2f} s")
    print(rule)
    return 0
