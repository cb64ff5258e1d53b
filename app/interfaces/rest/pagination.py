"""DRF's page-number pagination with a client-chosen ``page_size``, held to the domain's bounds.

DRF silently replaces a bad ``page_size`` with the default; here it is a 400 like any other bad
parameter, so the schema can say ``1..100`` and mean it. An empty ``?page=`` is a 404 like any
other page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from domain.posts.selectors import PostPaginator, page_size_clean


class PostPagination(PageNumberPagination):
    django_paginator_class = PostPaginator
    page_size_query_param = "page_size"

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int | str:
        # DRF reads ``?page=`` as page 1; an empty value is as wrong as ``?page=x``.
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int:
        # The domain's rule and message; its ValidationError is a 400 (errors.py). Unlike a web
        # form's empty field, an empty ``?page_size=`` is not "not asked": the schema says 1..100.
        return page_size_clean(request.query_params.get(self.page_size_query_param))
