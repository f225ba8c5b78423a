"""The V2 experiment search for a process that is not the viewer (``runicorn manage --action search``).

The query language compiles to ORM filters on the index, so this brings up Django on the same
index database the viewer of that storage root uses, brings the index in step with the disk (only
changed runs are read again), and answers exactly as ``GET /api/v2/experiments`` would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


class QueryError(ValueError):
    """A parameter the V2 API would answer with 400; importable before Django is set up."""

    def __init__(self, param: str, message: str, position: int | None) -> None:
        super().__init__(message)
        self.param = param
        self.position = position


def search(root: Path, params: Mapping[str, str], on_indexing: Callable[[], None] | None = None) -> dict[str, Any]:
    """The V2 list answer for ``params`` (``q``, ``project``, ``search``, ``tags``, ...) over ``root``.

    Raises :class:`QueryError` for a bad parameter or query (with the position of a syntax error).
    """
    os.environ["RUNICORN_DIR"] = str(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    os.environ["RUNICORN_START_INDEXER"] = "0"  # one sync below; no watcher thread in a CLI
    os.environ["RUNICORN_EMBEDDED_BEAT"] = "0"
    import django

    django.setup()
    from apps.runs import indexer
    from runicorn_site.migrate import migrate

    from .listing import list_experiments
    from .params import InvalidParam, parse_list_query
    from .qcompile import CompileError

    try:
        query = parse_list_query(params)  # a bad query fails before any indexing work
    except InvalidParam as exc:
        raise QueryError(exc.param, str(exc).removeprefix(f"{exc.param}: "), exc.position) from None
    migrate()
    if on_indexing is not None:
        on_indexing()
    indexer.sync_index(root)
    try:
        return list_experiments(query)
    except CompileError as exc:  # parsed, but the fields and values do not fit (as the API's 400)
        raise QueryError("q", str(exc), exc.position) from None
