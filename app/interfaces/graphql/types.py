"""The GraphQL types: what a client may read about posts and people.

Every field a type exposes is listed by name, so a new model field stays private until someone
decides to publish it; an author shows a display name, never an email address.

Resolvers here never query: the author arrives by the selectors' JOIN, ``liked`` by their
annotation, ``likeCount`` from the post's counter. Do not give these types a ``get_queryset``:
graphene-django would then fetch every foreign key again, one query per row.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from graphene_django import DjangoObjectType
from graphene_file_upload.scalars import Upload as MultipartUpload
from graphql import GraphQLError, GraphQLResolveInfo

from domain.accounts.models import User
from domain.posts.models import PUBLIC_FIELDS, Post
from domain.posts.permissions import can_edit_post


class Upload(MultipartUpload):
    """A file sent as a part of a multipart request (GraphQL multipart request spec)."""

    @staticmethod
    def parse_value(value: object) -> UploadedFile[bytes]:
        # Without this check a string variable would reach the domain where a file is expected.
        if not isinstance(value, UploadedFile):
            raise GraphQLError(
                "Send the file as a part of a multipart/form-data request "
                "(GraphQL multipart request spec) and map it to this variable."
            )
        return value

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> Any:
        raise GraphQLError("A file cannot be written in the query: send it as a variable.")


class AuthorType(DjangoObjectType):
    class Meta:
        model = User
        name = "Author"
        fields = ("id", "display_name")


class ViewerType(DjangoObjectType):
    """The signed-in user, as seen by themselves: the one place an email address appears."""

    class Meta:
        model = User
        name = "Viewer"
        fields = ("id", "email", "display_name")
        # Posts' authors must resolve to AuthorType, not to this richer type.
        skip_registry = True


def _absolute_url(info: GraphQLResolveInfo, field_file: FieldFile) -> str | None:
    return info.context.build_absolute_uri(field_file.url) if field_file else None


class PostType(DjangoObjectType):
    image = graphene.String(description="Absolute URL of the image, or null.")
    thumbnail = graphene.String(
        description="Absolute URL of the thumbnail; null until the worker has made it."
    )
    liked = graphene.Boolean(required=True, description="Whether the viewer likes this post.")
    can_edit = graphene.Boolean(
        required=True, description="Whether the viewer may edit and delete this post."
    )

    class Meta:
        model = Post
        name = "Post"
        fields = PUBLIC_FIELDS

    @staticmethod
    def resolve_image(post: Post, info: GraphQLResolveInfo) -> str | None:
        return _absolute_url(info, post.image)

    @staticmethod
    def resolve_thumbnail(post: Post, info: GraphQLResolveInfo) -> str | None:
        return _absolute_url(info, post.thumbnail)

    @staticmethod
    def resolve_can_edit(post: Post, info: GraphQLResolveInfo) -> bool:
        return can_edit_post(info.context.user, post)


class PostPageType(graphene.ObjectType):
    """One page of posts, newest first, with what a pager needs."""

    class Meta:
        name = "PostPage"

    count = graphene.Int(required=True, description="Posts matching the filters, all pages.")
    page = graphene.Int(required=True, source="number")
    pages = graphene.Int(required=True, source="num_pages")
    has_next = graphene.Boolean(required=True)
    has_prev = graphene.Boolean(required=True, source="has_previous")
    posts = graphene.List(graphene.NonNull(PostType), required=True)
