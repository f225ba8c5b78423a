from django.urls import path

from . import views

urlpatterns = [
    path("runs", views.RunListView.as_view(), name="runs-list"),
    path("runs/soft-delete", views.SoftDeleteView.as_view(), name="runs-soft-delete"),
    path("runs/<str:run_id>", views.RunDetailView.as_view(), name="runs-detail"),
    path("recycle-bin", views.RecycleBinView.as_view(), name="recycle-bin"),
    path("recycle-bin/restore", views.RestoreView.as_view(), name="recycle-bin-restore"),
    path("recycle-bin/empty", views.EmptyRecycleBinView.as_view(), name="recycle-bin-empty"),
    path("status/check", views.StatusCheckView.as_view(), name="status-check"),
    path("projects", views.ProjectListView.as_view(), name="projects"),
    path("projects/<str:project>/names", views.NameListView.as_view(), name="project-names"),
    path("projects/<str:project>/names/<str:name>/runs", views.NameRunListView.as_view(), name="project-name-runs"),
]
