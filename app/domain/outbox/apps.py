from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "domain.outbox"
    label = "outbox"
    verbose_name = "Outbox"
