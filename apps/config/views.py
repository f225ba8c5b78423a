"""Config API: the storage root and saved SSH connections. Errors are ``{"detail": ...}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response
from apps.system.errors import BadRequest, NotFound

from . import schemas, ssh_connections, storage_root
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
