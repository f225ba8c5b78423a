"""Artifacts endpoints: the reference's paths, fields and errors, plus single-file download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.views import APIView
from runicorn.artifacts import ArtifactNotFound, paths
from runicorn.layout import InvalidName

from apps.runs.responses import json_response
from apps.runs.storage import get_storage_root
from apps.system.errors import BadRequest, NotFound

from . import lineage, reader, services, training


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict"
    default_code = "conflict"


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _name(value: str) -> str:
    error = paths.name_error(value)
    if error:
        raise BadRequest(f"Invalid artifact name: {error}")
    return value


def _type(request: Request) -> str | None:
    value = request.query_params.get("type")
    if value in (None, ""):
        return None
    error = paths.type_error(value)
    if error:
        raise BadRequest(f"Invalid type: {error}")
    return value


def _version(value: str) -> int:
    number = paths.parse_version(value) if value.isdigit() else None
    if number is None:
        raise BadRequest(f"Invalid version: {value!r} (expected a positive integer, as in /v3)")
    return number


def _int_param(request: Request, key: str, default: int) -> int:
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Invalid {key}: {raw!r} (expected an integer)") from None


def _bool_param(request: Request, key: str, default: bool) -> bool:
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise BadRequest(f"Invalid {key}: {raw!r} (expected true or false)")


def _call(fn: Any, *args: Any) -> Any:
    """Run a reader/service call, turning its domain errors into the API's error responses."""
    try:
        return fn(*args)
    except (reader.ArtifactMissing, ArtifactNotFound) as exc:  # the latter: removed since the check
        raise NotFound(str(exc)) from None
    except (services.VersionInUse, services.NotDeleted) as exc:
        raise Conflict(str(exc)) from None
    except InvalidName as exc:
        raise BadRequest(str(exc)) from None


def _root() -> Path:
    return get_storage_root()


class ArtifactListView(APIView):
    def get(self, request: Request) -> HttpResponse:
        return json_response(reader.list_artifacts(_root(), _type(request)))


class ArtifactStatsView(APIView):
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.get_stats(_root()))


class VersionListView(APIView):
    def get(self, request: Request, name: str) -> HttpResponse:
        return json_response(_call(reader.list_versions, _root(), _name(name), _type(request)))


class VersionDetailView(APIView):
    def get(self, request: Request, name: str, version: str) -> HttpResponse:
        return json_response(_call(reader.version_detail, _root(), _name(name), _version(version), _type(request)))

    def delete(self, request: Request, name: str, version: str) -> HttpResponse:
        name, number, type_ = _name(name), _version(version), _type(request)
        permanent = _bool_param(request, "permanent", False)
        return json_response(_call(services.delete_version, _root(), name, number, type_, permanent))


class VersionRestoreView(APIView):
    def post(self, request: Request, name: str, version: str) -> HttpResponse:
        name, number, type_ = _name(name), _version(version), _type(request)
        return json_response(_call(services.restore_version, _root(), name, number, type_))


class VersionFilesView(APIView):
    def get(self, request: Request, name: str, version: str) -> HttpResponse:
        return json_response(_call(reader.version_files, _root(), _name(name), _version(version), _type(request)))


class VersionFileDownloadView(APIView):
    def get(self, request: Request, name: str, version: str, path: str) -> HttpResponse:
        stored = _call(reader.stored_file, _root(), _name(name), _version(version), path, _type(request))
        etag = f'"{stored.digest}"'
        if request.headers.get("If-None-Match") == etag:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        response = FileResponse(open(stored.path, "rb"), as_attachment=True, filename=stored.path.name)  # noqa: SIM115
        response["ETag"] = etag
        return response


class VersionLineageView(APIView):
    def get(self, request: Request, name: str, version: str) -> HttpResponse:
        name, number, type_ = _name(name), _version(version), _type(request)
        max_depth = _int_param(request, "max_depth", 3)
        art = _call(reader.get_artifact, _root(), name, type_)
        return json_response(_call(lineage.build_lineage, _root(), art.type, name, number, max_depth))


class RunArtifactsView(APIView):
    def get(self, request: Request, run_id: str) -> HttpResponse:
        return json_response(_call(reader.run_artifacts, _root(), run_id))


def _optional_version(request: Request) -> int | None:
    raw = request.query_params.get("version")
    return None if raw in (None, "") else _version(raw)


class TrainingMetricsView(APIView):
    def get(self, request: Request, name: str) -> HttpResponse:
        name, number, type_ = _name(name), _optional_version(request), _type(request)
        return json_response(_call(training.training_metrics, _root(), name, number, type_))


class PerformanceHistoryView(APIView):
    def get(self, request: Request, name: str) -> HttpResponse:
        metric = request.query_params.get("metric_name") or None
        if metric is not None and len(metric) > 255:
            raise BadRequest("Invalid metric_name: at most 255 characters")
        return json_response(_call(training.performance_history, _root(), _name(name), _type(request), metric))
