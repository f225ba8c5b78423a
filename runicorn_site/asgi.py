"""ASGI entry point: HTTP through Django, WebSocket through Channels' URL router."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from apps.accounts.websocket import websocket_access  # noqa: E402

from .server_tweaks import install as install_server_tweaks  # noqa: E402
from .server_tweaks import track_open_sockets  # noqa: E402
from .websocket_routes import websocket_urlpatterns  # noqa: E402

# The URLconf and every view module imported now rather than by the first request: after a
# restart the first chart would otherwise wait ~0.5 s for imports (measured on a run's detail).
get_resolver().url_patterns  # noqa: B018 - the property imports them

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
    from apps.config.follow import start_following
    from apps.metrics import builder
    from apps.runs.watcher import start_watcher

    start_watcher()
    start_following()  # `runicorn config --set-user-root` moves a running viewer too
    builder.start()

if settings.RUNICORN_TASKS_EMBEDDED and settings.RUNICORN_EMBEDDED_BEAT:
    # No broker server in the embedded profile: the Celery beat schedule runs in this process.
    from apps.jobs.beat import start_embedded_beat

    start_embedded_beat()
