"""The ``runicorn`` command line: ``viewer`` and ``config`` (more commands join as they land)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import List, Optional

from . import __distribution__, __version__
from . import config as user_config

NO_VIEWER = (
    "The viewer is not installed here: this environment has the SDK only ({dist} {version}), which is "
    "all a training job needs. Runs are written to {root}.\n"
    "To see them, run the viewer where the viewer is installed and point it at that root: from a "
    "checkout of the Runicorn repository, `make run` (or `pip install .` at its root, then "
    "`runicorn viewer --storage PATH`). For a root on another machine, use the viewer's Remote page "
    "(over SSH) or copy the root."
)


def viewer_installed() -> bool:
    """Whether the viewer (the ``runicorn_site`` Django project) can be imported here."""
    try:
        return importlib.util.find_spec("runicorn_site") is not None
    except (ImportError, ValueError):
        return False


def _cmd_viewer(args: argparse.Namespace) -> int:
    if not viewer_installed():
        print(NO_VIEWER.format(dist=__distribution__, version=__version__, root=user_config.resolve_storage_root()),
              file=sys.stderr)
        return 2
    from runicorn_site.launch import run_viewer

    return run_viewer(host=args.host, port=args.port, storage=args.storage, log_level=args.log_level)


def _cmd_config(args: argparse.Namespace) -> int:
    if args.set_user_root:
        path = user_config.set_user_root_dir(args.set_user_root)
        print(f"user_root_dir set to {path}")
    if args.show or not args.set_user_root:
        print(user_config.describe())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runicorn", description="Runicorn experiment tracking")
    parser.add_argument("--version", action="version",
                        version=f"{__distribution__} {__version__} (writes the Runicorn 0.5.x file layout)")
    # metavar: the usage line lists no command that is not installed (see `viewer` below).
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # In an SDK-only environment `viewer` stays callable (it says how to get the viewer) but is
    # not offered in --help: a subcommand added without help= is left out of the list.
    shown = {"help": "start the web viewer and API server"} if viewer_installed() else {}
    viewer = sub.add_parser("viewer", **shown)
    viewer.add_argument("--host", default="127.0.0.1")
    viewer.add_argument("--port", type=int, default=23300)
    viewer.add_argument("--storage", default=None,
                        help="storage root (default: RUNICORN_DIR, the user config, an existing ./.runicorn, "
                             "then the per-user default)")
    viewer.add_argument("--log-level", type=str.upper, choices=("DEBUG", "INFO", "WARNING", "ERROR"), default=None,
                        help="logging level (default: INFO, or RUNICORN_LOG_LEVEL)")
    viewer.set_defaults(func=_cmd_viewer)

    cfg = sub.add_parser("config", help="show or change the user configuration")
    cfg.add_argument("--show", action="store_true", help="print the configuration")
    cfg.add_argument("--set-user-root", metavar="PATH", help="set the default storage root")
    cfg.set_defaults(func=_cmd_config)

    from .manifest.cli import add_parser as add_manifest_parser

    add_manifest_parser(sub)
    from .sync.cli import add_parser as add_sync_parser

    add_sync_parser(sub)
    from .importers.cli import add_parser as add_import_parser

    add_import_parser(sub)

    from .commands import artifacts, delete, export_data, manage, rate_limit

    export_data.add_parser(sub)
    manage.add_parser(sub)
    artifacts.add_parser(sub)
    rate_limit.add_parser(sub)
    delete.add_parser(sub)
    from .archives.cli import add_export_parser

    add_export_parser(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
