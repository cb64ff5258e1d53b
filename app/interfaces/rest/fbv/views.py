"""The posts API as DRF function-based views: one ``@api_view`` function per URL, branching on
the method. Each translates HTTP to a service or selector call; errors go through errors.py."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes, schema, throttle_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from domain.posts import selectors, services
from domain.posts.models import Post
from interfaces.throttling import AnonPostCreateThrottle

from .. import serializers as api
from ..pagination import PostPagination
from ..parsers import JSONParser
from ..schema import FBV_SCHEMA as SCHEMA
from ..schema import PostAutoSchema


def _post(request: Request, pk: str) -> Post:
    return selectors.post_get(post_id=pk, viewer=request.user)


def _output(request: Request, post: Post, status: int = status.HTTP_200_OK) -> Response:
    return Response(api.PostSerializer(post, context={"request": request}).data, status=status)


@extend_schema(methods=["GET"], **SCHEMA["list"])
@extend_schema(methods=["POST"], **SCHEMA["create"])
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser])
@throttle_classes([AnonPostCreateThrottle])
def post_list(request: Request) -> Response:
    if request.method == "POST":
        serializer = api.PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_create(author=request.user, **serializer.validated_data)
        return _output(request, post, status.HTTP_201_CREATED)
    posts = selectors.post_list(viewer=request.user, **api.list_filters(request.query_params))
    paginator = PostPagination()
    page = paginator.paginate_queryset(posts, request)
    output = api.PostSerializer(page, many=True, context={"request": request})
    return paginator.get_paginated_response(output.data)


@extend_schema(methods=["GET"], **SCHEMA["retrieve"])
@extend_schema(methods=["PUT"], **SCHEMA["update"])
@extend_schema(methods=["PATCH"], **SCHEMA["partial_update"])
@extend_schema(methods=["DELETE"], **SCHEMA["destroy"])
@api_view(["GET", "PUT", "PATCH", "DELETE"])
@parser_classes([JSONParser, MultiPartParser])
@schema(PostAutoSchema())
def post_detail(request: Request, pk: str) -> Response:
    post = _post(request, pk)
    if request.method == "GET":
        return _output(request, post)
    if request.method == "DELETE":
        services.post_delete(post=post, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
    serializer = api.PostUpdateSerializer(data=request.data, partial=request.method == "PATCH")
    serializer.is_valid(raise_exception=True)
    post = services.post_update(post=post, actor=request.user, **serializer.validated_data)
    return _output(request, post)


@extend_schema(methods=["POST"], **SCHEMA["like"])
@extend_schema(methods=["DELETE"], **SCHEMA["unlike"])
@api_view(["POST", "DELETE"])
def post_like(request: Request, pk: str) -> Response:
    post = _post(request, pk)
    if request.method == "POST":
        post = services.post_like(post=post, user=request.user)
    else:
        post = services.post_unlike(post=post, user=request.user)
    return Response(api.LikeStateSerializer(post).data)
