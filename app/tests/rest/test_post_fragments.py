"""The API's posts come from the per-process fragments cache (interfaces/fragments.py): once per
version of a post, with the viewer's own fields added to each copy."""

import pytest
from rest_framework import serializers

from domain.posts import services
from interfaces.fragments import fragments, post_version
from tests.factories import LikeFactory
from tests.helpers import bearer


@pytest.fixture
def serializations(monkeypatch):
    """How many times DRF serialized a post's fields (a cache miss)."""
    calls = []
    original = serializers.ModelSerializer.to_representation

    def counting(self, instance):
        calls.append(instance)
        return original(self, instance)

    monkeypatch.setattr(serializers.ModelSerializer, "to_representation", counting)
    return calls


def test_an_unchanged_post_is_serialized_once(api_client, posts_url, post, serializations):
    first = api_client.get(posts_url).json()["results"]
    second = api_client.get(posts_url).json()["results"]

    assert second == first
    # The post once; its author (a nested serializer) once, inside it.
    assert serializations == [post, post.author]


def test_each_viewer_gets_their_own_like_state_and_rights(api_client, posts_url, post, user):
    fan = LikeFactory.create(post=post).user
    api_client.get(posts_url)  # cached by an anonymous viewer

    as_fan = api_client.get(posts_url, **bearer(fan)).json()["results"][0]
    as_author = api_client.get(posts_url, **bearer(user)).json()["results"][0]

    assert (as_fan["liked"], as_fan["can_edit"]) == (True, False)
    assert (as_author["liked"], as_author["can_edit"]) == (False, True)
    assert as_fan["like_count"] == as_author["like_count"] == 1


def test_an_edit_a_like_and_a_renamed_author_show_at_once(
    api_client, posts_url, post, user, other_user
):
    detail = f"{posts_url}{post.pk}/"
    api_client.get(detail)

    services.post_update(post=post, actor=user, body="Edited")
    assert api_client.get(detail).json()["body"] == "Edited"

    services.post_like(post=post, user=other_user)
    assert api_client.get(detail).json()["like_count"] == 1

    user.display_name = "Renamed"
    user.save()
    assert api_client.get(detail).json()["author"]["display_name"] == "Renamed"


def test_image_urls_follow_the_address_the_client_used(api_client, posts_url, post):
    post.image = "posts/picture.png"
    post.save()

    here = api_client.get(posts_url, HTTP_HOST="testserver").json()["results"][0]
    there = api_client.get(posts_url, HTTP_HOST="localhost").json()["results"][0]

    assert here["image"] == "http://testserver/media/posts/picture.png"
    assert there["image"] == "http://localhost/media/posts/picture.png"


def test_the_viewer_fields_stay_out_of_the_shared_representation(
    api_client, posts_url, post, user
):
    """Entries are shared, not copied: the viewer's fields go into each response's own copy."""
    api_client.get(posts_url, **bearer(user))

    shared = fragments.get(("rest-post", post_version(post, origin="http://testserver/")))

    assert shared["id"] == post.pk
    assert "liked" not in shared and "can_edit" not in shared
