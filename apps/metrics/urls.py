from django.urls import path

from . import views

urlpatterns = [
    path("runs/<str:run_id>/metrics", views.metrics_by_time, name="run-metrics"),
    path("runs/<str:run_id>/metrics_step", views.metrics_by_step, name="run-metrics-step"),
    path("metrics/cache/stats", views.cache_stats, name="metrics-cache-stats"),
    path("v2/experiments/<str:exp_id>/metrics/fast", views.metrics_fast, name="v2-experiment-metrics-fast"),
]
