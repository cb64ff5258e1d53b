"""μblog's behaviours, each stated once and run against every implementation (see adapters/).

The assertions check both what the implementation reports and what the database then holds,
so an interface can neither claim success it did not have nor hide a change it made.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.posts import services
from domain.posts.models import Like, Post
from domain.posts.selectors import PAGE_SIZE_CHOICE
from tests.factories import LikeFactory, PostFactory, UserFactory, image_upload, text_upload

from .adapters.base import DENIED, INVALID, NOT_FOUND, OK

UNKNOWN_ID = 987654


# --- Reading ----------------------------------------------------------------------------------


def test_list_shows_newest_first(api):
    older, newer = PostFactory.create(), PostFactory.create()

    assert api.list_posts().ids == [newer.pk, older.pk]


def test_list_paginates(api):
    posts = PostFactory.create_batch(5)
    newest_first = [post.pk for post in reversed(posts)]

    first, last = api.list_posts(page_size=2), api.list_posts(page=3, page_size=2)

    assert (first.ids, first.count, first.has_next) == (newest_first[:2], 5, True)
    assert (last.ids, last.has_next) == (newest_first[4:], False)


@pytest.mark.parametrize("page_size", [1, 100])
def test_a_page_size_from_1_to_100_is_accepted(api, db, page_size):
    assert api.list_with_page_size(page_size).status == OK


@pytest.mark.parametrize("page_size", [0, 101])
def test_a_page_size_outside_1_to_100_is_refused_with_the_domains_message(api, db, page_size):
    outcome = api.list_with_page_size(page_size)

    assert outcome.status == INVALID
    assert PAGE_SIZE_CHOICE in outcome.answer


def test_list_searches_body_text(api):
    match = PostFactory.create(body="Bonjour from Paris")
    PostFactory.create(body="Hello from Berlin")

    assert api.list_posts(search="paris").ids == [match.pk]


def test_list_filters_by_author(api, user):
    mine = PostFactory.create(author=user)
    PostFactory.create()
    PostFactory.create(anonymous=True)

    assert api.list_posts(author=user.pk).ids == [mine.pk]


def test_list_count_is_exact_right_after_a_write(api, user, django_capture_on_commit_callbacks):
    # The count of all posts is cached between writes; each write must start a new one.
    api.sign_in(user)
    PostFactory.create_batch(2)
    assert api.list_posts().count == 2

    with django_capture_on_commit_callbacks(execute=True):
        created = api.create_post(body="Fresh")
    assert api.list_posts().count == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete_post(created.post["id"]).status == OK
    assert api.list_posts().count == Post.objects.count() == 2


def test_list_runs_the_same_number_of_queries_for_1_and_50_posts(api, user):
    api.sign_in(user)
    PostFactory.create(author=user)
    with CaptureQueriesContext(connection) as one:
        assert len(api.list_posts(page_size=50).ids) == 1
    LikeFactory.create(user=user, post=PostFactory.create(anonymous=True))
    PostFactory.create_batch(48)
    with CaptureQueriesContext(connection) as fifty:
        assert len(api.list_posts(page_size=50).ids) == 50

    assert len(fifty) == len(one)


def test_detail_shows_post_with_like_state(api, user, post):
    LikeFactory.create(user=user, post=post)
    api.sign_in(user)

    outcome = api.get_post(post.pk)

    assert outcome.status == OK
    assert outcome.post["body"] == post.body
    assert outcome.post["author_id"] == user.pk
    assert (outcome.post["like_count"], outcome.post["liked"]) == (1, True)


def test_detail_of_unknown_post_is_not_found(api):
    assert api.get_post(UNKNOWN_ID).status == NOT_FOUND


# --- Creating ---------------------------------------------------------------------------------


def test_anonymous_visitor_creates_anonymous_post(api, db):
    outcome = api.create_post(body="Hello, world")

    assert outcome.status == OK
    assert Post.objects.get(pk=outcome.post["id"]).author is None


def test_signed_in_user_creates_own_post(api, user):
    api.sign_in(user)

    outcome = api.create_post(body="Mine")

    assert outcome.status == OK
    assert Post.objects.get(pk=outcome.post["id"]).author == user


def test_create_with_image_stores_image_and_thumbnail(
    api, user, django_capture_on_commit_callbacks
):
    api.sign_in(user)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = api.create_post(body="Look", image=image_upload())

    assert outcome.status == OK
    stored = Post.objects.get(pk=outcome.post["id"])
    assert stored.image and stored.thumbnail


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 281])
def test_create_with_blank_or_long_body_is_refused(api, body):
    outcome = api.create_post(body=body)

    assert (outcome.status, outcome.errors) == (INVALID, {"body"})
    assert not Post.objects.exists()


def test_create_with_a_file_that_is_not_an_image_is_refused(api, db):
    outcome = api.create_post(body="Look", image=text_upload())

    assert (outcome.status, outcome.errors) == (INVALID, {"image"})
    assert not Post.objects.exists()


def test_create_with_an_oversized_image_is_refused(api, settings, db):
    settings.POST_IMAGE_MAX_BYTES = 1024

    outcome = api.create_post(body="Look", image=image_upload(size=(400, 400)))

    assert (outcome.status, outcome.errors) == (INVALID, {"image"})
    assert not Post.objects.exists()


# --- Editing and deleting -----------------------------------------------------------------------


def test_owner_edits_post(api, user, post):
    api.sign_in(user)

    outcome = api.update_post(post.pk, body="Edited")

    assert outcome.status == OK
    post.refresh_from_db()
    assert post.body == "Edited"


def test_staff_edits_anyones_post(api, staff_user):
    post = PostFactory.create(anonymous=True)
    api.sign_in(staff_user)

    assert api.update_post(post.pk, body="Moderated").status == OK
    post.refresh_from_db()
    assert post.body == "Moderated"


@pytest.mark.parametrize("actor", ["other_user", "inactive_owner", "anonymous"])
def test_only_owner_or_staff_edits_post(api, post, other_user, actor):
    if actor == "other_user":
        api.sign_in(other_user)
    elif actor == "inactive_owner":
        post.author.is_active = False
        post.author.save()
        api.sign_in(post.author)

    assert api.update_post(post.pk, body="Hijacked").status == DENIED
    post.refresh_from_db()
    assert post.body != "Hijacked"


def test_nobody_but_staff_edits_anonymous_post(api, user):
    post = PostFactory.create(anonymous=True)
    api.sign_in(user)

    assert api.update_post(post.pk, body="Mine now").status == DENIED


def test_edit_with_blank_body_is_refused_and_keeps_the_post(api, user, post):
    api.sign_in(user)

    outcome = api.update_post(post.pk, body=" ")

    assert (outcome.status, outcome.errors) == (INVALID, {"body"})
    post.refresh_from_db()
    assert post.body.strip()


# What "nothing" means is the protocol's: a web form always has its body field, so an empty POST
# is a blank body (a form error, in both flavours); REST refuses an empty PATCH; a GraphQL
# mutation and the domain may leave out every optional argument.
NOTHING_SENT = {"mtv_fbv": INVALID, "mtv_cbv": INVALID, "drf_fbv": INVALID, "drf_cbv": INVALID}


def test_an_edit_that_sends_nothing_keeps_the_post(api, user, post):
    api.sign_in(user)
    before = Post.objects.values().get(pk=post.pk)

    outcome = api.update_post_with_nothing(post.pk)

    assert outcome.status == NOTHING_SENT.get(api.name, OK)
    assert Post.objects.values().get(pk=post.pk) == before


def test_edit_unknown_post_is_not_found(api, user):
    api.sign_in(user)

    assert api.update_post(UNKNOWN_ID, body="Nothing").status == NOT_FOUND


def test_owner_deletes_post(api, user, post):
    api.sign_in(user)

    assert api.delete_post(post.pk).status == OK
    assert not Post.objects.filter(pk=post.pk).exists()


def test_staff_deletes_anonymous_post(api, staff_user):
    post = PostFactory.create(anonymous=True)
    api.sign_in(staff_user)

    assert api.delete_post(post.pk).status == OK
    assert not Post.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize("actor", ["other_user", "anonymous"])
def test_only_owner_or_staff_deletes_post(api, post, other_user, actor):
    if actor == "other_user":
        api.sign_in(other_user)

    assert api.delete_post(post.pk).status == DENIED
    assert Post.objects.filter(pk=post.pk).exists()


def test_delete_unknown_post_is_not_found(api, user):
    api.sign_in(user)

    assert api.delete_post(UNKNOWN_ID).status == NOT_FOUND


# --- Likes --------------------------------------------------------------------------------------


def test_like_is_idempotent(api, user, post):
    api.sign_in(user)

    first, second = api.like(post.pk), api.like(post.pk)

    assert first.status == second.status == OK
    assert (second.post["like_count"], second.post["liked"]) == (1, True)
    assert Like.objects.filter(post=post).count() == 1


def test_unlike_is_idempotent(api, user, post):
    LikeFactory.create(user=user, post=post)
    api.sign_in(user)

    first, second = api.unlike(post.pk), api.unlike(post.pk)

    assert first.status == second.status == OK
    assert (second.post["like_count"], second.post["liked"]) == (0, False)
    assert not Like.objects.filter(post=post).exists()


def test_likes_of_two_users_add_up(api, user, other_user, post):
    api.sign_in(user)
    api.like(post.pk)
    api.sign_in(other_user)

    assert api.like(post.pk).post["like_count"] == 2


@pytest.mark.parametrize("actor", ["anonymous", "inactive"])
def test_only_members_like(api, post, actor):
    if actor == "inactive":
        api.sign_in(UserFactory.create(inactive=True))

    assert api.like(post.pk).status == DENIED
    assert not Like.objects.exists()


def test_like_unknown_post_is_not_found(api, user):
    api.sign_in(user)

    assert api.like(UNKNOWN_ID).status == NOT_FOUND
    assert api.unlike(UNKNOWN_ID).status == NOT_FOUND


# --- Races with the owner's delete ------------------------------------------------------------
# The interface reads the post, then the service writes: the owner's delete can commit in
# between. These tests commit for real (transaction=True), because the likes' foreign key is
# only checked at commit, which is where the unguarded race used to fail with a 500.


def deleted_meanwhile(monkeypatch, check_name, post, owner):
    """Make the service's permission check (the last step before it writes) first let the
    owner's delete commit, as a concurrent request would."""
    check = getattr(services, check_name)

    def delete_first(*args):
        monkeypatch.setattr(services, check_name, check)  # once: the delete checks too
        services.post_delete(post=Post.objects.get(pk=post.pk), actor=owner)
        return check(*args)

    monkeypatch.setattr(services, check_name, delete_first)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", ["like", "unlike"])
def test_a_like_that_comes_after_the_owners_delete_is_not_found(
    api, user, other_user, post, monkeypatch, operation
):
    if operation == "unlike":
        LikeFactory.create(user=other_user, post=post)
    api.sign_in(other_user)
    deleted_meanwhile(monkeypatch, "can_like", post, user)

    assert getattr(api, operation)(post.pk).status == NOT_FOUND
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Like.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_delete_that_comes_after_another_delete_is_not_found(api, user, post, monkeypatch):
    api.sign_in(user)
    deleted_meanwhile(monkeypatch, "can_edit_post", post, user)

    assert api.delete_post(post.pk).status == NOT_FOUND
    assert not Post.objects.filter(pk=post.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_edit_that_comes_after_the_owners_delete_is_not_found(api, user, post, monkeypatch):
    """The edit must not write the post back (an UPDATE of no row, then Django's INSERT)."""
    api.sign_in(user)
    deleted_meanwhile(monkeypatch, "can_edit_post", post, user)

    assert api.update_post(post.pk, body="Back from the dead").status == NOT_FOUND
    assert not Post.objects.filter(pk=post.pk).exists()
