"""The API description and its two readers, served by the viewer itself so they work offline."""

from pathlib import Path

import drf_spectacular_sidecar
from django.conf import settings
from django.urls import path
from django.views.static import serve
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

# Swagger UI and ReDoc load their scripts from STATIC_URL/drf_spectacular_sidecar/...; daphne does
# not serve static files, so these few are served here, straight from the sidecar package.
_SIDECAR_STATIC = Path(drf_spectacular_sidecar.__file__).resolve().parent / "static"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="swagger-ui"),
    # Our page leaves out the stock template's web fonts from Google (offline, and private).
    path("redoc", SpectacularRedocView.as_view(url_name="openapi-schema", template_name="system/redoc.html"),
         name="redoc"),
    path(
        f"{settings.STATIC_URL.strip('/')}/drf_spectacular_sidecar/<path:path>",
        serve,
        {"document_root": _SIDECAR_STATIC / "drf_spectacular_sidecar"},
        name="openapi-static",
    ),
]
