"""ASGI entry point: HTTP through Django, WebSocket through Channels' URL router."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from apps.accounts.websocket import websocket_access  # noqa: E402

from .server_tweaks import install as install_server_tweaks  # noqa: E402
from .server_tweaks import track_open_sockets  # noqa: E402
from .websocket_routes import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Team profile: a login or an API token before any consumer runs (apps.accounts.websocket);
        # open sockets are closed with 1001 when the server stops (server_tweaks).
        "websocket": track_open_sockets(websocket_access(URLRouter(websocket_urlpatterns))),
    }
)
install_server_tweaks()

if settings.RUNICORN_START_INDEXER:
    from apps.runs.watcher import start_watcher

    start_watcher()

if settings.RUNICORN_TASKS_EMBEDDED and settings.RUNICORN_EMBEDDED_BEAT:
    # No broker server in the embedded profile: the Celery beat schedule runs in this process.
    from apps.jobs.beat import start_embedded_beat

    start_embedded_beat()
