"""The small language the contract suite speaks. Each implementation gets one adapter that
translates it into its own protocol (HTML forms, JSON, GraphQL) and reports back in these terms."""

from dataclasses import dataclass, field
from typing import Any

OK, INVALID, DENIED, NOT_FOUND = "ok", "invalid", "denied", "not_found"


@dataclass
class Outcome:
    """What an operation came to. ``post`` is normalised to the keys of ``post_summary``."""

    status: str
    post: dict[str, Any] | None = None
    errors: frozenset[str] = field(default_factory=frozenset)
    # What the client was shown (status, body...), where two answers must be told apart or not.
    answer: object = None


@dataclass
class Listing:
    ids: list[int]
    count: int
    has_next: bool


def post_summary(*, id, body, author_id, like_count, liked, has_image, has_thumbnail):
    return {
        "id": int(id),
        "body": body,
        "author_id": None if author_id is None else int(author_id),
        "like_count": like_count,
        "liked": liked,
        "has_image": bool(has_image),
        "has_thumbnail": bool(has_thumbnail),
    }


class Adapter:
    """Drives one implementation. ``client`` is Django's test client; ``sign_in`` decides how
    the implementation authenticates (session, JWT...)."""

    name = ""
    order = 0

    def __init__(self, client):
        self.client = client

    def sign_in(self, user):
        self.client.force_login(user)

    def list_posts(self, *, page=None, page_size=None, search=None, author=None):
        raise NotImplementedError

    def list_with_page_size(self, page_size):
        """Ask for a page of ``page_size`` posts: OK, or INVALID with what the client was told
        in ``answer``."""
        raise NotImplementedError

    def get_post(self, post_id):
        raise NotImplementedError

    def create_post(self, *, body, image=None):
        raise NotImplementedError

    def update_post(self, post_id, *, body):
        raise NotImplementedError

    def update_post_with_nothing(self, post_id):
        """An edit that sends no field at all (an empty form POST, an empty PATCH...)."""
        raise NotImplementedError

    def delete_post(self, post_id):
        raise NotImplementedError

    def like(self, post_id):
        raise NotImplementedError

    def unlike(self, post_id):
        raise NotImplementedError

    def sign_up(self, *, email, password):
        raise NotImplementedError
