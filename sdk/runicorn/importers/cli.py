"""``runicorn import``: one subcommand, three forms.

    runicorn import tensorboard LOGDIR [--project P]
    runicorn import mlflow PATH_OR_TRACKING_URI [--experiment NAME] [--project P]
    runicorn import ARCHIVE.zip [--mode merge|isolate]        (a `runicorn export` archive)

Every form takes ``--storage ROOT`` (default: ``RUNICORN_DIR``, the user config, ``./.runicorn``)
and is idempotent: what was imported before is skipped, so a second run adds nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, List, Optional

from ..config import resolve_storage_root
from ..progress import ProgressBar
from .runwriter import ImportedRun, imported_keys, write_run

FORMS = ("tensorboard", "mlflow")


def _storage(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--storage", default=None, help="storage root (default: RUNICORN_DIR, config, ./.runicorn)")


def _tensorboard_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="runicorn import tensorboard",
                                description="Import every directory of TensorBoard event files below LOGDIR as a run.")
    p.add_argument("logdir", help="a TensorBoard log directory (the one you would give `tensorboard --logdir`)")
    p.add_argument("--project", default="tensorboard", help="project of the imported runs (default: tensorboard)")
    _storage(p)
    return p


def _mlflow_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="runicorn import mlflow",
                                description="Import MLflow runs (params, metrics, tags, status, artifacts).")
    p.add_argument("source", help="an mlruns directory or a tracking URI (http://host:5000, sqlite:///mlflow.db)")
    p.add_argument("--experiment", default=None, help="only this experiment (default: all of them)")
    p.add_argument("--project", default=None, help="project of the imported runs (default: the experiment's name)")
    _storage(p)
    return p


def _write_all(root: Path, tool: str, label: str, items: List[Any], read: Callable[[Any], Optional[ImportedRun]],
               key_of: Callable[[Any], str], after: Optional[Callable[[Any, Path, ImportedRun], None]] = None) -> int:
    done = imported_keys(root, tool)
    bar = ProgressBar(label)
    imported = skipped = 0
    try:
        for index, item in enumerate(items, 1):
            if key_of(item) in done:
                skipped += 1
            else:
                run = read(item)
                if run is None:
                    skipped += 1
                else:
                    run_dir = write_run(root, run)
                    if after is not None:
                        after(item, run_dir, run)
                    done.add(run.key)
                    imported += 1
            bar(index, len(items))
    finally:
        bar.close()
    print(f"Imported {imported} run(s) into {root}; skipped {skipped} (imported before, or empty).")
    return 0


def _import_tensorboard(argv: List[str]) -> int:
    from . import tensorboard

    args = _tensorboard_parser().parse_args(argv)
    logdir = Path(args.logdir)
    if not logdir.is_dir():
        print(f"error: {logdir} is not a directory; give the folder TensorBoard reads (--logdir)", file=sys.stderr)
        return 2
    root = resolve_storage_root(args.storage)
    plan = tensorboard.plan(logdir)
    if not plan:
        print(f"No TensorBoard event files (events.out.tfevents.*) below {logdir}.", file=sys.stderr)
        return 1
    return _write_all(root, tensorboard.TOOL, "tensorboard", plan,
                      lambda item: tensorboard.read_run(logdir, item[0], args.project, item[1]),
                      lambda item: str(item[0].resolve()))


def _import_mlflow(argv: List[str]) -> int:
    from . import mlflow

    args = _mlflow_parser().parse_args(argv)
    root = resolve_storage_root(args.storage)
    client = mlflow._client(args.source)
    uri = mlflow.tracking_uri(args.source)
    items = [(exp, r) for exp in mlflow.experiments(client, args.experiment)
             for r in mlflow.runs(client, [exp.experiment_id])]

    def after(item: Any, run_dir: Path, run: ImportedRun) -> None:
        mlflow.copy_artifacts(client, item[1].info.run_id, mlflow.artifact_target(run_dir, root), run.name)

    return _write_all(root, mlflow.TOOL, "mlflow", items,
                      lambda item: mlflow.read_run(client, args.source, item[1], item[0].name, args.project),
                      lambda item: f"{uri}#{item[1].info.run_id}", after)


def _cmd_import(args: argparse.Namespace) -> int:
    rest: List[str] = list(args.rest)
    if args.what is None:
        if args.archive is None:
            print("error: say what to import: tensorboard LOGDIR, mlflow URI, or an archive file", file=sys.stderr)
            return 2
        args.what = args.archive
    if args.early_storage is not None:
        rest += ["--storage", args.early_storage]
    if args.what == "tensorboard":
        return _import_tensorboard(rest)
    if args.what == "mlflow":
        return _import_mlflow(rest)
    from ..archives.cli import import_archive

    return import_archive([args.what, *rest])


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import", help="import runs: `import tensorboard LOGDIR`, `import mlflow URI`, or `import ARCHIVE.zip`",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", metavar="tensorboard|mlflow|ARCHIVE", nargs="?", help="the source kind, or an archive file")
    # The reference 0.5 form, `runicorn import --archive FILE [--storage ROOT]`, options before the rest.
    p.add_argument("--archive", help=argparse.SUPPRESS)
    p.add_argument("--storage", dest="early_storage", help=argparse.SUPPRESS)
    p.add_argument("rest", nargs=argparse.REMAINDER, help="the form's own arguments (`runicorn import mlflow -h`)")
    p.set_defaults(func=_cmd_import)
