from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "domain.posts"
    label = "posts"
    verbose_name = "Posts"
