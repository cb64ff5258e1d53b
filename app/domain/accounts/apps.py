from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "domain.accounts"
    label = "accounts"
    verbose_name = "Accounts"
