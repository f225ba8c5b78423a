"""Request bodies the API refuses before any view logic sees them: too big (413), nested too deep (400).

Every JSON body of the API is parsed by :class:`JSONParser` (DRF's ``DEFAULT_PARSER_CLASSES``),
and every refusal goes through :func:`body_error`, so the limits hold on every route — anonymous
login included — and answer in the caller's error shape instead of a 500 or an HTML page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json as drf_json


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large"
    default_code = "payload_too_large"


def too_large() -> PayloadTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(
        f"Request body too large: the limit is {limit} bytes (the viewer's RUNICORN_MAX_BODY_BYTES)"
    )


def body_error(exc: Exception) -> exceptions.APIException | None:
    """The API error for a body refused while it was read, or None for any other exception."""
    if isinstance(exc, RequestDataTooBig):  # Django read the body first (Content-Length over the limit)
        return too_large()
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the body's size bounded and deep nesting refused as bad JSON.

    ``json`` recurses once per nesting level: 2,000 nested arrays (4 kB) raise ``RecursionError``,
    which DRF does not expect and answered with 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            raw = stream.read(limit + 1) if stream is not None else b""
        except RequestDataTooBig:
            raise too_large() from None
        if len(raw) > limit:
            raise too_large()
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        constant = drf_json.strict_constant if self.strict else None
        try:
            return drf_json.loads(raw.decode(encoding), parse_constant=constant)
        except RecursionError:
            raise exceptions.ParseError("it is nested too deeply") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
