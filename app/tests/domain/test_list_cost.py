"""A list costs the same whatever the size of the table (docs/performance.md): the count of all
posts comes from the cache between writes, deep pages are read from the nearer end of the
ordering index, and "body contains" has a trigram index on PostgreSQL."""

import importlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.posts import selectors, services
from domain.posts.models import Post
from domain.posts.selectors import PostPaginator, post_count, post_list, post_page
from tests.factories import LikeFactory, PostFactory

pytestmark = pytest.mark.django_db


def generation():
    return cache.get(selectors.COUNT_GENERATION_KEY)


def test_the_count_of_all_posts_is_read_from_the_cache_between_writes(
    django_assert_num_queries,
):
    PostFactory.create_batch(3)
    assert post_count() == 3

    with django_assert_num_queries(0):
        assert post_count() == 3


def test_a_cached_count_costs_one_cache_read_and_no_write(monkeypatch):
    PostFactory.create_batch(2)
    post_count()
    calls = []  # (depth, name): the calls the cache makes within one are its own
    inside: list[str] = []

    def counted(name, method):
        def call(*args, **kwargs):
            calls.append((len(inside), name))
            inside.append(name)
            try:
                return method(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))

    assert post_count() == 2

    # One read on every list page, the generation and its count together: on Redis, one MGET
    # (local memory's get_many calls get, at depth 1).
    assert [name for depth, name in calls if depth == 0] == ["get_many"]


def test_a_count_kept_with_an_older_generation_is_counted_again(django_assert_num_queries):
    """What a reader who counted before a commit leaves behind (it read the old generation)."""
    PostFactory.create_batch(2)
    post_count()
    stale_generation = generation()
    selectors.post_count_forget()
    cache.set(selectors._count_key(Post.objects.all()), (stale_generation, 99))

    with django_assert_num_queries(1):
        assert post_count() == 2
    with django_assert_num_queries(0):
        assert post_count() == 2


def test_creating_and_deleting_a_post_start_a_new_count_now_and_on_commit(
    user, django_capture_on_commit_callbacks
):
    post_count()
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(author=user, body="One more")
        during = generation()
        assert post_count() == 1
    after_commit = generation()

    assert len({before, during, after_commit}) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post, actor=user)
    assert post_count() == 0


def test_a_new_body_starts_a_new_count_and_a_like_does_not(user, other_user, post):
    post_count()
    before = generation()

    services.post_like(post=post, user=other_user)
    assert generation() == before

    services.post_update(post=post, actor=user, body="Edited")
    assert generation() != before


def test_filtered_counts_are_cached_per_filter_and_exact_after_an_edit(
    user, post, django_assert_num_queries
):
    PostFactory.create(body="Zephyr over the hills", author=user)
    searched = post_list(search="zephyr")
    assert post_count(searched) == 1
    assert post_count(post_list(author=user.pk)) == 2
    # The viewer's like state is annotated, not filtered: the same count serves every viewer.
    with django_assert_num_queries(0):
        assert post_count(post_list(search="zephyr", viewer=user)) == 1
        assert post_count(post_list(author=user.pk, viewer=user)) == 2

    services.post_update(post=post, actor=user, body="A zephyr too")

    assert post_count(post_list(search="zephyr")) == 2
    assert post_count(post_list(search="nothing like it")) == 0


def test_a_list_nothing_can_match_counts_zero_without_asking(django_assert_num_queries):
    PostFactory.create()
    with django_assert_num_queries(0):
        assert post_count(post_list(search="\x00")) == 0
        assert post_count(Post.objects.filter(pk__in=[])) == 0


def test_without_a_working_cache_every_count_reads_the_table(monkeypatch):
    PostFactory.create_batch(2)
    # A fail-open cache answers a miss to every read while Redis is down (django-redis: the
    # default, and {} to a multiple read).
    monkeypatch.setattr(cache, "get", lambda key, default=None: default)
    monkeypatch.setattr(cache, "get_many", lambda keys: {})

    with CaptureQueriesContext(connection) as queries:
        assert post_count() == 2
        assert post_count() == 2
        assert post_count(post_list(search="post")) == 2

    assert len(queries) == 3


def test_filtered_lists_count_their_own_rows(user):
    PostFactory.create_batch(2, author=user)
    PostFactory.create(body="Another author")
    post_count()

    assert post_page(author=user.pk).count == 2
    assert post_page(search="another").count == 1
    assert post_page(search="\x00").count == 0


def pages(page_size):
    paginator = PostPaginator(post_list(), page_size)
    return [[post.pk for post in paginator.page(n)] for n in paginator.page_range]


@pytest.mark.parametrize("deferred_from", [0, 1, 1000], ids=["keys", "mixed", "rows"])
@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 8])
def test_every_page_holds_the_posts_of_plain_offsets(monkeypatch, deferred_from, page_size):
    PostFactory.create_batch(7)
    monkeypatch.setattr(selectors, "DEFERRED_JOIN_OFFSET", deferred_from)
    newest_first = [post.pk for post in Post.objects.order_by("-created_at", "-id")]

    expected = [newest_first[i : i + page_size] for i in range(0, 7, page_size)]
    assert pages(page_size) == expected


def test_a_page_past_the_middle_is_read_from_the_other_end():
    PostFactory.create_batch(5)
    paginator = PostPaginator(post_list(), 2)
    paginator.count  # noqa: B018 (counted before, as every list does)

    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(3))

    assert '"posts_post"."created_at" ASC' in queries[0]["sql"]


def test_a_signed_in_page_finds_its_keys_first_and_shows_the_viewers_likes(user):
    posts = PostFactory.create_batch(3)
    LikeFactory.create(post=posts[1], user=user)
    paginator = PostPaginator(post_list(viewer=user), 2)
    paginator.count  # noqa: B018

    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(1))

    # The like state is asked for on the page's two keys, not planned for the whole table.
    assert len(queries) == 1
    assert '"posts_post"."id" IN (SELECT' in queries[0]["sql"]
    assert [(post.pk, post.liked) for post in rows] == [(posts[2].pk, False), (posts[1].pk, True)]


def test_a_deep_page_is_found_through_the_keys_alone(monkeypatch):
    PostFactory.create_batch(5)
    monkeypatch.setattr(selectors, "DEFERRED_JOIN_OFFSET", 2)
    paginator = PostPaginator(post_list(), 1)
    paginator.count  # noqa: B018

    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(3))

    assert len(queries) == 1
    assert 'IN (SELECT U0."id"' in queries[0]["sql"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="trigram indexes are PostgreSQL's")
def test_body_contains_is_served_by_the_trigram_index():  # pragma: no cover -- PostgreSQL only
    # The test database is built without migrations: apply the one that makes the index.
    migration = importlib.import_module(
        "domain.posts.migrations.0002_drop_duplicate_indexes_search_index"
    )
    with connection.schema_editor() as editor:
        migration.create_search_index(None, editor)
    PostFactory.create_batch(3)
    query = Post.objects.filter(body__icontains="zephyr")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()

    assert "post_body_upper_trgm" in plan


def test_a_page_reads_every_field_of_its_posts_and_only_the_shown_ones_of_their_authors(
    user, django_assert_num_queries
):
    PostFactory.create(author=user)
    post_count()

    with CaptureQueriesContext(connection) as queries:
        (post,) = post_page().posts
    with django_assert_num_queries(0):
        author = post.author
        assert author is not None
        shown = (post.body, post.created_at, author.pk, author.display_name)

    assert shown[2:] == (user.pk, user.display_name)
    assert post.get_deferred_fields() == set()
    # The account's password hash and email address never leave the database for a list.
    assert "password" not in queries[0]["sql"] and "email" not in queries[0]["sql"]
