from django.urls import path

from . import views

urlpatterns = [
    path("config", views.ConfigView.as_view(), name="config"),
    path("config/user_root_dir", views.UserRootDirView.as_view(), name="config-user-root-dir"),
    path("config/ssh_connections", views.SshConnectionsView.as_view(), name="config-ssh-connections"),
    path("config/ssh_connections/<str:key>", views.SshConnectionView.as_view(), name="config-ssh-connection"),
    path("config/ssh_connections/<str:key>/details", views.SshConnectionDetailsView.as_view(),
         name="config-ssh-connection-details"),
]
