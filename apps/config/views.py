"""Config API: the storage root, saved SSH connections, UI preferences. Errors are ``{"detail": ...}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response
from apps.system.errors import BadRequest, NotFound, Unprocessable

from . import schemas, ssh_connections, storage_root, ui_preferences
from .validation import InvalidField

MAX_KEY_CHARS = 400


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise BadRequest("The body must be a JSON object")
    return request.data


def _key(key: str) -> str:
    if not key or len(key) > MAX_KEY_CHARS:
        raise NotFound(f"Connection not found: {key[:MAX_KEY_CHARS]}")
    return key


class ConfigView(APIView):
    @schemas.get_config
    def get(self, request: Request) -> HttpResponse:
        return json_response(storage_root.describe())


class UserRootDirView(APIView):
    @schemas.set_user_root_dir
    def post(self, request: Request) -> HttpResponse:
        try:
            return json_response(storage_root.switch_user_root(_body(request).get("path")))
        except storage_root.UnusableRoot as exc:
            raise BadRequest(f"Invalid path: {exc}") from None


class SshConnectionsView(APIView):
    @schemas.list_connections
    def get(self, request: Request) -> HttpResponse:
        return json_response({"connections": ssh_connections.list_saved()})

    @schemas.save_connection
    def post(self, request: Request) -> HttpResponse:
        try:
            record = ssh_connections.save(_body(request))
        except InvalidField as exc:
            raise BadRequest(f"Failed to save connection: {exc}") from None
        return json_response({"ok": True, "message": "SSH connection saved", "key": record["key"],
                              "connection": record})


class SshConnectionView(APIView):
    @schemas.delete_connection
    def delete(self, request: Request, key: str) -> HttpResponse:
        try:
            ssh_connections.delete(_key(key))
        except ssh_connections.ConnectionNotSaved:
            raise NotFound(f"Connection not found: {key}") from None
        return json_response({"ok": True, "message": "SSH connection removed"})


class SshConnectionDetailsView(APIView):
    @schemas.connection_details
    def get(self, request: Request, key: str) -> HttpResponse:
        try:
            record = ssh_connections.get_saved(_key(key))
        except ssh_connections.ConnectionNotSaved:
            raise NotFound(f"Connection not found: {key}") from None
        return json_response({"ok": True, "connection": record})


def _optional_name(request: Request, field: str) -> str | None:
    value = request.query_params.get(field)
    if value is None:
        return None
    try:
        return ui_preferences.clean_name(field, value)
    except InvalidField as exc:
        raise Unprocessable(str(exc)) from None


def _required_name(request: Request, field: str) -> str:
    value = _optional_name(request, field)
    if value is None:
        raise Unprocessable(f"Query parameter {field} is required")
    return value


def _reset_widths(request: Request) -> HttpResponse:
    table = _required_name(request, "table")
    ui_preferences.reset_column_widths(table, _optional_name(request, "size"))
    return json_response({"ok": True, "message": "Column width preferences reset"})


class ColumnWidthsView(APIView):
    @schemas.get_column_widths
    def get(self, request: Request) -> HttpResponse:
        table, size = _required_name(request, "table"), _required_name(request, "size")
        return json_response({"table": table, "size": size,
                              "widths": ui_preferences.get_column_widths(table, size)})

    @schemas.save_column_widths
    def post(self, request: Request) -> HttpResponse:
        body = _body(request)
        try:
            ui_preferences.save_column_widths(body.get("table"), body.get("size"), body.get("widths"),
                                              body.get("window_width"), body.get("window_height"))
        except InvalidField as exc:
            raise Unprocessable(str(exc)) from None
        return json_response({"ok": True, "message": "Column width preferences saved"})

    put = post  # the reference has POST only; PUT is what a REST client tries first

    @schemas.reset_column_widths
    def delete(self, request: Request) -> HttpResponse:
        return _reset_widths(request)


class ColumnWidthsResetView(APIView):
    @schemas.reset_column_widths
    def post(self, request: Request) -> HttpResponse:
        return _reset_widths(request)


def _alert_id(request: Request) -> str:
    try:
        return ui_preferences.clean_alert_id(_body(request).get("alert_id"))
    except InvalidField as exc:
        raise Unprocessable(str(exc)) from None


class DismissedAlertsView(APIView):
    @schemas.dismissed_alerts
    def get(self, request: Request) -> HttpResponse:
        return json_response({"dismissed_alerts": ui_preferences.dismissed_alerts()})


class DismissAlertView(APIView):
    @schemas.dismiss_alert
    def post(self, request: Request) -> HttpResponse:
        alert_id = _alert_id(request)
        try:
            ui_preferences.dismiss_alert(alert_id)
        except InvalidField as exc:
            raise BadRequest(str(exc)) from None
        return json_response({"ok": True, "message": f"Alert '{alert_id}' dismissed"})


class UndismissAlertView(APIView):
    @schemas.undismiss_alert
    def post(self, request: Request) -> HttpResponse:
        alert_id = _alert_id(request)
        ui_preferences.undismiss_alert(alert_id)
        return json_response({"ok": True, "message": f"Alert '{alert_id}' restored"})


class ClearDismissedAlertsView(APIView):
    @schemas.clear_dismissed_alerts
    def post(self, request: Request) -> HttpResponse:
        ui_preferences.clear_dismissed_alerts()
        return json_response({"ok": True, "message": "All dismissed alerts cleared"})
