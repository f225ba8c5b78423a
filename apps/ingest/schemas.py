"""``@extend_schema`` of the ingest views: what a client in any language needs to upload a run."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import BOOL, ERROR, FREE_OBJECT, INT, RUN_ID, STR, mapping, obj

TAGS = ["ingest"]
EXAMPLE_ID = "20250114_153045_a1b2c3"
DIGEST = {"type": "string", "pattern": "^[0-9a-f]{64}$",
          "example": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
BINARY = {"type": "string", "format": "binary"}
RUN_PARAM = OpenApiParameter("run_id", RUN_ID, OpenApiParameter.PATH, description="The run's id")
GZIP = OpenApiParameter("Content-Encoding", str, OpenApiParameter.HEADER, required=False,
                        description="gzip to send the body compressed (the limit applies to the inflated bytes)")


def _err(description: str, example: dict[str, Any]) -> OpenApiResponse:
    return OpenApiResponse(ERROR, description, [OpenApiExample("error", example)])


BAD = _err("Malformed input; nothing was written", {"detail": "Invalid run_id format: x"})
FORBIDDEN = _err("Another member's run (members write only to runs they created), or an upload from another "
                 "machine to a viewer without accounts",
                 {"detail": f"Run {EXAMPLE_ID} was created by otto; members write only to runs they created "
                            "(an admin may write anywhere)."})
UNAUTHENTICATED = _err("Team profile: no API token or session was sent",
                       {"detail": "Authentication credentials were not provided."})
UNDECLARED = _err("The run was not declared", {"detail": f"Run {EXAMPLE_ID} is not declared on this server; "
                                                         "POST /api/ingest/runs first"})
TOO_LARGE = _err("The body (inflated) is over the limit", {"detail": "Request body is larger than 33554432 bytes "
                                                                      "(after decompression); send it in smaller parts",
                                                           "limit": 33554432})
STATE = obj(
    ("run_id", "project", "name", "files", "documents", "media"),
    run_id=STR, project=STR, name=STR, owner={**STR, "nullable": True}, files=mapping(INT), documents=mapping(STR),
    media=mapping(INT), artifacts=mapping(INT),
)
STATE_EXAMPLE = {
    "run_id": EXAMPLE_ID, "project": "vision", "name": "resnet50", "owner": "mia",
    "files": {"events.jsonl": 18234, "logs.txt": 912},
    "documents": {"meta.json": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"},
    "media": {"samples_3.png": 20311}, "artifacts": {"model/resnet50-weights:v1": 4},
}

declare_run = extend_schema(
    summary="Declare a run to upload (idempotent); the caller becomes its owner", tags=TAGS,
    request={"application/json": obj(("project", "name", "run_id"), project=STR, name=STR, run_id=RUN_ID)},
    examples=[OpenApiExample("declare", {"project": "vision", "name": "resnet50", "run_id": EXAMPLE_ID},
                             request_only=True)],
    responses={401: UNAUTHENTICATED,
               201: OpenApiResponse(STATE, "Declared now", [OpenApiExample("new", STATE_EXAMPLE)]),
               200: OpenApiResponse(STATE, "Declared before: what the server holds, to resume from"),
               400: BAD, 403: FORBIDDEN, 409: _err("The id is declared with another project or name",
                                                   {"detail": f"Run {EXAMPLE_ID} is declared as a/b, not c/d"}),
               413: TOO_LARGE},
)

run_state = extend_schema(
    summary="What the server holds of a run: append lengths, document digests, media, artifact versions",
    tags=TAGS, parameters=[RUN_PARAM],
    responses={401: UNAUTHENTICATED,
               200: OpenApiResponse(STATE, "The run's state", [OpenApiExample("state", STATE_EXAMPLE)]),
               400: BAD, 403: FORBIDDEN, 404: UNDECLARED},
)

append = extend_schema(
    summary="Append whole lines to events.jsonl or logs.txt at a byte offset", tags=TAGS,
    description=(
        "The body is raw bytes: whole lines, each ending with a newline (each line of events.jsonl a JSON "
        "object). The server appends only when its file is exactly `offset` bytes long. Bytes it already "
        "holds are compared and acknowledged (a retry is harmless); an offset past its end gets 409 with "
        "`length`, the offset to resend from."
    ),
    parameters=[RUN_PARAM, OpenApiParameter("file_name", {"type": "string", "enum": ["events.jsonl", "logs.txt"]},
                                            OpenApiParameter.PATH),
                OpenApiParameter("offset", {"type": "integer", "minimum": 0}, OpenApiParameter.QUERY, required=True,
                                 description="Where the chunk starts in the file"), GZIP],
    request={"application/octet-stream": BINARY},
    responses={401: UNAUTHENTICATED,
        200: OpenApiResponse(obj(("length", "written"), length=INT, written=INT, lines=INT),
                             "Appended (or already held)",
                             [OpenApiExample("appended", {"length": 18427, "written": 193, "lines": 1})]),
        400: _err("Not whole lines, or a line that is not a JSON object; nothing was written",
                  {"detail": "Line 3 of the chunk for events.jsonl is not a JSON object; nothing was written",
                   "line": 3}),
        403: FORBIDDEN, 404: UNDECLARED,
        409: _err("The server's file has another length: resend from `length`",
                  {"detail": "events.jsonl on the server is 18234 bytes long, not 20000; resend from 18234",
                   "length": 18234}),
        413: TOO_LARGE, 415: _err("Unknown Content-Encoding", {"detail": "Unsupported Content-Encoding 'br'; send "
                                                                         "gzip or no encoding"}),
    },
)

document = extend_schema(
    summary="Replace a whole document of a run atomically (meta, status, summary, config, environment, artifacts)",
    tags=TAGS,
    parameters=[RUN_PARAM, OpenApiParameter(
        "file_name", {"type": "string", "enum": ["meta.json", "status.json", "summary.json", "config.json",
                                                 "environment.json", "artifacts_created.json",
                                                 "artifacts_used.json"]}, OpenApiParameter.PATH), GZIP],
    request={"application/json": FREE_OBJECT},
    examples=[OpenApiExample("status", {"status": "finished", "started_at": 1736840000.0, "ended_at": 1736843600.0},
                             request_only=True)],
    description="Stored byte for byte, except that artifacts_created.json is rewritten to name this server's "
                "version numbers where they differ from the job's.",
    responses={401: UNAUTHENTICATED,
               200: OpenApiResponse(obj(("file", "bytes", "sha256"), file=STR, bytes=INT, sha256=STR), "Replaced"),
               400: BAD, 403: FORBIDDEN, 404: UNDECLARED, 413: TOO_LARGE},
)

media = extend_schema(
    summary="Store a media file of a run (once; the same bytes again are acknowledged)", tags=TAGS,
    parameters=[RUN_PARAM, OpenApiParameter("file_name", str, OpenApiParameter.PATH,
                                            description="A plain file name below media/"), GZIP],
    request={"application/octet-stream": BINARY},
    responses={401: UNAUTHENTICATED,
               201: OpenApiResponse(obj(("file", "bytes", "sha256"), file=STR, bytes=INT, sha256=STR), "Stored"),
               200: OpenApiResponse(obj(("file",), file=STR), "Already held, same bytes"),
               400: BAD, 403: FORBIDDEN, 404: UNDECLARED,
               409: _err("A file of that name holds other bytes", {"detail": "media/a.png already holds other content; "
                                                                             "media files are written once"}),
               413: TOO_LARGE},
)

artifact_version = extend_schema(
    summary="Record an artifact version created by the run; the server assigns its number", tags=TAGS,
    parameters=[RUN_PARAM],
    description="Upload the files as blobs first. `manifest` is the text of the job's manifest.json (stored as "
                "sent); `version` the job's own number. A retry answers the number given the first time.",
    request={"application/json": obj(("type", "name", "version", "manifest"), type=STR, name=STR, version=INT,
                                     manifest=STR, metadata=FREE_OBJECT)},
    examples=[OpenApiExample("version", {
        "type": "model", "name": "resnet50-weights", "version": 1,
        "manifest": '{"files": [{"path": "model.pt", "size": 4, "digest": "sha256:9f86d081884c7d659a2feaa0c55ad015a3'
                    'bf4f1b2b0b822cd15d6c15b0f00a08", "modified_at": 1736840000.0}], "references": [], '
                    '"total_size": 4, "total_files": 1, "total_references": 0, "created_at": 1736840000.0}',
        "metadata": {"description": "weights", "tags": ["best"], "metadata": {"acc": 0.94}, "aliases": ["latest"]},
    }, request_only=True)],
    responses={401: UNAUTHENTICATED,
               201: OpenApiResponse(obj(("type", "name", "version"), type=STR, name=STR, version=INT),
                                    "Created", [OpenApiExample("created", {"type": "model", "name": "resnet50-weights",
                                                                           "version": 4})]),
               200: OpenApiResponse(obj(("version",), version=INT), "Recorded before (a retry)"),
               400: BAD, 403: FORBIDDEN, 404: UNDECLARED,
               409: _err("Blobs of the manifest are not on the server yet",
                         {"detail": "Upload these blobs first (PUT /api/ingest/blobs/{sha256})",
                          "missing": [DIGEST["example"]]}),
               413: TOO_LARGE},
)

DIGEST_PARAM = OpenApiParameter("digest", DIGEST, OpenApiParameter.PATH, description="sha256 of the content (hex)")

blob_exists = extend_schema(
    summary="Whether the server holds a blob (GET or HEAD)", tags=TAGS, parameters=[DIGEST_PARAM],
    responses={401: UNAUTHENTICATED,
               200: OpenApiResponse(obj(("sha256", "size"), sha256=STR, size=INT), "Held"),
               400: BAD, 404: _err("Not held", {"detail": "Blob 9f86... is not on this server"})},
)

blob_put = extend_schema(
    summary="Upload a blob (content-addressed); its digest is verified before it is stored", tags=TAGS,
    parameters=[DIGEST_PARAM, GZIP], request={"application/octet-stream": BINARY},
    responses={401: UNAUTHENTICATED,
               201: OpenApiResponse(obj(("sha256", "size", "stored"), sha256=STR, size=INT, stored=BOOL), "Stored"),
               200: OpenApiResponse(obj(("sha256", "size", "stored"), sha256=STR, size=INT, stored=BOOL),
                                    "Held already"),
               400: _err("The bytes have another digest; nothing was stored",
                         {"detail": "the uploaded bytes have sha256 2c26..., not 9f86...; nothing was stored"}),
               413: TOO_LARGE},
)

blobs_missing = extend_schema(
    summary="Which of these blobs the server lacks (one request instead of one HEAD per file)", tags=TAGS,
    request={"application/json": obj(("digests",), digests={"type": "array", "items": DIGEST, "maxItems": 1000})},
    responses={401: UNAUTHENTICATED,
               200: OpenApiResponse(obj(("missing",), missing={"type": "array", "items": STR}), "The missing ones",
                                    [OpenApiExample("one", {"missing": [DIGEST["example"]]})]),
               400: BAD, 413: TOO_LARGE},
)
