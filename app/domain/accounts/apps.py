from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "domain.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the Celery tasks, which the services queue by name (Celery's autodiscovery
        # imports them only in a worker): a web process must know them too.
        from . import tasks  # noqa: F401
