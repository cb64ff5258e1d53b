"""The posts API of both DRF flavours: JSON shapes, authorization answers, and bad input that
must be a 4xx with field messages, never a 500. (Shared behaviours live in the contract suite.)"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.posts.models import Post
from tests.factories import LikeFactory, PostFactory, UserFactory, image_upload
from tests.helpers import bearer

POST_KEYS = {
    "id",
    "body",
    "image",
    "thumbnail",
    "author",
    "created_at",
    "updated_at",
    "like_count",
    "liked",
    "can_edit",
}


# --- Shapes -------------------------------------------------------------------------------------


def test_list_has_drf_page_shape_and_post_shape(api_client, posts_url, post):
    data = api_client.get(posts_url).json()

    assert set(data) == {"count", "next", "previous", "results"}
    assert set(data["results"][0]) == POST_KEYS
    assert data["results"][0]["author"] == {
        "id": post.author.pk,
        "display_name": post.author.display_name,
    }


def test_anonymous_post_has_null_author_and_no_image(api_client, posts_url):
    post = PostFactory.create(anonymous=True)

    data = api_client.get(f"{posts_url}{post.pk}/").json()

    assert (data["author"], data["image"], data["thumbnail"]) == (None, None, None)


def test_image_and_thumbnail_are_absolute_urls(
    member_client, posts_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = member_client.post(
            posts_url, {"body": "Look", "image": image_upload()}, format="multipart"
        ).json()

    data = member_client.get(f"{posts_url}{created['id']}/").json()

    assert data["image"].startswith("http://testserver/media/posts/")
    assert data["thumbnail"].startswith("http://testserver/media/posts/thumbnails/")


def test_no_email_address_appears_in_post_responses(member_client, posts_url, user, other_user):
    PostFactory.create(author=other_user)
    created = member_client.post(posts_url, {"body": "Mine"}).content.decode()

    listing = member_client.get(posts_url).content.decode()

    for text in (created, listing):
        assert "@" not in text


def test_can_edit_tells_the_viewer_what_they_may_do(member_client, posts_url, user, other_user):
    mine, theirs = PostFactory.create(author=user), PostFactory.create(author=other_user)

    can_edit = {
        post["id"]: post["can_edit"] for post in member_client.get(posts_url).json()["results"]
    }

    assert can_edit == {mine.pk: True, theirs.pk: False}


def test_like_and_unlike_answer_with_the_like_state(member_client, posts_url, post):
    like_url = f"{posts_url}{post.pk}/like/"

    liked = member_client.post(like_url)
    unliked = member_client.delete(like_url)

    assert (liked.status_code, liked.json()) == (200, {"like_count": 1, "liked": True})
    assert (unliked.status_code, unliked.json()) == (200, {"like_count": 0, "liked": False})


def test_create_answers_201_with_the_post(member_client, posts_url, user):
    response = member_client.post(posts_url, {"body": "Hello"})

    assert response.status_code == 201
    assert response.json()["author"]["id"] == user.pk
    assert (response.json()["liked"], response.json()["can_edit"]) == (False, True)


def test_delete_answers_204(member_client, posts_url, post):
    response = member_client.delete(f"{posts_url}{post.pk}/")

    assert response.status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


# --- Editing ------------------------------------------------------------------------------------


def test_put_requires_body(member_client, posts_url, post):
    response = member_client.put(f"{posts_url}{post.pk}/", {"remove_image": True})

    assert response.status_code == 400
    assert set(response.json()) == {"body"}


def test_patch_changes_only_what_it_sends(member_client, posts_url, post):
    response = member_client.patch(f"{posts_url}{post.pk}/", {"remove_image": True})

    assert response.status_code == 200
    assert response.json()["body"] == post.body


def test_empty_patch_is_refused(member_client, posts_url, post):
    response = member_client.patch(f"{posts_url}{post.pk}/", {})

    assert response.status_code == 400
    assert set(response.json()) == {"non_field_errors"}


def test_multipart_put_replaces_the_image(member_client, posts_url, post):
    response = member_client.put(
        f"{posts_url}{post.pk}/", {"body": "New", "image": image_upload()}, format="multipart"
    )

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.image


@pytest.mark.parametrize("value", ["true", "false"])
def test_multipart_accepts_true_and_false_as_flags(member_client, posts_url, post, value):
    post.image = image_upload()
    post.save()

    response = member_client.patch(
        f"{posts_url}{post.pk}/", {"remove_image": value}, format="multipart"
    )

    assert response.status_code == 200
    post.refresh_from_db()
    assert bool(post.image) == (value == "false")


@pytest.mark.parametrize("value", ["", "1", "yes"])
def test_multipart_refuses_other_flag_spellings(member_client, posts_url, post, value):
    response = member_client.patch(
        f"{posts_url}{post.pk}/", {"remove_image": value}, format="multipart"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"remove_image"}


def test_multipart_may_carry_the_browsable_apis_csrf_field(member_client, posts_url):
    response = member_client.post(
        posts_url, {"body": "Hi", "csrfmiddlewaretoken": "x"}, format="multipart"
    )

    assert response.status_code == 201


# --- Authorization ------------------------------------------------------------------------------


def test_anonymous_like_is_401_with_www_authenticate(api_client, posts_url, post):
    response = api_client.post(f"{posts_url}{post.pk}/like/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_other_users_edit_is_403(api_client, posts_url, post, other_user):
    api_client.credentials(**bearer(other_user))

    response = api_client.patch(f"{posts_url}{post.pk}/", {"body": "Hijacked"})

    assert response.status_code == 403
    assert "detail" in response.json()


def test_inactive_users_token_is_401(api_client, posts_url, inactive_user):
    api_client.credentials(**bearer(inactive_user))

    response = api_client.post(posts_url, {"body": "Hello"})

    assert response.status_code == 401
    assert not Post.objects.exists()


def test_a_forged_token_is_401_even_where_anonymous_is_welcome(api_client, posts_url):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert api_client.get(posts_url).status_code == 401


# --- Bad input ----------------------------------------------------------------------------------


def test_wrong_method_is_405(member_client, posts_url, post):
    assert member_client.delete(posts_url).status_code == 405
    assert member_client.post(f"{posts_url}{post.pk}/").status_code == 405
    assert member_client.put(f"{posts_url}{post.pk}/like/").status_code == 405


def test_malformed_json_is_400(member_client, posts_url):
    response = member_client.post(posts_url, '{"body": ', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_json_that_is_not_an_object_is_400(member_client, posts_url):
    response = member_client.post(posts_url, json.dumps(["body"]), content_type="application/json")

    assert response.status_code == 400
    assert not Post.objects.exists()


def test_unknown_fields_are_400(member_client, posts_url):
    response = member_client.post(posts_url, {"body": "Hi", "author": 1, "likes": 9})

    assert response.status_code == 400
    assert set(response.json()) == {"author", "likes"}
    assert not Post.objects.exists()


@pytest.mark.parametrize("body", [123, True, None, ["Hi"], {"text": "Hi"}])
def test_body_of_the_wrong_type_is_400(member_client, posts_url, body):
    response = member_client.post(posts_url, {"body": body})

    assert response.status_code == 400
    assert set(response.json()) == {"body"}


def test_remove_image_of_the_wrong_type_is_400(member_client, posts_url, post):
    response = member_client.patch(f"{posts_url}{post.pk}/", {"remove_image": "true"})

    assert response.status_code == 400
    assert set(response.json()) == {"remove_image"}


@pytest.mark.parametrize("body", ["", "  \n", "x" * 281, "nul\x00"])
def test_blank_long_or_nul_body_is_400_with_a_body_message(member_client, posts_url, body):
    response = member_client.post(posts_url, {"body": body})

    assert response.status_code == 400
    assert set(response.json()) == {"body"}


def test_image_sent_as_json_text_is_400(member_client, posts_url):
    response = member_client.post(posts_url, {"body": "Hi", "image": "aGVsbG8="})

    assert response.status_code == 400
    assert set(response.json()) == {"image"}


def test_form_urlencoded_body_is_415(member_client, posts_url):
    response = member_client.post(
        posts_url, "body=Hi", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415


@pytest.mark.parametrize("post_id", ["abc", "1.5", "99999999999999999999999"])
def test_malformed_or_huge_ids_are_404(member_client, posts_url, post_id):
    assert member_client.get(f"{posts_url}{post_id}/").status_code == 404
    assert member_client.post(f"{posts_url}{post_id}/like/").status_code == 404


@pytest.mark.parametrize(
    "query, status",
    [
        ("page_size=0", 400),
        ("page_size=101", 400),
        ("page_size=ten", 400),
        ("author=abc", 400),
        ("author=", 400),
        ("page=", 404),
        ("page=0", 404),
        ("page=2", 404),
        ("page=two", 404),
    ],
)
def test_bad_list_parameters_are_4xx(api_client, posts_url, post, query, status):
    response = api_client.get(f"{posts_url}?{query}")

    assert response.status_code == status
    assert response.json()


def test_page_size_up_to_100_is_honoured(api_client, posts_url):
    PostFactory.create_batch(3)

    data = api_client.get(f"{posts_url}?page_size=2").json()

    assert (len(data["results"]), data["count"]) == (2, 3)
    assert "page=2" in data["next"]


def test_author_beyond_the_databases_range_lists_nothing(api_client, posts_url, post):
    data = api_client.get(f"{posts_url}?author={2**70}").json()

    assert data["count"] == 0


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in, queries", [(False, 2), (True, 3)])
def test_list_costs_the_same_queries_for_1_and_50_posts(
    api_client, posts_url, user, signed_in, queries
):
    """count + page (+ the JWT's user), however many posts, authors and likes are on the page."""
    if signed_in:
        api_client.credentials(**bearer(user))
    PostFactory.create(author=user)
    with CaptureQueriesContext(connection) as one:
        assert len(api_client.get(f"{posts_url}?page_size=50").json()["results"]) == 1
    for _ in range(49):
        LikeFactory.create(user=user, post=PostFactory.create(author=UserFactory.create()))
    with CaptureQueriesContext(connection) as fifty:
        assert len(api_client.get(f"{posts_url}?page_size=50").json()["results"]) == 50

    assert len(one) == len(fifty) == queries


def test_multipart_field_sent_twice_is_400(member_client, posts_url):
    response = member_client.post(posts_url, {"body": ["One", "Two"]}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()) == {"body"}
    assert not Post.objects.exists()
