from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and API tokens"

    def ready(self) -> None:
        from . import lockout, openapi  # noqa: F401 - lockout's signal receivers; openapi's security schemes
