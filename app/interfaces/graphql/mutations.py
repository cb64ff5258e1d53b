"""Write operations: each ``mutate`` is one call to a domain service (posts, accounts) or to
``interfaces.authentication`` (tokens, the same ones the REST API issues), with its errors
translated.

What strangers can do in bulk (anonymous posts, signups, token requests) is rate-limited by the
throttles every interface shares (``interfaces.throttling``), with the same rates and the same
per-client budget: GraphQL is no way around them. Each mutation counts, so thirty aliased
``tokenAuth`` fields in one request spend thirty tokens of the budget.
"""

from __future__ import annotations

import graphene
from django.core.files.uploadedfile import UploadedFile
from graphql import GraphQLError, GraphQLResolveInfo

from domain.accounts.services import user_activate, user_signup
from domain.posts.models import Post
from domain.posts.selectors import post_get
from domain.posts.services import post_create, post_delete, post_like, post_unlike, post_update
from interfaces.authentication import CredentialsRefused, token_pair_obtain, token_refresh
from interfaces.throttling import (
    AnonPostCreateThrottle,
    SignupThrottle,
    ThrottleClass,
    TokenThrottle,
    throttle_wait,
)

from .errors import THROTTLED, translate_domain_errors, unauthenticated
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


class TokenAuth(graphene.Mutation):
    """Obtain a JWT pair for an active account: send `Authorization: Bearer <access>`."""

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    access = graphene.String(required=True)
    refresh = graphene.String(required=True)

    @staticmethod
    @translate_domain_errors
    def mutate(root: None, info: GraphQLResolveInfo, email: str, password: str) -> TokenAuth:
        _throttle(info, TokenThrottle)
        try:
            tokens = token_pair_obtain(request=info.context, email=email, password=password)
        except CredentialsRefused as error:
            raise unauthenticated(str(error))
        return TokenAuth(**tokens)


class RefreshToken(graphene.Mutation):
    """Exchange a refresh token for a new access token."""

    class Arguments:
        refresh = graphene.String(required=True)

    access = graphene.String(required=True)
    refresh = graphene.String(description="A new refresh token, when rotation is on.")

    @staticmethod
    def mutate(root: None, info: GraphQLResolveInfo, refresh: str) -> RefreshToken:
        _throttle(info, TokenThrottle)
        try:
            return RefreshToken(**token_refresh(refresh=refresh))
        except CredentialsRefused as error:
            raise unauthenticated(str(error))


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
