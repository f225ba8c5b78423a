from django.urls import path

from . import views

urlpatterns = [
    path("health", views.HealthView.as_view(), name="health"),
    path("gpu/telemetry", views.GpuTelemetryView.as_view(), name="gpu-telemetry"),
]
