from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organizations and users"

    def ready(self):
        from accounts.lockout import connect_signals

        connect_signals()
