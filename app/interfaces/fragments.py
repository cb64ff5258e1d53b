"""What a post looks like to a reader, computed once per version of the post and kept per process.

A version is named by everything a reader is shown of the post, so an edit, a like, a renamed
author or a new thumbnail makes a new name and no entry is ever stale: no process needs telling
about a change, and a per-process cache is enough. What depends on the viewer (do they like it,
may they edit it) either picks a variant or is added after the cache, never cached per viewer.
The web cards and the REST representation use it (docs/performance.md).

The cache is a plain dictionary in least-recently-used order, not a Django cache: a list page
asks it 20 times, and Django's local-memory cache pickles every entry in and out and validates
every key, which for a page of posts cost more than the rest of the lookup. The name of a
version is the tuple of what is shown itself (hashed by the dictionary), not a digest of its text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from domain.posts.models import Post

Fragment = TypeVar("Fragment")

# Versions kept per process: a few pages of every kind, at a few KB each.
MAX_FRAGMENTS = 5000


class FragmentCache:
    """At most ``max_entries`` fragments, the least recently used dropped first. Entries are
    shared, not copied: a caller adds to a copy of what it gets (the REST representation) or
    gets an immutable string (the web's HTML)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        # Threaded servers (runserver, gthread workers) share a process: moving and evicting
        # entries are several steps.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            fragment = self._entries.get(key)
            if fragment is not None:
                self._entries.move_to_end(key)
            return fragment

    def set(self, key: Hashable, fragment: Any) -> None:
        with self._lock:
            self._entries[key] = fragment
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


fragments = FragmentCache(MAX_FRAGMENTS)


def post_version(post: Post, **variant: object) -> tuple[Hashable, ...]:
    """A name for this version of ``post`` as shown in ``variant`` (the keyword arguments)."""
    # Each attribute once, and the id rather than ``pk`` (a property): 20 posts a page.
    author = post.author
    return (
        post.id, post.body, post.author_id, author.display_name if author is not None else "",
        post.created_at, post.updated_at,
        post.image.name, post.thumbnail.name, post.like_count, tuple(sorted(variant.items())),
    )  # fmt: skip


def post_fragment(
    kind: str, post: Post, render: Callable[[], Fragment], **variant: object
) -> Fragment:
    """``render()``'s result for this version of ``post`` and ``variant``, rendered at most once
    per process; ``kind`` keeps the web's HTML and the API's data apart."""
    key = (kind, post_version(post, **variant))
    fragment: Fragment | None = fragments.get(key)
    if fragment is None:
        fragment = render()
        fragments.set(key, fragment)
    return fragment
