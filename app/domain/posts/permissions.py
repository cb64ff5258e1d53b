"""Who may do what with posts. The only place these questions are answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from domain.accounts.models import User, Visitor

from .models import Post

# What a refusal to edit or delete a post says, in every interface.
NOT_YOUR_POST = "You can only edit or delete your own posts."


def is_member(user: Visitor) -> TypeGuard[User]:
    """A signed-in, activated account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_like(user: Visitor) -> TypeGuard[User]:
    return is_member(user)


def can_edit_post(user: Visitor, post: Post) -> bool:
    """Owners edit and delete their own posts; staff any; anonymous posts only staff."""
    return post_editor(user)(post)


def post_editor(user: Visitor) -> Callable[[Post], bool]:
    """``can_edit_post`` for one viewer and many posts (a page): what it needs of the viewer is
    read once. The web's viewer is a lazy object, each of whose attributes cost a few calls."""
    if not is_member(user):
        return lambda post: False
    if user.is_staff:
        return lambda post: True
    user_id = user.pk
    return lambda post: post.author_id is not None and post.author_id == user_id
