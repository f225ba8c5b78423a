"""WebSocket routes of the system app (collected by runicorn_site.websocket_routes)."""

from django.urls import path

from .gpu_stream import GpuTelemetryConsumer

websocket_urlpatterns = [
    path("api/gpu/telemetry/ws", GpuTelemetryConsumer.as_asgi()),
]
