"""What a post looks like to a reader, computed once per version of the post and kept per process.

A version is named by everything a reader is shown of the post, so an edit, a like, a renamed
author or a new thumbnail makes a new name and no entry is ever stale: no process needs telling
about a change, and a per-process cache (``CACHES["fragments"]``, local memory) is enough. What
depends on the viewer (do they like it, may they edit it) either picks a variant or is added
after the cache, never cached per viewer. The web cards and the REST representation use it
(docs/performance.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches

from domain.posts.models import Post

Fragment = TypeVar("Fragment")


def post_version(post: Post, **variant: object) -> str:
    """A name for this version of ``post`` as shown in ``variant`` (the keyword arguments)."""
    author = post.author.display_name if post.author is not None else ""
    shown = (
        post.pk, post.body, post.author_id, author, post.created_at, post.updated_at,
        post.image.name, post.thumbnail.name, post.like_count, sorted(variant.items()),
    )  # fmt: skip
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def post_fragment(
    kind: str, post: Post, render: Callable[[], Fragment], **variant: object
) -> Fragment:
    """``render()``'s result for this version of ``post`` and ``variant``, rendered at most once
    per process; ``kind`` keeps the web's HTML and the API's data apart."""
    fragments = caches["fragments"]
    key = f"{kind}:{post_version(post, **variant)}"
    fragment: Fragment | None = fragments.get(key)
    if fragment is None:
        fragment = render()
        fragments.set(key, fragment)
    return fragment
