"""The reference's order of a run list: project, then name (both case-insensitive), newest first.

The reference walks the storage root sorted by ``name.lower()`` and, inside an experiment, by the
run directory's mtime, newest first; clients that show ``GET /api/runs`` as it comes rely on it.
``created_at`` stands in for the mtime (it does not move when a file of the run is touched), and
the run id (which starts with the creation time) breaks ties.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import Combinable, OrderBy
from django.db.models.functions import Collate, Lower

# Python compares strings by code point; these collations do too (the default ones may not:
# PostgreSQL's en_US sorts "a_b" after "ab", Python before).
_CODE_POINT = {"postgresql": "C", "sqlite": "BINARY"}


def _by_code_point(field: str) -> Combinable:
    collation = _CODE_POINT.get(connection.vendor)
    lowered = Lower(field)
    return Collate(lowered, collation) if collation else lowered


def reference_order() -> list[OrderBy | Combinable | str]:
    return [
        _by_code_point("project").asc(),
        _by_code_point("name").asc(),
        F("created_at").desc(nulls_last=True),
        "-run_id",
    ]


def in_reference_order(runs: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    return runs.order_by(*reference_order())
