"""The posts API as one DRF viewset: DRF's actions (list, create, retrieve, update,
partial_update, destroy) plus a ``like`` action answering POST (like) and DELETE (unlike).
It translates HTTP to the same service and selector calls as the FBV flavour."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from domain.posts import selectors, services
from domain.posts.models import Post
from interfaces.throttling import AnonPostCreateThrottle

from .. import serializers as api
from ..pagination import PostPagination
from ..parsers import JSONParser
from ..schema import CBV_SCHEMA as SCHEMA
from ..schema import PostAutoSchema


@extend_schema_view(
    **{
        name: extend_schema(**SCHEMA[name])
        for name in ("list", "create", "retrieve", "update", "partial_update", "destroy")
    }
)
class PostViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Post]):
    serializer_class = api.PostSerializer
    pagination_class = PostPagination
    parser_classes = [JSONParser, MultiPartParser]
    schema = PostAutoSchema()
    # Any id reaches get_object (DRF's default stops at dots), so malformed ones get a JSON 404.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Post]:
        filters = api.list_filters(self.request.query_params)
        return selectors.post_list(viewer=self.request.user, **filters)

    def get_object(self) -> Post:
        return selectors.post_get(post_id=self.kwargs["pk"], viewer=self.request.user)

    def get_throttles(self) -> list[BaseThrottle]:
        if self.action == "create":
            return [AnonPostCreateThrottle()]
        return super().get_throttles()

    def create(self, request: Request) -> Response:
        serializer = api.PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_create(author=request.user, **serializer.validated_data)
        return Response(self.get_serializer(post).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        post = self.get_object()
        serializer = api.PostUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        post = services.post_update(post=post, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(post).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        services.post_delete(post=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["POST"], **SCHEMA["like"])
    @extend_schema(methods=["DELETE"], **SCHEMA["unlike"])
    @action(detail=True, methods=["post", "delete"])
    def like(self, request: Request, pk: str) -> Response:
        post = self.get_object()
        if request.method == "POST":
            post = services.post_like(post=post, user=request.user)
        else:
            post = services.post_unlike(post=post, user=request.user)
        return Response(api.LikeStateSerializer(post).data)
