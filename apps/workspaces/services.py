"""Read, save and reset a page layout; callable without HTTP.

The layout itself is the web UI's business (which charts, their metrics, order, smoothing, axis):
the server keeps any JSON object up to ``MAX_LAYOUT_BYTES`` and hands it back unchanged.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.db import transaction
from runicorn import layout as disk_layout

from apps.accounts.access import auth_required
from apps.accounts.owner import current_owner_id

from .models import PAGES, Workspace

MAX_LAYOUT_BYTES = 64 * 1024


class InvalidWorkspace(ValueError):
    """Input answered with 400 and this message as ``detail``."""


class NoUser(RuntimeError):
    """A team-profile write without a signed-in user (an access rule let it through)."""


def check_page(page: str) -> str:
    if page not in PAGES:
        raise InvalidWorkspace(f"Unknown page {page[:40]!r}; use one of {', '.join(PAGES)}")
    return page


def check_project(project: str | None) -> str:
    if project is None or not project.strip():
        raise InvalidWorkspace("project is required: the layout is saved per project")
    try:
        disk_layout.check_segment(project, "project")
    except disk_layout.InvalidName as exc:
        raise InvalidWorkspace(str(exc)) from None
    return project


def check_layout(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("layout"), dict):
        raise InvalidWorkspace('The body must be a JSON object {"layout": {...}}')
    value = body["layout"]
    size = len(json.dumps(value, separators=(",", ":")).encode("utf-8"))
    if size > MAX_LAYOUT_BYTES:
        raise InvalidWorkspace(f"layout is {size} bytes; at most {MAX_LAYOUT_BYTES} are kept")
    return value


def _owner() -> int | None:
    if not auth_required():
        return None
    owner = current_owner_id()
    if owner is None:
        raise NoUser("no signed-in user to keep the layout for")
    return owner


def _shape(page: str, project: str, row: Workspace | None) -> dict[str, Any]:
    return {
        "page": page,
        "project": project,
        "layout": row.layout if row is not None else None,
        "updated_at": row.updated_at if row is not None else None,
    }


def get_workspace(page: str, project: str) -> dict[str, Any]:
    row = Workspace.objects.filter(owner_id=_owner(), project=project, page=page).first()
    return _shape(page, project, row)


def save_workspace(page: str, project: str, value: dict[str, Any]) -> dict[str, Any]:
    owner = _owner()
    with transaction.atomic():
        row, _ = Workspace.objects.update_or_create(
            owner_id=owner, project=project, page=page, defaults={"layout": value, "updated_at": time.time()}
        )
    return _shape(page, project, row)


def reset_workspace(page: str, project: str) -> dict[str, Any]:
    Workspace.objects.filter(owner_id=_owner(), project=project, page=page).delete()
    return _shape(page, project, None)
