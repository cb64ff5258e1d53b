from __future__ import annotations

from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "domain.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        # Registers the Celery tasks, which the services queue by name (Celery's autodiscovery
        # imports them only in a worker): a web process must know them too.
        from . import signals  # noqa: F401 (connects the receivers)
        from . import tasks  # noqa: F401
