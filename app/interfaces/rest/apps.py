from django.apps import AppConfig


class RestConfig(AppConfig):
    name = "interfaces.rest"
    label = "rest"
    verbose_name = "REST API (DRF FBV and CBV)"
