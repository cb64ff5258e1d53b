"""DRF's page-number pagination with a client-chosen ``page_size``, held to the domain's bounds.

DRF silently replaces a bad ``page_size`` with the default; here it is a 400 like any other bad
parameter, so the schema can say ``1..100`` and mean it. An empty ``?page=`` is a 404 like any
other page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from domain.posts.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PostPaginator


class PostPagination(PageNumberPagination):
    django_paginator_class = PostPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int | str:
        # DRF reads ``?page=`` as page 1; an empty value is as wrong as ``?page=x``.
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        try:
            page_size = int(value)
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Choose a whole number between 1 and {self.max_page_size}."]}
            )
        return page_size
