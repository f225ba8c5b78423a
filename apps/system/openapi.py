"""OpenAPI for the whole API, without touching other apps' views.

Views of this app describe themselves with ``@extend_schema``. Views of the other apps are
described here, by method and path, in ``apps.system.api_docs.DOCS``:

* DRF views go through ``RunicornAutoSchema`` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS), which
  answers with the entry for its (method, path). A view whose author adds ``@extend_schema`` gets
  a schema class of its own (a subclass made by the decorator), and the author's words win.
* Plain Django views (the async metrics endpoints) are invisible to drf-spectacular; the
  postprocessing hook ``complete_schema`` adds their operations from the same entries.

The hook also adds the 429 answer every /api/ operation can give (the rate limiter's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.openapi import AutoSchema

from apps.accounts import access

# ---------------------------------------------------------------------------- schema builders

STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
BOOL: dict[str, Any] = {"type": "boolean"}
ANY: dict[str, Any] = {}
FREE_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def obj(required: tuple[str, ...] | list[str] = (), **properties: dict[str, Any]) -> dict[str, Any]:
    """An object with these properties (more may come: answers grow additively)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def arr(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def mapping(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": values}


ERROR = obj(("detail",), detail=STR)
RUN_ID = {"type": "string", "pattern": r"^[0-9]{8}_[0-9]{6}_[a-f0-9]{6}$", "example": "20250114_153045_a1b2c3"}


def query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


# ---------------------------------------------------------------------------- the entries


@dataclass(frozen=True)
class Resp:
    description: str
    schema: dict[str, Any] | None = None
    example: Any = None
    media_type: str = "application/json"


def error(description: str, example: str) -> Resp:
    return Resp(description, ERROR, {"detail": example})


@dataclass(frozen=True)
class Doc:
    summary: str
    responses: dict[int, Resp]
    tags: tuple[str, ...]
    description: str = ""
    parameters: tuple[dict[str, Any], ...] = ()
    body: dict[str, Any] | None = None
    body_example: Any = None
    body_required: bool = True
    path_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> schema
    body_media_type: str = "application/json"  # multipart/form-data for uploads


def render(doc: Doc) -> dict[str, Any]:
    """The OpenAPI operation object of an entry (without operationId and path parameters)."""
    operation: dict[str, Any] = {"summary": doc.summary, "tags": list(doc.tags)}
    if doc.description:
        operation["description"] = doc.description
    if doc.parameters:
        operation["parameters"] = list(doc.parameters)
    if doc.body is not None:
        media: dict[str, Any] = {"schema": doc.body}
        if doc.body_example is not None:
            media["example"] = doc.body_example
        operation["requestBody"] = {"required": doc.body_required, "content": {doc.body_media_type: media}}
    responses: dict[str, Any] = {}
    for code, resp in sorted(doc.responses.items()):
        answer: dict[str, Any] = {"description": resp.description}
        if resp.schema is not None:
            media = {"schema": resp.schema}
            if resp.example is not None:
                media["example"] = resp.example
            answer["content"] = {resp.media_type: media}
        responses[str(code)] = answer
    operation["responses"] = responses
    return operation


def _docs() -> dict[tuple[str, str], Doc]:
    from .api_docs import DOCS  # late: the entries import nothing of ours, but keep startup lean

    return DOCS


def _merge_parameters(generated: list[dict[str, Any]], documented: list[dict[str, Any]],
                      path_schemas: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {(p["name"], p["in"]): p for p in generated}
    for (name, where), param in list(merged.items()):
        if where == "path" and name in path_schemas:
            merged[(name, where)] = {**param, "schema": path_schemas[name]}
    for param in documented:
        merged[(param["name"], param["in"])] = param
    return list(merged.values())


class RunicornAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, completed from ``api_docs.DOCS`` for views without their own."""

    def _entry(self) -> Doc | None:
        if type(self) is not RunicornAutoSchema:  # the view's author used @extend_schema: theirs wins
            return None
        return _docs().get((self.method, self.path))

    # The views answer with hand-built JSON, not serializers: with an entry there is nothing to
    # guess (and no "unable to guess serializer" warning); the entry supplies the bodies below.
    def get_request_serializer(self) -> Any:
        return None if self._entry() else super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        return {} if self._entry() else super().get_response_serializers()

    def get_operation_id(self) -> str:
        # From the whole path, parameters included, so /api/runs and /api/runs/{run_id} never collide.
        return _operation_id(self.method, self.path)

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        doc = self._entry()
        if operation is None or doc is None:
            return operation
        rendered = render(doc)
        rendered["parameters"] = _merge_parameters(
            operation.get("parameters", []), rendered.get("parameters", []), doc.path_parameters
        )
        if not rendered["parameters"]:
            del rendered["parameters"]
        if "description" not in rendered and operation.get("description"):
            rendered["description"] = operation["description"]  # the view's docstring
        return {"operationId": operation["operationId"], **rendered}


# ---------------------------------------------------------------------------- plain Django views

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def iter_api_routes() -> Iterator[tuple[str, Any]]:
    """``(openapi_path, callback)`` of every URL route under /api/."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield openapi_path(prefix + str(pattern.pattern)), pattern.callback

    for route, callback in walk(get_resolver().url_patterns, "/"):
        if route.startswith("/api/"):
            yield route, callback


def openapi_path(route: str) -> str:
    """A Django route (``path()`` or ``re_path()``) as an OpenAPI path: ``/api/runs/{run_id}``."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path() groups, before <converters>
    route = _CONVERTER.sub(r"{\1}", route)
    return route.replace("^", "").replace("$", "").replace("\\", "")


def _is_drf(callback: Any) -> bool:
    return getattr(callback, "cls", None) is not None


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^0-9a-zA-Z]+", "_", path.removeprefix("/api/")).strip("_")
    return f"{words}_{method.lower()}"


def complete_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: operations of plain Django views, and the rate limiter's 429."""
    paths: dict[str, Any] = result.setdefault("paths", {})
    plain = {route for route, callback in iter_api_routes() if not _is_drf(callback)}
    for (method, route), doc in sorted(_docs().items()):
        if route not in plain:
            continue
        operation = {"operationId": _operation_id(method, route), **render(doc)}
        path_params = [
            {"name": name, "in": "path", "required": True, "schema": doc.path_parameters.get(name, STR)}
            for name in re.findall(r"{(\w+)}", route)
        ]
        operation["parameters"] = path_params + operation.get("parameters", [])
        paths.setdefault(route, {})[method.lower()] = operation
    names = dict(_route_names())
    for route, item in paths.items():
        if not route.startswith("/api/"):
            continue
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", RATE_LIMITED)
            role = _role_needed(method, route, names.get(route))
            if role != access.PUBLIC:
                responses.setdefault("401", NOT_AUTHENTICATED)
                responses.setdefault("403", ADMIN_ONLY if role == access.ADMIN else FORBIDDEN)
    result["paths"] = dict(sorted(paths.items()))
    return result


def _route_names() -> Iterator[tuple[str, str | None]]:
    """``(openapi_path, route name)`` of every /api/ route: the access table is keyed by names."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str | None]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield openapi_path(prefix + str(pattern.pattern)), pattern.name

    yield from walk(get_resolver().url_patterns, "/")


def _role_needed(method: str, route: str, name: str | None) -> str:
    """The least role the team profile's access table asks for this operation."""
    request = HttpRequest()
    request.method, request.path_info = method.upper(), route
    return access.required_role(request, name)


def _error_response(description: str, example: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": ERROR, "example": {"detail": example}}}}


NOT_AUTHENTICATED = _error_response(
    "Team profile (RUNICORN_AUTH=required): no valid API token or session", access.NOT_AUTHENTICATED
)
FORBIDDEN = _error_response(
    "Team profile: a request authenticated by the session cookie lacks its X-CSRFToken header, or the "
    "session's page is of another origin",
    "CSRF Failed: CSRF token missing.",
)
ADMIN_ONLY = _error_response(
    "Team profile: this needs an admin (is_staff); members get 403. Session requests also need X-CSRFToken",
    "This action needs an admin (is_staff); ask one of the viewer's admins.",
)

RATE_LIMITED = {
    "description": "Too many requests from this client for this route; retry after Retry-After seconds",
    "headers": {"Retry-After": {"schema": INT, "description": "Seconds until the limit resets"}},
    "content": {
        "application/json": {
            "schema": obj(("detail",), detail=STR, retry_after=INT),
            "example": {"detail": "Rate limit exceeded; retry in 42 s", "retry_after": 42},
        }
    },
}
