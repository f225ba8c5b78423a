"""Remote API views: parse the request, call :mod:`apps.remote.services`, answer JSON.

Every error is ``{"success": false, "error": <code>, "message": ...}`` (host keys to confirm: 409
with the ``detail`` object as well); an unexpected fault is logged and answers ``internal_error``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.config import connection_list
from apps.config.validation import InvalidField
from apps.runs.responses import json_response
from apps.system.errors import Unprocessable

from . import schemas, services
from .errors import RemoteError, invalid

log = logging.getLogger(__name__)


class RemoteView(APIView):
    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, RemoteError):
            return json_response(exc.body(), exc.status)
        if isinstance(exc, exceptions.ParseError):
            return json_response(invalid("The body is not valid JSON").body(), 400)
        if isinstance(exc, exceptions.APIException):  # 405, 415, ... from DRF itself
            body = {"success": False, "error": exc.default_code, "message": str(exc.detail)}
            return json_response(body, exc.status_code)
        log.exception("remote API: %s %s failed", self.request.method, self.request.path)
        return json_response({"success": False, "error": "internal_error",
                              "message": "Internal error; see the viewer's log for the cause"}, 500)


def body_of(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise invalid("The body must be a JSON object")
    return request.data


class ConnectView(RemoteView):
    @schemas.connect
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.connect(body_of(request)))


class ConnectionsView(RemoteView):
    @schemas.list_connections
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.list_connections())


class ConnectionView(RemoteView):
    @schemas.disconnect
    def delete(self, request: Request, connection_id: str) -> HttpResponse:
        return json_response(services.disconnect(connection_id, request.query_params.get("cleanup_viewer")))


class EnvironmentsView(RemoteView):
    @schemas.environments
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        return json_response(services.list_environments(params.get("connection_id"), params.get("filter")))


class DetectEnvironmentsView(RemoteView):
    @schemas.detect
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.detect_environments(body_of(request)))


class RemoteConfigView(RemoteView):
    @schemas.remote_config
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        return json_response(services.remote_config(params.get("connection_id"), params.get("env_name")))


class ViewerStartView(RemoteView):
    @schemas.viewer_start
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.start_viewer(body_of(request)))


class ViewerStopView(RemoteView):
    @schemas.viewer_stop
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.stop_viewer(body_of(request)))


class ViewerStatusView(RemoteView):
    @schemas.viewer_status
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.viewer_status(request.query_params.get("connection_id")))


class ViewerLogsView(RemoteView):
    @schemas.viewer_logs
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        return json_response(services.viewer_logs(params.get("connection_id"), params.get("lines")))


class HealthView(RemoteView):
    @schemas.health
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.health(request.query_params.get("connection_id")))


class PingView(RemoteView):
    @schemas.ping
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.ping(request.query_params.get("connection_id")))


class KnownHostsView(RemoteView):
    @schemas.known_hosts_list
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.list_known_hosts())

    @schemas.known_hosts_remove
    def delete(self, request: Request) -> HttpResponse:
        # Query parameters (DELETE bodies are often dropped by proxies), or a JSON body.
        data = dict(request.query_params.items()) or body_of(request)
        return json_response(services.remove_known_host(data))


class KnownHostsAcceptView(RemoteView):
    @schemas.known_hosts_accept
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.accept_host_key(body_of(request)))


class KnownHostsListView(KnownHostsView):
    """``GET /api/remote/known-hosts/list``: the newer reference's name for the list."""

    http_method_names = ["get", "options"]


class KnownHostsRemoveView(RemoteView):
    """``POST /api/remote/known-hosts/remove``: the newer reference's way to remove."""

    @schemas.known_hosts_remove_post
    def post(self, request: Request) -> HttpResponse:
        return json_response(services.remove_known_host(body_of(request)))


class SavedConnectionListView(APIView):
    """The reference web UI's saved connections: read whole, written back whole ({"detail"} errors)."""

    @schemas.saved_list
    def get(self, request: Request) -> HttpResponse:
        return json_response({"ok": True, "connections": connection_list.list_saved()})

    @schemas.saved_replace
    def post(self, request: Request) -> HttpResponse:
        try:
            connection_list.replace_all(request.data)
        except InvalidField as exc:
            raise Unprocessable(str(exc)) from None
        return json_response({"ok": True, "message": "Connections saved successfully"})


class ViewerSessionsView(RemoteView):
    @schemas.viewer_sessions
    def get(self, request: Request) -> HttpResponse:
        return json_response(services.viewer_sessions())
