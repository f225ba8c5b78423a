"""The ``runicorn`` command line: ``viewer`` and ``config`` (more commands join as they land)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import config as user_config


def _cmd_viewer(args: argparse.Namespace) -> int:
    try:
        from runicorn_site.launch import run_viewer
    except ImportError:
        print(
            "The viewer is not installed in this environment. From a checkout run `make run`, "
            "or install the server package (`pip install .` at the repository root).",
            file=sys.stderr,
        )
        return 2
    return run_viewer(host=args.host, port=args.port, storage=args.storage)


def _cmd_config(args: argparse.Namespace) -> int:
    if args.set_user_root:
        path = user_config.set_user_root_dir(args.set_user_root)
        print(f"user_root_dir set to {path}")
    if args.show or not args.set_user_root:
        print(user_config.describe())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runicorn", description="Runicorn experiment tracking")
    sub = parser.add_subparsers(dest="command", required=True)

    viewer = sub.add_parser("viewer", help="start the web viewer and API server")
    viewer.add_argument("--host", default="127.0.0.1")
    viewer.add_argument("--port", type=int, default=23300)
    viewer.add_argument("--storage", default=None, help="storage root (default: RUNICORN_DIR, config, ./.runicorn)")
    viewer.set_defaults(func=_cmd_viewer)

    cfg = sub.add_parser("config", help="show or change the user configuration")
    cfg.add_argument("--show", action="store_true", help="print the configuration")
    cfg.add_argument("--set-user-root", metavar="PATH", help="set the default storage root")
    cfg.set_defaults(func=_cmd_config)

    from .manifest.cli import add_parser as add_manifest_parser

    add_manifest_parser(sub)
    from .importers.cli import add_parser as add_import_parser

    add_import_parser(sub)
    from .archives.cli import add_export_parser

    add_export_parser(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
