"""Root URLs: the five interfaces, each under its own prefix (/mtv/, /api/drf/, /graphql/).

/healthz is answered by `config.middleware.healthz`, before the Host header is validated.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve


def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Uploads, for runs where nothing else serves them (production puts them on S3)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("interfaces.web.urls")),
    path("mtv/fbv/", include(("interfaces.web.fbv.urls", "web"), namespace="fbv")),
    path("mtv/cbv/", include(("interfaces.web.cbv.urls", "web"), namespace="cbv")),
    path("api/", include("interfaces.rest.urls")),
    path("api/drf/fbv/", include(("interfaces.rest.fbv.urls", "rest"), namespace="drf-fbv")),
    path("api/drf/cbv/", include(("interfaces.rest.cbv.urls", "rest"), namespace="drf-cbv")),
    path("graphql/", include("interfaces.graphql.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media)]
