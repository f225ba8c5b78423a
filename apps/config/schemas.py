"""``@extend_schema`` of the Config API views."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import BOOL, ERROR, INT, STR, arr, obj
from apps.system.openapi import nullable as n

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
            user_root_dir=STR, storage=STR, config_file=STR, version=STR),
        "The configuration",
        [OpenApiExample("default", {"user_root_dir": "/data/runicorn", "storage": "/data/runicorn",
                                    "config_file": "/home/me/.config/runicorn/config.json", "version": "0.6.0"})],
    )},
)

# The API fuzz test leaves this operation out (it would move the viewer it tests onto random paths).
set_user_root_dir = extend_schema(
    summary="Switch the storage root: saved as user_root_dir in the user config file, served at once",
    tags=TAGS,
    description="The directory is created when missing and must be writable. The viewer re-indexes the new root.",
    request={"application/json": obj(("path",), path=STR)},
    examples=[OpenApiExample("switch", {"path": "/data/runicorn"}, request_only=True)],
    responses={
        200: OpenApiResponse(
            obj(("ok", "user_root_dir", "storage"), ok=BOOL, user_root_dir=STR, storage=STR, message=STR),
            "Switched",
            [OpenApiExample("switched", {"ok": True, "user_root_dir": "/data/runicorn", "storage": "/data/runicorn",
                                         "message": "User root directory updated successfully"})],
        ),
        400: OpenApiResponse(
            ERROR, "The path is missing, relative, or cannot be created or written",
            [OpenApiExample("relative", {"detail": "Invalid path: path must be absolute, got 'data'"})],
        ),
    },
)

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

# ---------------------------------------------------------------------------- UI preferences

NAME = {"type": "string", "pattern": r"^[\w.:-]{1,64}$"}
TABLE_PARAM = OpenApiParameter("table", NAME, OpenApiParameter.QUERY, required=True,
                               description="The table, e.g. experiments")
SIZE_PARAM = OpenApiParameter("size", NAME, OpenApiParameter.QUERY, required=True,
                              description="The window size bucket the widths are for, e.g. 1400x900")
SIZE_OPTIONAL = OpenApiParameter("size", NAME, OpenApiParameter.QUERY,
                                 description="Only this size (default: every size of the table)")
WIDTHS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100000},
          "maxProperties": 500}
OK = obj(("ok", "message"), ok=BOOL, message=STR)
INVALID = OpenApiResponse(ERROR, "A parameter or field is missing or malformed",
                          [OpenApiExample("missing", {"detail": "Query parameter size is required"})])

get_column_widths = extend_schema(
    summary="Saved column widths of a table at a window size ({} when none are saved)",
    tags=TAGS,
    description=("Per machine in the embedded profile (the user config file, key column_widths, as the reference "
                 "keeps it); per signed-in user in the team profile. Both web UIs use it."),
    parameters=[TABLE_PARAM, SIZE_PARAM],
    responses={200: OpenApiResponse(
        obj(("table", "size", "widths"), table=STR, size=STR, widths=WIDTHS), "The widths, by column",
        [OpenApiExample("saved", {"table": "experiments", "size": "1400x900", "widths": {"name": 220, "status": 90}})],
    ), 422: INVALID},
)

save_column_widths = extend_schema(
    summary="Save the column widths of a table at a window size (replaces what was saved)",
    tags=TAGS,
    request={"application/json": obj(
        ("table", "size", "widths"), table=NAME, size=NAME, widths=WIDTHS,
        window_width=n({"type": "integer", "minimum": 0, "maximum": 100000}),
        window_height=n({"type": "integer", "minimum": 0, "maximum": 100000}),
    )},
    examples=[OpenApiExample("save", {"table": "experiments", "size": "1400x900", "widths": {"name": 220},
                                      "window_width": 1440, "window_height": 900}, request_only=True)],
    responses={200: OpenApiResponse(OK, "Saved", [OpenApiExample(
        "saved", {"ok": True, "message": "Column width preferences saved"})]), 422: INVALID},
)

reset_column_widths = extend_schema(
    summary="Forget the column widths of a table (at one size, or at every size)",
    tags=TAGS, request=None,
    parameters=[TABLE_PARAM, SIZE_OPTIONAL],
    responses={200: OpenApiResponse(OK, "Reset", [OpenApiExample(
        "reset", {"ok": True, "message": "Column width preferences reset"})]), 422: INVALID},
)

ALERT_BODY = {"application/json": obj(("alert_id",), alert_id={"type": "string", "maxLength": 200})}
ALERT_EXAMPLE = [OpenApiExample("alert", {"alert_id": "storage-root-warning"}, request_only=True)]

dismissed_alerts = extend_schema(
    summary="Ids of the alerts the user chose not to see again",
    tags=TAGS,
    responses={200: OpenApiResponse(obj(("dismissed_alerts",), dismissed_alerts=arr(STR)), "The ids",
                                    [OpenApiExample("one", {"dismissed_alerts": ["storage-root-warning"]})])},
)

dismiss_alert = extend_schema(
    summary="Do not show an alert again (idempotent)",
    tags=TAGS, request=ALERT_BODY, examples=ALERT_EXAMPLE,
    responses={200: OpenApiResponse(OK, "Dismissed", [OpenApiExample(
        "dismissed", {"ok": True, "message": "Alert 'storage-root-warning' dismissed"})]),
        400: OpenApiResponse(ERROR, "Already 1000 alerts dismissed"), 422: INVALID},
)

undismiss_alert = extend_schema(
    summary="Show a dismissed alert again (idempotent)",
    tags=TAGS, request=ALERT_BODY, examples=ALERT_EXAMPLE,
    responses={200: OpenApiResponse(OK, "Restored", [OpenApiExample(
        "restored", {"ok": True, "message": "Alert 'storage-root-warning' restored"})]), 422: INVALID},
)

clear_dismissed_alerts = extend_schema(
    summary="Show every dismissed alert again",
    tags=TAGS, request=None,
    responses={200: OpenApiResponse(OK, "Cleared", [OpenApiExample(
        "cleared", {"ok": True, "message": "All dismissed alerts cleared"})])},
)
