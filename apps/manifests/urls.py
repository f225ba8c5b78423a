from django.urls import path

from . import views

urlpatterns = [
    path("manifest/generate", views.GenerateManifestView.as_view(), name="manifest-generate"),
    path("manifest/tasks/<str:task_id>", views.ManifestTaskView.as_view(), name="manifest-task"),
]
