from django.urls import path

from . import views

# ``v2/experiments/<exp_id>`` matches one path segment only, so apps.metrics' route
# ``v2/experiments/<exp_id>/metrics/fast`` is never shadowed by it.
urlpatterns = [
    path("v2/experiments", views.ExperimentListView.as_view(), name="v2-experiments"),
    path("v2/experiments/columns", views.ExperimentColumnsView.as_view(), name="v2-experiment-columns"),
    path("v2/experiments/batch-delete", views.BatchDeleteView.as_view(), name="v2-experiments-batch-delete"),
    path("v2/experiments/<str:exp_id>", views.ExperimentDetailView.as_view(), name="v2-experiment-detail"),
    path("v2/analytics/summary", views.AnalyticsSummaryView.as_view(), name="v2-analytics-summary"),
]
