"""WebSocket routes of every app, collected in one list for the ASGI router."""

from __future__ import annotations

from typing import Any

from apps.metrics.routing import websocket_urlpatterns as metrics_ws
from apps.system.routing import websocket_urlpatterns as system_ws

websocket_urlpatterns: list[Any] = []
websocket_urlpatterns += system_ws
websocket_urlpatterns += metrics_ws
