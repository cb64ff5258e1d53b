"""Write operations: each ``mutate`` is one call to a domain service (posts, accounts) or to
simplejwt (tokens, the same ones the REST API issues), with its errors translated.

What strangers can do in bulk (anonymous posts, signups, token requests) is rate-limited by the
throttles every interface shares (``interfaces.throttling``), with the same rates and the same
per-client budget: GraphQL is no way around them. Each mutation counts, so thirty aliased
``tokenAuth`` fields in one request spend thirty tokens of the budget.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.core.files.uploadedfile import UploadedFile
from graphql import GraphQLError, GraphQLResolveInfo
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.exceptions import ValidationError as SerializerValidationError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from domain.accounts.models import User
from domain.accounts.services import user_activate, user_signup
from domain.posts.models import Post
from domain.posts.selectors import post_get
from domain.posts.services import post_create, post_delete, post_like, post_unlike, post_update
from interfaces.throttling import (
    AnonPostCreateThrottle,
    SignupThrottle,
    ThrottleClass,
    TokenThrottle,
    throttle_wait,
)

from .errors import THROTTLED, bad_user_input, translate_domain_errors, unauthenticated
from .types import PostType, Upload


def _post(info: GraphQLResolveInfo, post_id: str) -> Post:
    return post_get(post_id=post_id, viewer=info.context.user)


def _throttle(info: GraphQLResolveInfo, throttle_class: ThrottleClass) -> None:
    seconds = throttle_wait(info.context, throttle_class)
    if seconds is not None:
        raise GraphQLError(
            f"Too many requests: try again in {seconds} seconds.",
            extensions={"code": THROTTLED, "retryAfter": seconds},
        )


class CreatePost(graphene.Mutation):
    """Publish a post; anonymous when nobody is signed in."""

    class Arguments:
        body = graphene.String(required=True)
        image = Upload(description="A JPEG, PNG, GIF or WebP image (multipart request).")

    post = graphene.Field(PostType, required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(
        root: None, info: GraphQLResolveInfo, body: str, image: UploadedFile[bytes] | None = None
    ) -> CreatePost:
        _throttle(info, AnonPostCreateThrottle)
        return CreatePost(post=post_create(author=info.context.user, body=body, image=image))


class UpdatePost(graphene.Mutation):
    """Change a post's body and/or image; omitted arguments leave it as it is."""

    class Arguments:
        id = graphene.ID(required=True)
        body = graphene.String()
        image = Upload(description="A new image (multipart request).")
        remove_image = graphene.Boolean(default_value=False)

    post = graphene.Field(PostType, required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(
        root: None,
        info: GraphQLResolveInfo,
        id: str,
        body: str | None = None,
        image: UploadedFile[bytes] | None = None,
        remove_image: bool = False,
    ) -> UpdatePost:
        post = post_update(
            post=_post(info, id),
            actor=info.context.user,
            body=body,
            image=image,
            remove_image=remove_image,
        )
        return UpdatePost(post=post)


class DeletePost(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    deleted_id = graphene.ID(required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(root: None, info: GraphQLResolveInfo, id: str) -> DeletePost:
        post = _post(info, id)
        deleted_id = post.pk
        post_delete(post=post, actor=info.context.user)
        return DeletePost(deleted_id=deleted_id)


class LikePost(graphene.Mutation):
    """Like a post (liking twice changes nothing)."""

    class Arguments:
        id = graphene.ID(required=True)

    post = graphene.Field(PostType, required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(root: None, info: GraphQLResolveInfo, id: str) -> LikePost:
        return LikePost(post=post_like(post=_post(info, id), user=info.context.user))


class UnlikePost(graphene.Mutation):
    """Take a like back (unliking what you never liked changes nothing)."""

    class Arguments:
        id = graphene.ID(required=True)

    post = graphene.Field(PostType, required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(root: None, info: GraphQLResolveInfo, id: str) -> UnlikePost:
        return UnlikePost(post=post_unlike(post=_post(info, id), user=info.context.user))


class SignUp(graphene.Mutation):
    """Create an inactive account and email its activation link. `ok` is true for any valid
    input, whether or not the address has an account (its owner is emailed instead)."""

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)
        display_name = graphene.String()

    ok = graphene.Boolean(required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(
        root: None, info: GraphQLResolveInfo, email: str, password: str, display_name: str = ""
    ) -> SignUp:
        _throttle(info, SignupThrottle)
        user_signup(email=email, password=password, display_name=display_name)
        return SignUp(ok=True)


class Activate(graphene.Mutation):
    """Activate an account with the `uid` and `token` of its activation link
    (``/accounts/activate/<uid>/<token>/``)."""

    class Arguments:
        uid = graphene.String(required=True)
        token = graphene.String(required=True)

    ok = graphene.Boolean(required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(root: None, info: GraphQLResolveInfo, uid: str, token: str) -> Activate:
        user_activate(uidb64=uid, token=token)
        return Activate(ok=True)


def _serializer_data(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    """Run a simplejwt serializer; its refusals become GraphQL errors."""
    try:
        serializer.is_valid(raise_exception=True)
    except SerializerValidationError:
        raise bad_user_input(
            {
                name: [str(message) for message in messages]
                for name, messages in serializer.errors.items()
            }
        )
    except AuthenticationFailed as error:
        raise unauthenticated(error)
    data: dict[str, Any] = serializer.validated_data
    return data


class TokenAuth(graphene.Mutation):
    """Obtain a JWT pair for an active account: send `Authorization: Bearer <access>`."""

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    access = graphene.String(required=True)
    refresh = graphene.String(required=True)

    @staticmethod
    def mutate(root: None, info: GraphQLResolveInfo, email: str, password: str) -> TokenAuth:
        _throttle(info, TokenThrottle)
        serializer = TokenObtainPairSerializer(
            data={"email": email, "password": password}, context={"request": info.context}
        )
        return TokenAuth(**_serializer_data(serializer))


class RefreshToken(graphene.Mutation):
    """Exchange a refresh token for a new access token."""

    class Arguments:
        refresh = graphene.String(required=True)

    access = graphene.String(required=True)
    refresh = graphene.String(description="A new refresh token, when rotation is on.")

    @staticmethod
    def mutate(root: None, info: GraphQLResolveInfo, refresh: str) -> RefreshToken:
        _throttle(info, TokenThrottle)
        serializer = TokenRefreshSerializer(data={"refresh": refresh})
        try:
            return RefreshToken(**_serializer_data(serializer))
        # simplejwt raises these itself instead of failing validation.
        except (TokenError, User.DoesNotExist):
            raise unauthenticated("The refresh token is invalid or expired.")


class Mutation(graphene.ObjectType):
    create_post = CreatePost.Field()
    update_post = UpdatePost.Field()
    delete_post = DeletePost.Field()
    like_post = LikePost.Field()
    unlike_post = UnlikePost.Field()
    sign_up = SignUp.Field()
    activate = Activate.Field()
    token_auth = TokenAuth.Field()
    refresh_token = RefreshToken.Field()
