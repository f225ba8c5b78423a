from django.apps import AppConfig


class RemoteConfig(AppConfig):
    name = "apps.remote"
    label = "remote"
    verbose_name = "Remote servers"
