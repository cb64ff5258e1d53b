"""Who may do what with posts. The only place these questions are answered."""

from __future__ import annotations

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
    if not is_member(user):
        return False
    return user.is_staff or (post.author_id is not None and post.author_id == user.pk)
