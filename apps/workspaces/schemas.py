"""``@extend_schema`` of the workspaces API."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import ERROR, FREE_OBJECT, NUM, STR, nullable, obj

from .models import PAGES
from .services import MAX_LAYOUT_BYTES

TAGS = ["workspaces"]
PARAMS = [
    OpenApiParameter("page", str, OpenApiParameter.PATH, enum=list(PAGES), description="Which page's layout"),
    OpenApiParameter("project", str, OpenApiParameter.QUERY, required=True,
                     description="The project the layout belongs to"),
]
LAYOUT_EXAMPLE = {
    "charts": [{"id": "loss", "metrics": ["train/loss", "val/loss"], "hidden": False, "pinned": True}],
    "order": ["loss", "acc"], "smoothing": 0.6, "xAxis": "global_step", "groupStages": True,
}
WORKSPACE = obj(("page", "project", "layout", "updated_at"), page=STR, project=STR, layout=nullable(FREE_OBJECT),
                updated_at=nullable(NUM))
SAVED = OpenApiExample("saved", {"page": "run", "project": "vision", "layout": LAYOUT_EXAMPLE,
                                 "updated_at": 1736840000.0})
DEFAULT = OpenApiExample("never saved", {"page": "run", "project": "vision", "layout": None, "updated_at": None})
NO_PROJECT = {"detail": "project is required: the layout is saved per project"}
BAD = OpenApiResponse(ERROR, "Unknown page, missing or unsafe project, or a body that is not a layout",
                      [OpenApiExample("no project", NO_PROJECT)])

get_workspace = extend_schema(
    summary="The saved layout of a page (layout null: never saved, the page shows its default)",
    description="Per project; in the team profile per user as well (each user sees their own).",
    tags=TAGS, parameters=PARAMS,
    responses={200: OpenApiResponse(WORKSPACE, "The layout", [SAVED, DEFAULT]), 400: BAD},
)

put_workspace = extend_schema(
    summary="Save the layout of a page",
    description=f"The layout is any JSON object the web UI writes, at most {MAX_LAYOUT_BYTES} bytes.",
    tags=TAGS, parameters=PARAMS,
    request={"application/json": obj(("layout",), layout=FREE_OBJECT)},
    examples=[OpenApiExample("layout", {"layout": LAYOUT_EXAMPLE}, request_only=True)],
    responses={200: OpenApiResponse(WORKSPACE, "Saved", [SAVED]), 400: BAD},
)

delete_workspace = extend_schema(
    summary="Reset a page to its default layout (forget the saved one)",
    tags=TAGS, parameters=PARAMS,
    responses={200: OpenApiResponse(WORKSPACE, "Reset", [DEFAULT]), 400: BAD},
)
