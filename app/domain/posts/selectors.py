"""Reading posts. A page costs a constant number of queries: the author comes by JOIN, the like
count from the post's counter, and "liked by the viewer" from an EXISTS on the page's rows.

A page costs the same whatever the size of the table (docs/performance.md): the count of all
posts is kept in the cache between writes, and a deep page is found from the nearer end of the
ordering index, through the index alone.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django.utils.functional import cached_property

from domain.accounts.models import Visitor

from .models import Like, Post
from .permissions import is_member

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _with_viewer_state(queryset: QuerySet[Post], viewer: Visitor) -> QuerySet[Post]:
    if is_member(viewer):
        liked: Exists | Value = Exists(Like.objects.filter(post=OuterRef("pk"), user=viewer))
    else:
        liked = Value(False, output_field=BooleanField())
    # Of the author, only what a reader is shown: the account's other columns (password hash,
    # email, dates, flags) were two thirds of a page's columns, each compiled, read and
    # converted per row. Every field of the post itself is read, whatever fields it gains.
    queryset = queryset.select_related("author").only(*_POST_FIELDS, *_AUTHOR_SHOWN)
    # Post declares ``liked`` (services set it on posts they return); the plugin takes that
    # declaration for a clash with this annotation, which Django itself accepts.
    return queryset.annotate(liked=liked)  # type: ignore[no-redef]


_POST_FIELDS = tuple(field.name for field in Post._meta.concrete_fields)
_AUTHOR_SHOWN = ("author__id", "author__display_name")


# ASCII digits only: Python's int() also reads "٣" (Arabic-Indic three) as 3, so an id written
# in another script would otherwise name the same post under a second spelling.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _whole_number(value: object) -> int:
    """``value`` (an int, or a string of ASCII digits) as an int; ValueError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value)
    raise ValueError(f"Not a whole number: {value!r}")


def _parse_id(value: object, field: str) -> int:
    try:
        return _whole_number(value)
    except ValueError:
        raise ValidationError({field: ["Enter a whole number."]})


def _storable_id(value: int) -> bool:
    """Whether the database can hold ``value`` as a key: a bigger one names no row, and
    SQLite raises OverflowError (PostgreSQL an error) if asked."""
    low, high = connection.ops.integer_field_range(Post._meta.pk.get_internal_type())
    return low <= value <= high


def post_list(
    *, viewer: Visitor = None, search: str | None = None, author: object = None
) -> QuerySet[Post]:
    """Posts newest first, optionally whose body contains ``search`` or by the ``author`` id."""
    queryset = Post.objects.all()
    if search:
        # A body never holds NUL (PostgreSQL cannot even be asked about one).
        queryset = queryset.none() if "\x00" in search else queryset.filter(body__icontains=search)
    if author not in (None, ""):
        author_id = _parse_id(author, "author")
        queryset = (
            queryset.filter(author_id=author_id) if _storable_id(author_id) else queryset.none()
        )
    return _with_viewer_state(queryset, viewer)


def post_get(*, post_id: object, viewer: Visitor = None) -> Post:
    """One post with the viewer's state; ``Post.DoesNotExist`` for an unknown or malformed id."""
    try:
        key = _whole_number(post_id)
    except ValueError:
        raise Post.DoesNotExist(f"No post with id {post_id!r}.")
    if not _storable_id(key):
        raise Post.DoesNotExist(f"No post with id {key}.")
    return _with_viewer_state(Post.objects.all(), viewer).get(pk=key)


# A count is kept with the generation it was counted in; every create, delete and change of a
# body starts a new generation (signals.py), once at once and once on commit: a count kept with
# an older generation is counted again, so a reader that counted before the commit leaves a
# figure nobody takes.
COUNT_GENERATION_KEY = "posts:count:generation"
COUNT_TIMEOUT = 15 * 60


def post_count_forget() -> None:
    """Start a new count generation: the next ``post_count`` of any list counts again."""
    cache.set(COUNT_GENERATION_KEY, uuid.uuid4().hex, None)


def post_count(queryset: QuerySet[Post] | None = None) -> int:
    """How many posts ``queryset`` (all of them by default) holds: from the cache, counted at
    most once per generation and filter. Without a cache (an outage of a fail-open one) it
    counts every time."""
    queryset = Post.objects.all() if queryset is None else queryset
    try:
        key = _count_key(queryset)
    except EmptyResultSet:  # .none(), or a filter nothing can match
        return 0
    # One round trip on every list page: the generation and the count, read together (a fail-open
    # cache answers {} to a multiple read while it is down).
    cached = cache.get_many([COUNT_GENERATION_KEY, key])
    generation = cached.get(COUNT_GENERATION_KEY)
    if generation is None:  # first use, or a flushed cache: start one (a racing add wins)
        cache.add(COUNT_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(COUNT_GENERATION_KEY)
    if generation is None:
        return queryset.count()
    counted: tuple[str, int] | None = cached.get(key)
    if counted is not None and counted[0] == generation:
        return counted[1]
    count = queryset.count()
    cache.set(key, (generation, count), COUNT_TIMEOUT)
    return count


def _count_key(queryset: QuerySet[Post]) -> str:
    """Where the count of the rows ``queryset`` selects is kept, with its generation."""
    return f"posts:count:{_filters_of(queryset)}"


def _filters_of(queryset: QuerySet[Post]) -> str:
    """A name for the rows ``queryset`` selects: its WHERE clause and parameters, hashed. What
    it annotates (the viewer's like state) or how it orders does not change its count."""
    query = queryset.query
    try:
        where = query.get_compiler(queryset.db).compile(query.where)
    except FullResultSet:  # no filter at all
        where = ("", ())
    return hashlib.sha256(repr(where).encode()).hexdigest()[:32]


# From this offset on, a page is found through the ordering index alone (an index-only scan of
# the keys, then 20 rows by key) instead of reading and discarding every row before it.
DEFERRED_JOIN_OFFSET = 200


def _has_row_subqueries(queryset: QuerySet[Post]) -> bool:
    """Whether each row carries a subquery (a signed-in viewer's like state). Asked for with
    the page's LIMIT, PostgreSQL plans it for every row of the table and reads all of the
    viewer's likes into a hash (35,000 rows and 6 ms at 100,000 posts); asked for on the
    page's keys, it looks up 20 rows by index."""
    return any(isinstance(value, Exists) for value in queryset.query.annotations.values())


if TYPE_CHECKING:
    _PaginatorOfPosts = Paginator[Post]
else:  # Django's Paginator is generic only in its stubs
    _PaginatorOfPosts = Paginator


class PostPaginator(_PaginatorOfPosts):
    """Django's paginator (page numbers, count, next/previous) made flat in the table size:
    every count comes from ``post_count``, and a page past the middle is read from
    the other end of the ordering (newest-first reversed), so the last page is as cheap as the
    first. Every interface paginates with it."""

    # Every caller hands it a queryset of posts (the base class accepts any sequence).
    object_list: QuerySet[Post]

    @cached_property
    def count(self) -> int:
        return post_count(self.object_list)

    def page(self, number: int | str) -> Page[Post]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int) -> list[Post]:
        queryset, count = self.object_list, self.count
        from_end = bottom > count - top
        if from_end:
            queryset, bottom, top = queryset.reverse(), count - top, count - bottom
        if bottom >= DEFERRED_JOIN_OFFSET or _has_row_subqueries(queryset):
            keys = queryset.values("pk")[bottom:top]
            rows = list(queryset.filter(pk__in=keys))
        else:
            rows = list(queryset[bottom:top])
        return rows[::-1] if from_end else rows


@dataclass(frozen=True)
class PostPage:
    posts: list[Post]
    count: int
    number: int
    num_pages: int
    has_next: bool
    has_previous: bool

    @classmethod
    def of(cls, page: Page[Post]) -> PostPage:
        """The summary of one page (Django's ``Page``) of a ``PostPaginator``: what
        ``post_page`` returns, and what a generic ``ListView`` builds from its own page."""
        return cls(
            posts=list(page.object_list),
            count=page.paginator.count,
            number=page.number,
            num_pages=page.paginator.num_pages,
            has_next=page.has_next(),
            has_previous=page.has_previous(),
        )


PAGE_SIZE_CHOICE = f"Choose a whole number between 1 and {MAX_PAGE_SIZE}."


def page_size_clean(page_size: object = None) -> int:
    """The page size a client asked for, as a whole number from 1 to ``MAX_PAGE_SIZE``;
    ``None`` (not asked) is ``DEFAULT_PAGE_SIZE``. Every interface's page size goes through
    here, so the bounds and the message are the same everywhere."""
    if page_size is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = _whole_number(page_size)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [PAGE_SIZE_CHOICE]})
    return size


def _page_number(page: object) -> int:
    if page in (None, ""):
        return 1
    try:
        return _whole_number(page)
    except ValueError:
        raise PageNotAnInteger("That page number is not an integer")


def post_page(
    *,
    viewer: Visitor = None,
    search: str | None = None,
    author: object = None,
    page: object = 1,
    page_size: object = None,
) -> PostPage:
    """One page of ``post_list`` (``page_size`` as ``page_size_clean`` reads it). Out-of-range
    page numbers raise ValidationError on ``page``."""
    page_size = page_size_clean(page_size)
    paginator = PostPaginator(
        post_list(viewer=viewer, search=search, author=author),
        page_size,
        allow_empty_first_page=True,
    )
    try:
        current = paginator.page(_page_number(page))
    except (EmptyPage, PageNotAnInteger) as error:
        raise ValidationError({"page": [str(error)]})
    return PostPage.of(current)
