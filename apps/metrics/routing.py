"""WebSocket routes of the metrics app (collected by runicorn_site.websocket_routes)."""

from django.urls import path

from .consumers import LogsConsumer, MetricsConsumer

websocket_urlpatterns = [
    path("api/runs/<str:run_id>/logs/ws", LogsConsumer.as_asgi()),
    path("api/runs/<str:run_id>/metrics/ws", MetricsConsumer.as_asgi()),
]
