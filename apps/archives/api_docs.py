"""OpenAPI entries of the run-archive endpoints (merged into ``apps.system.api_docs.DOCS``)."""

from __future__ import annotations

from apps.system.openapi import INT, NUM, RUN_ID, STR, Doc, Resp, arr, error, obj

from .services import MAX_EXPORT_RUNS

EXAMPLE_ID = "20250114_153045_a1b2c3"
RUN_REF = obj(("id", "project", "name"), id=STR, project=STR, name=STR)
VERSION_REF = obj(("type", "name", "version"), type=STR, name=STR, version=INT)
CONFLICT = obj(("reason",), run=STR, artifact=STR, type=STR, reason=STR)
PREVIEW_FIELDS = {
    "mode": STR,
    "runs": obj(("new", "duplicates"), new=arr(RUN_REF), duplicates=arr(RUN_REF)),
    "artifacts": obj(("new", "present"), new=arr(VERSION_REF), present=arr(VERSION_REF)),
    "conflicts": arr(CONFLICT),
}
PREVIEW_EXAMPLE = {
    "token": "3q2-7wEXAMPLEtokenEXAMPLEtokenEX", "expires_at": 1736841845.0, "size_bytes": 48213, "mode": "merge",
    "runs": {"new": [{"id": EXAMPLE_ID, "project": "vision", "name": "resnet50"}], "duplicates": []},
    "artifacts": {"new": [{"type": "model", "name": "resnet50", "version": 1}], "present": []},
    "conflicts": [],
}
MODE = {"type": "string", "enum": ["merge", "isolate"], "default": "merge"}
TAGS = ("archives",)

DOCS = {
    ("POST", "/api/runs/export"): Doc(
        "Export runs as a ZIP archive (streamed)", tags=TAGS,
        description="The runs' files and every artifact version they created or used, each file content once. "
                    "`runicorn import FILE` or POST /api/import/preview read it back.",
        body=obj(("run_ids",), run_ids={**arr(RUN_ID), "minItems": 1, "maxItems": MAX_EXPORT_RUNS}),
        body_example={"run_ids": [EXAMPLE_ID]},
        responses={
            200: Resp("The archive", {"type": "string", "format": "binary"}, media_type="application/zip"),
            400: error("Missing or malformed run ids", "Invalid run_id format: 2025"),
            404: error("A run is not in the index (or is deleted)", f"Run not found: {EXAMPLE_ID}"),
        },
    ),
    ("POST", "/api/import/preview"): Doc(
        "Upload a run archive and see what importing it would do", tags=TAGS,
        description="Nothing is written to the storage root. The archive is checked completely (paths, symlinks, "
                    "sizes, digests) and kept for 30 minutes under the returned token.",
        body=obj(("file",), file={"type": "string", "format": "binary"}, mode=MODE,
                 project={**STR, "description": "Project of isolate mode (default imported-archive-<time>)"}),
        body_media_type="multipart/form-data",
        responses={
            200: Resp("What would be added, skipped and in conflict, and the token",
                      obj(("token", "expires_at"), token=STR, expires_at=NUM, size_bytes=INT, **PREVIEW_FIELDS),
                      PREVIEW_EXAMPLE),
            400: error("No file, or an archive that is refused",
                       "Invalid archive: '../evil.txt': empty, '.', '..' or unsafe path segments are not allowed"),
            413: error("The archive is over RUNICORN_IMPORT_MAX_BYTES",
                       "The archive is larger than 2147483648 bytes (RUNICORN_IMPORT_MAX_BYTES)"),
        },
    ),
    ("POST", "/api/import/archive"): Doc(
        "Import a previewed archive", tags=TAGS,
        description="Runs whose id is already in the root are skipped; an artifact version already there with "
                    "other content is a conflict, reported and left as it is. The token is used up.",
        body=obj(("token",), token=STR, mode=MODE, project=STR),
        body_example={"token": "3q2-7wEXAMPLEtokenEXAMPLEtokenEX", "mode": "merge"},
        responses={
            200: Resp("What was imported", obj(("imported_runs", "imported_versions"), imported_runs=INT,
                                                 imported_versions=INT, **PREVIEW_FIELDS)),
            400: error("No token, or a bad mode", "mode must be one of merge, isolate, got 'copy'"),
            404: error("Unknown, used or expired token",
                       "Unknown or expired import token: upload the archive again with POST /api/import/preview"),
        },
    ),
}
