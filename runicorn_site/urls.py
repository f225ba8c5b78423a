from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("apps.system.docs_urls")),  # /openapi.json, /docs, /redoc
    # Before apps.runs: it owns runs/<run_id>/artifacts.
    path("api/", include("apps.artifacts.urls")),
    # Before apps.runs too: runs/export would otherwise be taken for a run id.
    path("api/", include("apps.archives.urls")),
    path("api/", include("apps.runs.urls")),
    path("api/", include("apps.experiments.urls")),
    path("api/", include("apps.system.urls")),
    path("api/", include("apps.manifests.urls")),
    path("api/", include("apps.metrics.urls")),
    path("api/", include("apps.accounts.urls")),
    path("api/", include("apps.config.urls")),
    path("api/", include("apps.remote.urls")),
    path("api/", include("apps.ingest.urls")),
    path("api/", include("apps.histograms.urls")),
    path("api/", include("apps.workspaces.urls")),
    # Keep last: the single-page app answers every other path.
    path("", include("apps.web.urls")),
]

handler404 = "apps.system.errors.json_404"
handler500 = "apps.system.errors.json_500"
