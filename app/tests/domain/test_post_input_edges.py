"""Inputs from the edge of what a database can hold: they must be refused or match nothing,
never reach the database as an error (found by fuzzing the REST API with schemathesis)."""

import pytest
from django.core.exceptions import ValidationError

from domain.posts.models import Post
from domain.posts.selectors import post_get, post_list
from domain.posts.services import post_create

BEYOND_BIGINT = 2**70


def test_post_get_with_an_id_too_big_for_the_database_is_not_found(post):
    with pytest.raises(Post.DoesNotExist):
        post_get(post_id=BEYOND_BIGINT)


@pytest.mark.parametrize("author", [BEYOND_BIGINT, -BEYOND_BIGINT])
def test_post_list_by_an_author_id_too_big_for_the_database_is_empty(post, author):
    assert list(post_list(author=author)) == []


def test_post_list_searching_for_nul_is_empty(post):
    assert list(post_list(search=post.body[:3] + "\x00")) == []


def test_post_with_a_nul_character_is_refused(user):
    with pytest.raises(ValidationError) as error:
        post_create(author=user, body="before\x00after")

    assert set(error.value.message_dict) == {"body"}
    assert not Post.objects.exists()
