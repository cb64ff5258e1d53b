from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "interfaces.web"
    label = "web"
    verbose_name = "Web pages (Django FBV and CBV)"
