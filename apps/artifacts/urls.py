"""Routes of the artifacts API. Included before apps.runs.urls so ``runs/<id>/artifacts`` is ours.

The version segment is captured as text (``v<anything>``) and validated in the view, so a bad
version is a 400 with a reason rather than a bare 404.
"""

from django.urls import path, re_path

from . import views

_NAME = r"(?P<name>[^/]+)"
_VERSION = r"v(?P<version>[^/]+)"

urlpatterns = [
    path("artifacts", views.ArtifactListView.as_view(), name="artifacts-list"),
    path("artifacts/stats", views.ArtifactStatsView.as_view(), name="artifacts-stats"),
    re_path(rf"^artifacts/{_NAME}/versions$", views.VersionListView.as_view(), name="artifact-versions"),
    re_path(rf"^artifacts/{_NAME}/training-metrics$", views.TrainingMetricsView.as_view(),
            name="artifact-training-metrics"),
    re_path(rf"^artifacts/{_NAME}/performance-history$", views.PerformanceHistoryView.as_view(),
            name="artifact-performance-history"),
    re_path(rf"^artifacts/{_NAME}/{_VERSION}$", views.VersionDetailView.as_view(), name="artifact-version"),
    re_path(rf"^artifacts/{_NAME}/{_VERSION}/restore$", views.VersionRestoreView.as_view(), name="artifact-restore"),
    re_path(rf"^artifacts/{_NAME}/{_VERSION}/files$", views.VersionFilesView.as_view(), name="artifact-files"),
    re_path(rf"^artifacts/{_NAME}/{_VERSION}/files/(?P<path>.+)$", views.VersionFileDownloadView.as_view(),
            name="artifact-file"),
    re_path(rf"^artifacts/{_NAME}/{_VERSION}/lineage$", views.VersionLineageView.as_view(), name="artifact-lineage"),
    path("runs/<str:run_id>/artifacts", views.RunArtifactsView.as_view(), name="run-artifacts"),
]
