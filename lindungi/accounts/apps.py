from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindungi.accounts"
    label = "accounts"
    verbose_name = "Accounts"
