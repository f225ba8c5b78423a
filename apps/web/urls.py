from django.urls import re_path

from . import views

# Everything that is not the API, the admin, static files or the API docs is a client-side route.
urlpatterns = [
    re_path(r"^(?!api/|api$|admin/|static/|assets/|openapi|docs|redoc)(?P<path>.*)$", views.spa_index, name="spa"),
]
