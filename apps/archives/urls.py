from django.urls import path

from . import views

urlpatterns = [
    path("runs/export", views.ExportView.as_view(), name="runs-export"),
    path("import/preview", views.ImportPreviewView.as_view(), name="import-preview"),
    path("import/archive", views.ImportArchiveView.as_view(), name="import-archive"),
]
