"""The one exception of the ingest API; :class:`apps.ingest.views.IngestView` maps it to JSON once.

DRF's own exceptions turn extra numbers into strings, and a 409 must tell the client the server's
length as a number, so ingest errors carry their extra fields themselves.
"""

from __future__ import annotations

from typing import Any


class IngestError(Exception):
    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, **self.extra}


def bad_request(detail: str, **extra: Any) -> IngestError:
    return IngestError(400, detail, **extra)


def conflict(detail: str, **extra: Any) -> IngestError:
    return IngestError(409, detail, **extra)


def too_large(limit: int) -> IngestError:
    return IngestError(413, f"Request body is larger than {limit} bytes (after decompression); send it in smaller "
                            "parts", limit=limit)
