"""/api/: accounts, tokens and the OpenAPI schema with its Swagger UI (the post resources of
each flavour are mounted by config.urls under /api/drf/fbv/ and /api/drf/cbv/)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

View = Callable[..., HttpResponseBase]


def unless_docs_are_off(view: View) -> View:
    """The schema and Swagger UI are public on purpose; settings.API_DOCS_ENABLED = False
    (env API_DOCS_ENABLED) makes them 404, read per request."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.API_DOCS_ENABLED:
            raise Http404("The API documentation is switched off.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="api-signup"),
    path("auth/activate/", views.ActivationView.as_view(), name="api-activate"),
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("schema/", unless_docs_are_off(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs/",
        # The split view serves Swagger UI's start-up script from ?script, not inline, and
        # rest/swagger_ui.html has no inline style: the Content-Security-Policy allows neither.
        unless_docs_are_off(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="rest/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]
