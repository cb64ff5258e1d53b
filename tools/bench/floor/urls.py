"""Floor endpoints: a list's own input and output, and nothing else.

A floor does what no list can do without, on the same stack (gunicorn, the middleware, DRF for
the API): it sends the first page's SQL on Django's connection, by hand; it reads the cache once
(two keys in one round trip, as the list's count does); and it answers the bytes of a page that
the real list served once, as they are. No ORM, no pagination, no serialization, no templates.
So no list can serve more requests per second than its floor, and a list's distance from it is
what μblog's own code costs (docs/performance.md, "Where the time goes").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache as once
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, resolve
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from domain.posts import selectors

PAGE_SIZE = 20
API_LIST = "/api/drf/fbv/posts/"
WEB_LIST = "/mtv/fbv/posts/"
# The count's read: the shape of post_count's (one MGET of a generation and a count), not its keys.
COUNT_KEYS = ("bench-floor:generation", "bench-floor:count")


@once
def _first_page_sql() -> tuple[str, tuple[Any, ...]]:
    """The anonymous first page's SQL, compiled by the ORM once per process."""
    queryset = selectors.post_list(viewer=AnonymousUser())[:PAGE_SIZE]
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _read_like_a_list() -> None:
    cache.get_many(COUNT_KEYS)
    sql, params = _first_page_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


_served: dict[str, Any] = {}


def _page_served_by(list_path: str, request: HttpRequest, decode: Callable[[bytes], Any]) -> Any:
    """What ``list_path``'s view answered to its first floor request, decoded once for the rest."""
    if list_path not in _served:
        response = resolve(list_path).func(request)
        if hasattr(response, "render"):  # DRF's Response and TemplateResponse render lazily
            response.render()
        _served[list_path] = decode(response.content)
    return _served[list_path]


# DRF's default authentication, permission and rendering, as the lists have.
@api_view(["GET"])
def api_floor(request: Request) -> Response:
    _read_like_a_list()
    # Rendered to JSON again on every request, as a list's page is.
    return Response(_page_served_by(API_LIST, request._request, json.loads))


def web_floor(request: HttpRequest) -> HttpResponse:
    _read_like_a_list()
    return HttpResponse(_page_served_by(WEB_LIST, request, bytes))


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench-floor/api/", api_floor),
    path("bench-floor/web/", web_floor),
    path("", include("config.urls")),
]
