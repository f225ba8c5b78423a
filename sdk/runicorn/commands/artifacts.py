"""``runicorn artifacts``: list, inspect, download, alias and delete artifact versions on disk."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .. import layout, records
from ..artifacts import housekeeping, paths, store
from ..artifacts import records as rec
from ..artifacts.runlink import read_entries
from ..progress import ProgressBar, human_bytes
from .common import (
    EXIT_FAILED,
    EXIT_USAGE,
    CliError,
    add_command,
    add_storage_argument,
    handles_errors,
    is_alive,
    storage_root,
)

ACTIONS = ("list", "versions", "info", "download", "aliases", "delete", "restore", "stats")
EXAMPLES = """
  runicorn artifacts --action list --type model
  runicorn artifacts --action versions --name resnet50
  runicorn artifacts --action info --name resnet50 --version 3
  runicorn artifacts --action download --name resnet50 --alias production --output ./weights
  runicorn artifacts --action aliases --name resnet50 --alias production --version 3
      point "production" at v3 (without --alias/--version: show the aliases)
  runicorn artifacts --action delete --name resnet50 --version 2        (hidden, files kept)
  runicorn artifacts --action restore --name resnet50 --version 2
  runicorn artifacts --action delete --name resnet50 --version 2 --permanent
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "artifacts", "manage artifacts (models, datasets, ...): list, info, download, aliases, "
                                      "delete", EXAMPLES)
    add_storage_argument(p)
    p.add_argument("--action", required=True, choices=ACTIONS, help="what to do")
    p.add_argument("--name", default=None, help="artifact name")
    p.add_argument("--type", default=None, choices=paths.ARTIFACT_TYPES,
                   help="artifact type (default: found from the name)")
    p.add_argument("--version", default=None, help="version number, e.g. 3 or v3")
    p.add_argument("--alias", default=None, help="an alias such as latest or production (info, download, aliases)")
    p.add_argument("--output", default=None, metavar="DIR",
                   help="download into this directory (default: ./<name>_v<N>)")
    p.add_argument("--permanent", action="store_true",
                   help="delete the files for good instead of hiding the version")
    p.add_argument("--json", action="store_true", help="print JSON instead of text (list, versions, info)")
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    root = args.root = storage_root(args)
    handler = {"list": _list, "versions": _versions, "info": _info, "download": _download, "aliases": _aliases,
               "delete": _delete, "restore": _restore, "stats": _stats}[args.action]
    try:
        return handler(root, args)
    except paths.ArtifactNotFound as exc:
        raise CliError(f"{exc}; `runicorn artifacts --action list` shows what there is") from None
    except layout.InvalidName as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


# ---- reading --------------------------------------------------------------------------------
def iter_indexes(root: Path, type_: Optional[str] = None) -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    """(type, name, versions.json) of every artifact under ``root``, by type then name."""
    for t in [type_] if type_ else paths.ARTIFACT_TYPES:
        try:
            names = sorted(e.name for e in os.scandir(paths.artifacts_root(root) / t)
                           if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))
        except OSError:
            continue
        for name in names:
            index = rec.read_index(paths.artifacts_root(root) / t / name)
            if index is not None:
                yield t, name, index


def _deleted(root: Path, type_: str, name: str, version: int) -> bool:
    return rec.is_deleted(paths.version_dir(root, type_, name, version))


def _need_name(args: argparse.Namespace) -> Tuple[str, str]:
    if not args.name:
        raise CliError(f"--action {args.action} needs --name NAME", EXIT_USAGE)
    type_ = args.type or store.find_type(args.root, args.name)
    if type_ is None:
        raise paths.ArtifactNotFound(f"Artifact not found: {args.name}")
    return type_, args.name


def _pick_version(root: Path, args: argparse.Namespace, default_latest: bool = True) -> Tuple[str, str, int]:
    """(type, name, version) from --name with --version or --alias (``latest`` when neither)."""
    type_, name = _need_name(args)
    if args.version is not None:
        number = paths.parse_version(args.version)
        if number is None:
            raise CliError(f"--version {args.version!r} is not a version number such as 3 or v3", EXIT_USAGE)
        if not (paths.version_dir(root, type_, name, number) / paths.METADATA_FILE).is_file():
            raise paths.ArtifactNotFound(f"Version not found: {name}:v{number}")
        return type_, name, number
    if not args.alias and not default_latest:
        raise CliError(f"--action {args.action} needs --version N", EXIT_USAGE)
    return store.resolve(root, f"{name}:{args.alias or 'latest'}", type_)


def _when(ts: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""


def _list(root: Path, args: argparse.Namespace) -> int:
    rows = []
    for type_, name, index in iter_indexes(root, args.type):
        live = [v for v in index["versions"] if not _deleted(root, type_, name, v["version"])]
        if not live:
            continue
        rows.append({"name": name, "type": type_, "num_versions": len(live),
                     "latest_version": index["aliases"].get("latest", live[-1]["version"]),
                     "size_bytes": sum(v["size_bytes"] for v in live), "aliases": index["aliases"],
                     "updated_at": index["updated_at"]})
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No artifacts found." + ("" if args.type else " Runs save them with run.log_artifact(...)."))
    else:
        print(f"{'TYPE':<8}  {'NAME':<32}  {'VERSIONS':>8}  {'LATEST':>6}  {'SIZE':>10}  UPDATED")
        for r in rows:
            print(f"{r['type']:<8}  {r['name']:<32}  {r['num_versions']:>8}  v{r['latest_version']:<5}  "
                  f"{human_bytes(r['size_bytes']):>10}  {_when(r['updated_at'])}")
    return 0


def _versions(root: Path, args: argparse.Namespace) -> int:
    type_, name = _need_name(args)
    index = rec.read_index(paths.artifact_dir(root, type_, name)) or rec.new_index(name, type_)
    rows = [{**v, "aliases": rec.aliases_of(index, v["version"]),
             "deleted": _deleted(root, type_, name, v["version"])} for v in index["versions"]]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{type_}/{name}")
    print(f"  {'VERSION':<8}  {'CREATED':<16}  {'SIZE':>10}  {'FILES':>5}  {'RUN':<22}  ALIASES")
    for v in rows:
        state = "  (deleted)" if v["deleted"] else ""
        print(f"  v{v['version']:<7}  {_when(v['created_at']):<16}  {human_bytes(v['size_bytes']):>10}  "
              f"{v['num_files']:>5}  {v['created_by_run']:<22}  {', '.join(v['aliases'])}{state}")
    return 0


def _info(root: Path, args: argparse.Namespace) -> int:
    type_, name, version = _pick_version(root, args)
    vdir = paths.version_dir(root, type_, name, version)
    meta = rec.read_metadata(vdir) or {}
    manifest = rec.read_manifest(vdir)
    if args.json:
        print(json.dumps({"metadata": meta, "manifest": manifest}, indent=2))
        return 0
    print(f"{type_}/{name}:v{version}" + ("  (deleted)" if rec.is_deleted(vdir) else ""))
    for label, value in (("created", _when(meta.get("created_at"))), ("by run", meta.get("created_by_run")),
                         ("size", human_bytes(meta.get("size_bytes") or 0)), ("files", meta.get("num_files")),
                         ("aliases", ", ".join(meta.get("aliases") or [])), ("tags", ", ".join(meta.get("tags") or [])),
                         ("description", meta.get("description")), ("digest", meta.get("manifest_digest"))):
        if value not in (None, ""):
            print(f"  {label + ':':<13} {value}")
    if meta.get("metadata"):
        print(f"  {'metadata:':<13} {json.dumps(meta['metadata'])}")
    for entry in manifest["files"][:50]:
        print(f"    {entry['path']}  {human_bytes(entry['size'])}")
    if len(manifest["files"]) > 50:
        print(f"    ... and {len(manifest['files']) - 50} more (--json lists them all)")
    return 0


def _download(root: Path, args: argparse.Namespace) -> int:
    type_, name, version = _pick_version(root, args)
    target = Path(args.output or f"{name}_v{version}").expanduser().resolve()
    bar = ProgressBar(f"Downloading {name}:v{version}")
    try:
        dest = store.download(root, type_, name, version, target, progress=bar)
    except store.ArtifactCorrupted as exc:
        raise CliError(f"{exc}; the files in {target} are incomplete") from None
    finally:
        bar.close()
    print(f"Downloaded {name}:v{version} to {dest}")
    return 0


def _aliases(root: Path, args: argparse.Namespace) -> int:
    type_, name = _need_name(args)
    if args.alias is None and args.version is None:
        index = rec.read_index(paths.artifact_dir(root, type_, name)) or rec.new_index(name, type_)
        for alias, version in sorted(index["aliases"].items()):
            print(f"{alias} -> v{version}")
        if not index["aliases"]:
            print("No aliases.")
        return 0
    if args.alias is None or args.version is None:
        raise CliError("to move an alias give both --alias NAME and --version N", EXIT_USAGE)
    type_, name, version = _pick_version(root, argparse.Namespace(**{**vars(args), "alias": None}))
    try:
        housekeeping.move_alias(root, type_, name, args.alias, version)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    print(f"{name}:{args.alias} -> v{version}")
    return 0


def _running_users(root: Path, key: Tuple[str, str, int]) -> List[str]:
    users = []
    for loc in layout.iter_run_dirs(root):
        if not (loc.path / layout.ARTIFACTS_USED_FILE).is_file():
            continue
        if any((e["type"], e["name"], e["version"]) == key for e in read_entries(loc.path, layout.ARTIFACTS_USED_FILE)):
            if is_alive(records.read_run(loc)):
                users.append(loc.run_id)
    return users


def _delete(root: Path, args: argparse.Namespace) -> int:
    type_, name, version = _pick_version(root, args, default_latest=False)
    users = _running_users(root, (type_, name, version))
    if users:
        raise CliError(f"{name}:v{version} is in use by running run(s) {', '.join(users)}; delete it after they finish")
    if args.permanent:
        freed = housekeeping.delete_permanently(root, type_, name, version)
        print(f"Permanently deleted {type_}/{name}:v{version} ({human_bytes(freed.freed_bytes)} freed)")
        return 0
    if not housekeeping.soft_delete(root, type_, name, version):
        print(f"error: {name}:v{version} is already deleted", file=sys.stderr)
        return EXIT_FAILED
    print(f"Deleted {type_}/{name}:v{version} (files kept; `--action restore` brings it back)")
    return 0


def _restore(root: Path, args: argparse.Namespace) -> int:
    type_, name, version = _pick_version(root, args, default_latest=False)
    if not housekeeping.restore(root, type_, name, version):
        print(f"error: {name}:v{version} is not deleted", file=sys.stderr)
        return EXIT_FAILED
    print(f"Restored {type_}/{name}:v{version}")
    return 0


def _stats(root: Path, args: argparse.Namespace) -> int:
    by_type: Dict[str, List[int]] = {}
    for type_, name, index in iter_indexes(root, args.type):
        live = [v for v in index["versions"] if not _deleted(root, type_, name, v["version"])]
        counts = by_type.setdefault(type_, [0, 0, 0])
        counts[0] += 1 if live else 0
        counts[1] += len(live)
        counts[2] += sum(v["size_bytes"] for v in live)
    if args.json:
        print(json.dumps({t: {"artifacts": c[0], "versions": c[1], "size_bytes": c[2]} for t, c in by_type.items()},
                         indent=2))
        return 0
    for type_, (count, versions, size) in sorted(by_type.items()):
        print(f"{type_:<8}  {count} artifact(s), {versions} version(s), {human_bytes(size)}")
    if not by_type:
        print("No artifacts found.")
    return 0
