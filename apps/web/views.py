"""The single-page app: index.html for every client-side route.

Hashed assets under /assets/ are served by WhiteNoise (middleware) with long cache lifetimes;
index.html itself is never cached so a new build is picked up on the next load.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse


def spa_index(request: HttpRequest, path: str = "") -> HttpResponse:
    index = settings.RUNICORN_FRONTEND_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(
            "<h1>Runicorn</h1><p>The web UI has not been built. Run <code>make setup</code> "
            "(or <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>); the API is at "
            "<a href='/api/health'>/api/health</a>.</p>",
            status=503,
        )
    response = FileResponse(open(index, "rb"), content_type="text/html; charset=utf-8")  # noqa: SIM115
    response["Cache-Control"] = "no-cache"
    return response
