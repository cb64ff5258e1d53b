"""The OpenAPI description of both flavours, written once.

``post_operations(flavour)`` gives each view its ``extend_schema``: same bodies, responses and
errors for FBV and CBV, with operation ids and tags prefixed by the flavour so they stay unique.
The extensions make the schema as strict as the API really is (no unknown fields, no NUL), so
a client generated from it, or schemathesis, sends what the server accepts.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    Direction,
    OpenApiExample,
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
)
from rest_framework import serializers

from domain.posts.selectors import MAX_PAGE_SIZE

from . import serializers as api

MULTIPART, JSON = "multipart/form-data", "application/json"
# The formats domain.posts.images accepts, so clients (and schemathesis) send real images.
IMAGE_ENCODING = {"image": {"contentType": "image/jpeg, image/png, image/gif, image/webp"}}


Schema = dict[str, Any]


class ValidationErrorSerializer(serializers.Serializer[Any]):
    """Field name → messages; ``detail`` alone when the body could not be parsed at all."""

    detail = serializers.CharField(required=False)


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> Schema:
        schema: Schema = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        schema["additionalProperties"] = {"type": "array", "items": {"type": "string"}}
        return schema


class StrictSerializerExtension(OpenApiSerializerExtension):
    target_class = api.StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> Schema:
        schema: Schema = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        schema["additionalProperties"] = False
        if self.target.min_properties:
            schema["minProperties"] = self.target.min_properties
        return schema


class TextFieldExtension(OpenApiSerializerFieldExtension):
    target_class = api.TextField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> Schema:
        schema: Schema = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        return {**schema, **self.target.schema}


class PostAutoSchema(AutoSchema):
    """A PATCH must carry a body (an empty one is refused, see PostUpdateBodySerializer);
    drf-spectacular marks a PATCH body optional because DRF makes every field optional."""

    def _get_request_body(self, direction: Direction = "request") -> Schema | None:
        request_body: Schema | None
        # drf-spectacular leaves this hook unannotated (untyped_calls_exclude misses super()).
        request_body = super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        if request_body and self.method == "PATCH":
            request_body["required"] = True
        return request_body


def error(
    description: str, serializer: type[serializers.Serializer[Any]] = api.DetailSerializer
) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


INVALID = error("Invalid input: messages per field.", ValidationErrorSerializer)
UNAUTHENTICATED = error("Not signed in, or the token is invalid, expired or of an inactive user.")
FORBIDDEN = error("Signed in, but not allowed: only the author or staff edit and delete a post.")
NOT_FOUND = error("No post with this id.")
THROTTLED = error("Too many requests; retry after the number of seconds in Retry-After.")
UNSUPPORTED = error("The Content-Type of the body is not one this operation accepts.")
PAGE_NOT_FOUND = error("No post with this id, or no such page.")

POST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Post id.")
LIST_PARAMETERS = [
    OpenApiParameter(
        "page", OpenApiTypes.INT, description="Page number, from 1 (404 past the last page)."
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Posts per page, 1 to {MAX_PAGE_SIZE}.",
    ),
    OpenApiParameter(
        "search",
        OpenApiTypes.STR,
        description="Only posts whose text contains this, ignoring case.",
    ),
    OpenApiParameter("author", OpenApiTypes.INT, description="Only posts by this account id."),
]
SIGNED_IN_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}
CREATE_EXAMPLE = OpenApiExample(
    "A short post", value={"body": "Hello from the API"}, request_only=True
)


def post_operations(flavour: str) -> dict[str, dict[str, Any]]:
    """``extend_schema`` arguments for the post operations of one flavour ("fbv" or "cbv")."""
    tags = [f"posts (DRF {flavour.upper()})"]

    def operation(name: str, summary: str, **kwargs: Any) -> dict[str, Any]:
        return dict(operation_id=f"{flavour}_{name}", summary=summary, tags=tags, **kwargs)

    update_request = {
        JSON: api.PostUpdateBodySerializer,
        MULTIPART: OpenApiRequest(api.PostUpdateSerializer, encoding=IMAGE_ENCODING),
    }
    update_responses = {
        200: api.PostSerializer,
        400: INVALID,
        415: UNSUPPORTED,
        **SIGNED_IN_ERRORS,
    }
    like_responses = {200: api.LikeStateSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN}
    return {
        "list": operation(
            "posts_list",
            "List posts, newest first",
            parameters=LIST_PARAMETERS,
            responses={
                200: api.PostPageSerializer,
                400: INVALID,
                401: UNAUTHENTICATED,
                404: PAGE_NOT_FOUND,
            },
        ),
        "create": operation(
            "posts_create",
            "Publish a post (anonymous unless signed in)",
            request={
                JSON: api.PostBodySerializer,
                MULTIPART: OpenApiRequest(api.PostCreateSerializer, encoding=IMAGE_ENCODING),
            },
            responses={
                201: api.PostSerializer,
                400: INVALID,
                401: UNAUTHENTICATED,
                415: UNSUPPORTED,
                429: THROTTLED,
            },
            examples=[CREATE_EXAMPLE],
        ),
        "retrieve": operation(
            "posts_retrieve",
            "One post",
            parameters=[POST_ID],
            responses={200: api.PostSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
        ),
        "update": operation(
            "posts_update",
            "Replace a post's text (and image): author or staff",
            parameters=[POST_ID],
            request=update_request,
            responses=update_responses,
        ),
        "partial_update": operation(
            "posts_partial_update",
            "Change part of a post: author or staff",
            parameters=[POST_ID],
            request=update_request,
            responses=update_responses,
        ),
        "destroy": operation(
            "posts_destroy",
            "Delete a post: author or staff",
            parameters=[POST_ID],
            responses={204: None, **SIGNED_IN_ERRORS},
        ),
        "like": operation(
            "posts_like",
            "Like a post (liking twice changes nothing): members only",
            parameters=[POST_ID],
            request=None,
            responses={**like_responses, 404: NOT_FOUND},
        ),
        "unlike": operation(
            "posts_unlike",
            "Take a like back (idempotent): members only",
            parameters=[POST_ID],
            request=None,
            responses={**like_responses, 404: NOT_FOUND},
        ),
    }


FBV_SCHEMA = post_operations("fbv")
CBV_SCHEMA = post_operations("cbv")


class JWTScheme(SimpleJWTScheme):
    """drf-spectacular documents simplejwt's class; ours (interfaces.authentication) is the
    same scheme with a stricter user_id check."""

    target_class = "interfaces.authentication.JWTAuthentication"
