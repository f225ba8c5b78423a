"""The ``/api/ingest/`` endpoints (thin: each reads its input, takes the run's lock, calls a service)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView
from runicorn import layout
from runicorn.artifacts import paths, pool

from apps.runs import indexer
from apps.runs.responses import json_response
from apps.runs.storage import get_storage_root

from . import schemas
from .appends import check_lines, do_append
from .artifact_versions import check_version_request, do_record_version
from .bodies import iter_body, read_body
from .documents import check_media_name, do_put_media, do_replace_document, parse_document, server_versions
from .errors import IngestError, bad_request
from .models import IngestedRun
from .runs import APPEND_FILES, check_origin, describe, do_declare_run, run_lock, run_path, writable_run

log = logging.getLogger(__name__)
MAX_DIGESTS = 1000


def _limit() -> int:
    return int(settings.RUNICORN_INGEST_MAX_BODY_BYTES)


def _json_body(request: Request) -> Any:
    raw = read_body(request, _limit())
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"Request body is not valid JSON: {exc}") from None


def _path(record: IngestedRun) -> tuple[Path, Path]:
    root = get_storage_root()
    return root, run_path(root, record.project, record.name, record.run_id)


def _nudge(root: Path, record: IngestedRun, path: Path) -> None:
    """Index the run now rather than when the watcher gets to it: it shows in the lists at once."""
    try:
        indexer.sync_locations(root, [layout.RunLocation(record.project, record.name, record.run_id, path)])
    except Exception:  # the watcher's reconcile catches up; the upload itself succeeded
        log.exception("indexing ingested run %s failed", record.run_id)


class IngestView(APIView):
    parser_classes: list[Any] = []  # bodies are read (and limited) by apps.ingest.bodies

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        check_origin(request)

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, IngestError):
            return json_response(exc.body(), status=exc.status)
        if isinstance(exc, layout.InvalidName):
            return json_response({"detail": str(exc)}, status=400)
        return super().handle_exception(exc)  # type: ignore[no-any-return]


class RunsView(IngestView):
    @schemas.declare_run
    def post(self, request: Request) -> HttpResponse:
        record, created = do_declare_run(request, _json_body(request))
        return json_response(describe(record, get_storage_root()), status=201 if created else 200)


class RunView(IngestView):
    @schemas.run_state
    def get(self, request: Request, run_id: str) -> HttpResponse:
        record = writable_run(request, run_id)
        return json_response(describe(record, get_storage_root()))


class AppendView(IngestView):
    @schemas.append
    def post(self, request: Request, run_id: str, file_name: str) -> HttpResponse:
        if file_name not in APPEND_FILES:
            raise bad_request(f"Only {' and '.join(APPEND_FILES)} take appends, not {file_name!r}")
        raw_offset = request.query_params.get("offset", "")
        if not raw_offset.isdigit():
            raise bad_request("offset is required: the byte offset in the file where this chunk starts")
        record = writable_run(request, run_id)
        chunk = read_body(request, _limit())
        lines = check_lines(file_name, chunk)
        root, path = _path(record)
        with run_lock(root, run_id):
            path.mkdir(parents=True, exist_ok=True)
            answer = do_append(path, file_name, int(raw_offset), chunk)
        return json_response({**answer, "lines": lines if answer["written"] else 0})


class DocumentView(IngestView):
    @schemas.document
    def put(self, request: Request, run_id: str, file_name: str) -> HttpResponse:
        record = writable_run(request, run_id)
        body = read_body(request, _limit())
        doc = parse_document(file_name, body)
        root, path = _path(record)
        with run_lock(root, run_id):
            path.mkdir(parents=True, exist_ok=True)
            answer = do_replace_document(path, file_name, server_versions(record, file_name, doc, body))
        if file_name != layout.ENVIRONMENT_FILE:
            _nudge(root, record, path)
        return json_response(answer)


class MediaView(IngestView):
    @schemas.media
    def put(self, request: Request, run_id: str, file_name: str) -> HttpResponse:
        check_media_name(file_name)
        record = writable_run(request, run_id)
        body = read_body(request, int(settings.RUNICORN_INGEST_MAX_MEDIA_BYTES))
        root, path = _path(record)
        with run_lock(root, run_id):
            path.mkdir(parents=True, exist_ok=True)
            answer, created = do_put_media(path, file_name, body)
        return json_response(answer, status=201 if created else 200)


class ArtifactVersionView(IngestView):
    @schemas.artifact_version
    def post(self, request: Request, run_id: str) -> HttpResponse:
        record = writable_run(request, run_id)
        req = check_version_request(_json_body(request))
        root = get_storage_root()
        with run_lock(root, run_id):  # one record of this run at a time: a retry finds the first's number
            answer, created = do_record_version(root, record, req)
        return json_response(answer, status=201 if created else 200)


def _digest(value: str) -> str:
    if not paths.is_digest(value):
        raise bad_request(f"Not a sha256 digest (64 lowercase hex characters): {value!r}")
    return value


class BlobView(IngestView):
    @schemas.blob_exists
    def get(self, request: Request, digest: str) -> HttpResponse:
        obj = paths.pool_object(get_storage_root(), _digest(digest))
        try:
            size = obj.stat().st_size
        except OSError:
            return json_response({"detail": f"Blob {digest} is not on this server"}, status=404)
        return json_response({"sha256": digest, "size": size})

    @schemas.blob_put
    def put(self, request: Request, digest: str) -> HttpResponse:
        root = get_storage_root()
        _digest(digest)
        with pool.pool_lock(root, shared=True):
            try:
                entry = pool.put_stream(root, iter_body(request, int(settings.RUNICORN_INGEST_MAX_BLOB_BYTES)), digest)
            except pool.DigestMismatch as exc:
                raise bad_request(f"{exc}; nothing was stored") from None
        return json_response({"sha256": digest, "size": entry.size, "stored": entry.added},
                             status=201 if entry.added else 200)


class MissingBlobsView(IngestView):
    @schemas.blobs_missing
    def post(self, request: Request) -> HttpResponse:
        body = _json_body(request)
        digests = body.get("digests") if isinstance(body, dict) else None
        if not isinstance(digests, list) or len(digests) > MAX_DIGESTS:
            raise bad_request(f'Body must be {{"digests": [<sha256>, ...]}} with at most {MAX_DIGESTS} digests')
        root = get_storage_root()
        missing = [d for d in dict.fromkeys(_digest(d) if isinstance(d, str) else _digest(repr(d)) for d in digests)
                   if not paths.pool_object(root, d).is_file()]
        return json_response({"missing": missing})
