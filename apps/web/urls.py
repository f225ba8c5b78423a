from django.urls import path, re_path

from . import media, views

urlpatterns = [
    # A run's images (apps.runs' routes take one segment after runs/, so these are never shadowed).
    path("api/runs/<str:run_id>/images", media.run_images, name="run-images"),
    re_path(r"^api/runs/(?P<run_id>[^/]+)/media/(?P<path>.+)$", media.run_media, name="run-media"),
    # Everything that is not the API, the admin, static files or the API docs is a client-side route.
    re_path(r"^(?!api/|api$|admin/|static/|assets/|openapi|docs|redoc)(?P<path>.*)$", views.spa_index, name="spa"),
]
