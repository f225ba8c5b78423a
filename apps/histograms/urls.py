from django.urls import path

from . import views

urlpatterns = [
    path("runs/<str:run_id>/histograms", views.run_histograms, name="run-histograms"),
]
