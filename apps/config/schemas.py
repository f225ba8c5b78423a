"""``@extend_schema`` of the Config API views."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import BOOL, ERROR, INT, STR, arr, obj

TAGS = ["config"]
KEY_PARAM = OpenApiParameter("key", str, OpenApiParameter.PATH, description="Connection key, host:port@username")
NOT_SAVED = OpenApiResponse(ERROR, "No saved connection with this key",
                            [OpenApiExample("unknown", {"detail": "Connection not found: gpu:22@me"})])
SAVED = obj(
    ("key", "host", "port", "username", "has_password", "has_private_key"),
    key=STR, host=STR, port=INT, username=STR, name=STR, auth_method=STR, remember_password=BOOL,
    private_key_path=STR, saved_at=STR, has_password=BOOL, has_private_key=BOOL, has_passphrase=BOOL,
)
SAVED_EXAMPLE = {
    "key": "gpu-server.com:22@mluser", "host": "gpu-server.com", "port": 22, "username": "mluser",
    "name": "GPU box", "auth_method": "password", "remember_password": True, "saved_at": "2025-01-14T15:30:45+00:00",
    "has_password": True, "has_private_key": False, "has_passphrase": False,
}

get_config = extend_schema(
    summary="The configuration: user root directory, the storage root served, config file, version",
    tags=TAGS,
    responses={200: OpenApiResponse(
        obj(("user_root_dir", "storage", "config_file", "version"),
            user_root_dir=STR, storage=STR, storage_source=STR, config_file=STR, version=STR),
        "The configuration",
        [OpenApiExample("default", {"user_root_dir": "/data/runicorn", "storage": "/data/runicorn",
                                    "storage_source": "user config",
                                    "config_file": "/home/me/.config/runicorn/config.json", "version": "0.6.0"})],
    )},
)

# Not in the OpenAPI description: a schema-driven fuzzer would create directories at random
# absolute paths and move the viewer it tests onto them. Documented in the README.
set_user_root_dir = extend_schema(exclude=True)

list_connections = extend_schema(
    summary="Saved SSH connections (secrets never included: has_password / has_private_key only)",
    tags=TAGS,
    responses={200: OpenApiResponse(obj(("connections",), connections=arr(SAVED)), "The saved connections",
                                    [OpenApiExample("one", {"connections": [SAVED_EXAMPLE]})])},
)

save_connection = extend_schema(
    summary="Save an SSH connection (secrets kept only with remember_password, encrypted at rest)",
    tags=TAGS,
    request={"application/json": obj(
        ("host", "username"),
        host=STR, port={**INT, "minimum": 1, "maximum": 65535}, username=STR, name=STR,
        auth_method={"type": "string", "enum": ["password", "key", "agent"]}, remember_password=BOOL,
        password=STR, private_key=STR, private_key_path=STR, passphrase=STR,
    )},
    responses={
        200: OpenApiResponse(obj(("ok", "key"), ok=BOOL, message=STR, key=STR, connection=SAVED), "Saved",
                             [OpenApiExample("saved", {"ok": True, "message": "SSH connection saved",
                                                       "key": SAVED_EXAMPLE["key"], "connection": SAVED_EXAMPLE})]),
        400: OpenApiResponse(ERROR, "A field is missing or malformed",
                             [OpenApiExample("no host", {"detail": "Failed to save connection: host is required"})]),
    },
)

delete_connection = extend_schema(
    summary="Delete a saved SSH connection",
    tags=TAGS,
    parameters=[KEY_PARAM],
    responses={200: OpenApiResponse(obj(("ok",), ok=BOOL, message=STR), "Deleted"), 404: NOT_SAVED},
)

connection_details = extend_schema(
    summary="One saved SSH connection (without its secrets; POST /api/remote/connect with saved_key uses them)",
    tags=TAGS,
    parameters=[KEY_PARAM],
    responses={200: OpenApiResponse(obj(("ok", "connection"), ok=BOOL, connection=SAVED), "The connection"),
               404: NOT_SAVED},
)
