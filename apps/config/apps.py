from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "apps.config"
    label = "runicorn_config"
    verbose_name = "Configuration"
