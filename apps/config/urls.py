from django.urls import path

from . import views

urlpatterns = [
    path("config", views.ConfigView.as_view(), name="config"),
    path("config/user_root_dir", views.UserRootDirView.as_view(), name="config-user-root-dir"),
    path("config/ssh_connections", views.SshConnectionsView.as_view(), name="config-ssh-connections"),
    path("config/ssh_connections/<str:key>", views.SshConnectionView.as_view(), name="config-ssh-connection"),
    path("config/ssh_connections/<str:key>/details", views.SshConnectionDetailsView.as_view(),
         name="config-ssh-connection-details"),
    path("config/column-widths", views.ColumnWidthsView.as_view(), name="config-column-widths"),
    path("config/column-widths/reset", views.ColumnWidthsResetView.as_view(), name="config-column-widths-reset"),
    path("config/dismissed-alerts", views.DismissedAlertsView.as_view(), name="config-dismissed-alerts"),
    path("config/dismissed-alerts/dismiss", views.DismissAlertView.as_view(), name="config-dismiss-alert"),
    path("config/dismissed-alerts/undismiss", views.UndismissAlertView.as_view(), name="config-undismiss-alert"),
    path("config/dismissed-alerts/clear", views.ClearDismissedAlertsView.as_view(), name="config-clear-alerts"),
]
