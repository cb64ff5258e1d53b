"""Read operations: each resolver is one call to a selector, with the request's user as viewer."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from domain.accounts.models import User
from domain.posts.models import Post
from domain.posts.selectors import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PostPage,
    post_get,
    post_page,
)

from .errors import translate_domain_errors
from .types import PostPageType, PostType, ViewerType


class Query(graphene.ObjectType):
    posts = graphene.Field(
        PostPageType,
        page=graphene.Int(default_value=1, description="1-based page number."),
        page_size=graphene.Int(
            default_value=DEFAULT_PAGE_SIZE, description=f"Posts per page, 1 to {MAX_PAGE_SIZE}."
        ),
        search=graphene.String(description="Only posts whose body contains this text."),
        author=graphene.ID(description="Only posts by the author with this id."),
        description="Posts, newest first, one page at a time.",
    )
    post = graphene.Field(
        PostType,
        id=graphene.ID(required=True),
        description="One post; a NOT_FOUND error when there is no post with this id.",
    )
    me = graphene.Field(ViewerType, description="The signed-in user, or null.")

    @staticmethod
    @translate_domain_errors
    def resolve_posts(
        root: None,
        info: GraphQLResolveInfo,
        page: int,
        page_size: int,
        search: str | None = None,
        author: str | None = None,
    ) -> PostPage:
        return post_page(
            viewer=info.context.user,
            page=page,
            page_size=page_size,
            search=search,
            author=author,
        )

    @staticmethod
    @translate_domain_errors
    def resolve_post(root: None, info: GraphQLResolveInfo, id: str) -> Post:
        return post_get(post_id=id, viewer=info.context.user)

    @staticmethod
    def resolve_me(root: None, info: GraphQLResolveInfo) -> User | None:
        user: User | Any = info.context.user
        return user if user.is_authenticated else None
