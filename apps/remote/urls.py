from django.urls import path

from . import views

urlpatterns = [
    path("remote/connect", views.ConnectView.as_view(), name="remote-connect"),
    path("remote/connections", views.ConnectionsView.as_view(), name="remote-connections"),
    # Before remote/connections/<id>: "saved" is not a connection id.
    path("remote/connections/saved", views.SavedConnectionListView.as_view(), name="remote-connections-saved"),
    path("remote/connections/<str:connection_id>", views.ConnectionView.as_view(), name="remote-connection"),
    path("remote/environments", views.EnvironmentsView.as_view(), name="remote-environments"),
    path("remote/environments/detect", views.DetectEnvironmentsView.as_view(), name="remote-environments-detect"),
    path("remote/config", views.RemoteConfigView.as_view(), name="remote-config"),
    path("remote/viewer/start", views.ViewerStartView.as_view(), name="remote-viewer-start"),
    path("remote/viewer/stop", views.ViewerStopView.as_view(), name="remote-viewer-stop"),
    path("remote/viewer/status", views.ViewerStatusView.as_view(), name="remote-viewer-status"),
    path("remote/viewer/sessions", views.ViewerSessionsView.as_view(), name="remote-viewer-sessions"),
    path("remote/viewer/logs", views.ViewerLogsView.as_view(), name="remote-viewer-logs"),
    path("remote/health", views.HealthView.as_view(), name="remote-health"),
    path("remote/ping", views.PingView.as_view(), name="remote-ping"),
    path("remote/known-hosts", views.KnownHostsView.as_view(), name="remote-known-hosts"),
    path("remote/known-hosts/accept", views.KnownHostsAcceptView.as_view(), name="remote-known-hosts-accept"),
    path("remote/known-hosts/list", views.KnownHostsListView.as_view(), name="remote-known-hosts-list"),
    path("remote/known-hosts/remove", views.KnownHostsRemoveView.as_view(), name="remote-known-hosts-remove"),
]
