from django.urls import path

from . import views

urlpatterns = [
    path("workspaces/<str:page>", views.WorkspaceView.as_view(), name="workspace"),
]
