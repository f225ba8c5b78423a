from django.urls import path

from . import views

urlpatterns = [
    path("health", views.HealthView.as_view(), name="health"),
    path("system/monitor", views.SystemMonitorView.as_view(), name="system-monitor"),
    path("gpu/telemetry", views.GpuTelemetryView.as_view(), name="gpu-telemetry"),
    path("export/<str:run_id>/csv", views.ExportCsvView.as_view(), name="export-csv"),
    path("export/<str:run_id>/report", views.ExportReportView.as_view(), name="export-report"),
    path("environment/<str:run_id>", views.EnvironmentView.as_view(), name="run-environment"),
]
