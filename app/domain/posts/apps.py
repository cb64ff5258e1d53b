from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "domain.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
