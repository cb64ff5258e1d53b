"""The two Django template flavours (/mtv/fbv/ and /mtv/cbv/), driven like a browser without
JavaScript would: GET pages, POST forms, follow the redirect. Results are read back from the
``data-`` attributes the templates put on each post (the Vue button reads the same ones)."""

from html.parser import HTMLParser
from typing import Any

from django.urls import resolve, reverse

from .base import DENIED, INVALID, NOT_FOUND, OK, Adapter, Listing, Outcome, post_summary


class PostsParser(HTMLParser):
    """Collects every element carrying ``data-post-id`` and the text of its ``data-post-body``;
    also the list's ``data-count``/``data-has-next``."""

    def __init__(self):
        super().__init__()
        self.posts: list[dict[str, Any]] = []
        self.listing: dict[str, str | None] = {}
        self._body_tag: str | None = None
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-post-list" in attrs:
            self.listing = attrs
        if "data-post-id" in attrs:
            self._current = {"attrs": attrs, "body": ""}
            self.posts.append(self._current)
        elif "data-post-body" in attrs and self._current is not None:
            self._body_tag = tag

    def handle_endtag(self, tag):
        # The body is plain text (escaped), so its element holds no other of its kind.
        if tag == self._body_tag:
            self._body_tag = None

    def handle_data(self, data):
        if self._body_tag is not None and self._current is not None:
            self._current["body"] += data


def parse_posts(html):
    parser = PostsParser()
    parser.feed(html)
    return parser


def summary(parsed):
    attrs = parsed["attrs"]
    return post_summary(
        id=attrs["data-post-id"],
        body=parsed["body"],
        author_id=attrs["data-author-id"] or None,
        like_count=int(attrs["data-like-count"]),
        liked=attrs["data-liked"] == "true",
        has_image=attrs["data-has-image"] == "true",
        has_thumbnail=attrs["data-has-thumbnail"] == "true",
    )


class MtvAdapter(Adapter):
    namespace = ""

    def _url(self, name, *args):
        return reverse(f"{self.namespace}:{name}", args=args)

    def _outcome(self, response):
        """Translate the answer to a form POST (or a GET) into the contract's terms."""
        if response.status_code == 404:
            return Outcome(NOT_FOUND)
        if response.status_code == 403:
            return Outcome(DENIED)
        if response.status_code == 302:
            target = resolve(response.url.split("?")[0])
            if target.url_name == "login":
                return Outcome(DENIED)
            if target.url_name == "post_detail":
                return self.get_post(target.kwargs["post_id"])
            return Outcome(OK)
        if response.status_code == 400:
            return Outcome(INVALID, errors=frozenset(response.context["form"].errors))
        assert response.status_code == 200, response.status_code
        return Outcome(OK, summary(parse_posts(response.content.decode()).posts[0]))

    def list_posts(self, *, page=None, page_size=None, search=None, author=None):
        query = {"page": page, "page_size": page_size, "search": search, "author": author}
        response = self.client.get(
            self._url("post_list"), {key: value for key, value in query.items() if value}
        )
        assert response.status_code == 200, response.status_code
        parsed = parse_posts(response.content.decode())
        return Listing(
            ids=[int(post["attrs"]["data-post-id"]) for post in parsed.posts],
            count=int(parsed.listing["data-count"]),
            has_next=parsed.listing["data-has-next"] == "true",
        )

    def list_with_page_size(self, page_size):
        response = self.client.get(self._url("post_list"), {"page_size": page_size})
        if response.status_code == 200:
            return Outcome(OK)
        assert response.status_code == 400, response.status_code
        return Outcome(INVALID, answer=response.content.decode())

    def get_post(self, post_id):
        return self._outcome(self.client.get(self._url("post_detail", post_id)))

    def create_post(self, *, body, image=None):
        data = {"body": body, **({"image": image} if image else {})}
        return self._outcome(self.client.post(self._url("post_new"), data))

    def update_post(self, post_id, *, body):
        return self._outcome(self.client.post(self._url("post_edit", post_id), {"body": body}))

    def update_post_with_nothing(self, post_id):
        return self._outcome(self.client.post(self._url("post_edit", post_id)))

    def delete_post(self, post_id):
        return self._outcome(self.client.post(self._url("post_delete", post_id)))

    def _like(self, name, post_id):
        response = self.client.post(self._url(name, post_id), HTTP_ACCEPT="application/json")
        if response.status_code == 200:
            state = response.json()
            detail = self.get_post(post_id)
            # The JSON answer and the page shown afterwards must agree.
            assert (detail.post["like_count"], detail.post["liked"]) == (
                state["like_count"],
                state["liked"],
            )
            return detail
        return self._outcome(response)

    def like(self, post_id):
        return self._like("post_like", post_id)

    def sign_up(self, *, email, password):
        response = self.client.post(
            reverse("signup"), {"email": email, "password": password, "display_name": ""}
        )
        outcome = self._outcome(response)
        outcome.answer = (response.status_code, response.get("Location"), response.content)
        return outcome

    def unlike(self, post_id):
        return self._like("post_unlike", post_id)


class FunctionBasedAdapter(MtvAdapter):
    name = "mtv_fbv"
    order = 10
    namespace = "fbv"


class ClassBasedAdapter(MtvAdapter):
    name = "mtv_cbv"
    order = 20
    namespace = "cbv"
