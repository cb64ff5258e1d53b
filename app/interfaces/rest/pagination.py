"""DRF's page-number pagination with a client-chosen ``page_size`` capped like the domain's."""

from rest_framework.pagination import PageNumberPagination

from domain.posts.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


class PostPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
