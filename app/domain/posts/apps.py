from __future__ import annotations

from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "domain.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the receivers)
