from django.urls import path

from . import views

urlpatterns = [
    path("ingest/runs", views.RunsView.as_view(), name="ingest-runs"),
    path("ingest/runs/<str:run_id>", views.RunView.as_view(), name="ingest-run"),
    path("ingest/runs/<str:run_id>/append/<str:file_name>", views.AppendView.as_view(), name="ingest-append"),
    path("ingest/runs/<str:run_id>/files/<str:file_name>", views.DocumentView.as_view(), name="ingest-document"),
    path("ingest/runs/<str:run_id>/media/<str:file_name>", views.MediaView.as_view(), name="ingest-media"),
    path("ingest/runs/<str:run_id>/artifacts", views.ArtifactVersionView.as_view(), name="ingest-artifact-version"),
    path("ingest/blobs/missing", views.MissingBlobsView.as_view(), name="ingest-blobs-missing"),
    path("ingest/blobs/<str:digest>", views.BlobView.as_view(), name="ingest-blob"),
]
