"""No N+1 on the web pages: a list page costs the same number of queries for 1 post and for 50,
whoever looks (the figures are pinned too, so a new query per page shows up in review)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import LikeFactory, PostFactory, UserFactory, image_upload

# The session is a query only where it lives in the database alone (no Redis: cached_db reads it
# from the cache).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# Anonymous: count + page. Signed in: + session + user (the "liked" state rides in the page query).
LIST_QUERIES = {"anonymous": 2, "member": 3 + SESSION_QUERIES}


def queries_for(client, path, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_list_page_runs_the_same_queries_for_1_and_50_posts(client, flavour, viewer, db):
    if viewer == "member":
        client.force_login(UserFactory.create())
    path = reverse(f"{flavour}:post_list")
    PostFactory.create()
    one = queries_for(client, path, {"page_size": 50})

    authors = UserFactory.create_batch(3)
    for number in range(49):
        post = PostFactory.create(author=authors[number % 3] if number % 4 else None)
        if number % 5 == 0:
            LikeFactory.create(post=post)
    PostFactory.create(image=image_upload())
    fifty = queries_for(client, path, {"page_size": 50})

    assert one == fifty == LIST_QUERIES[viewer]


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_filtered_list_page_costs_no_more(client, flavour, viewer, user):
    if viewer == "member":
        client.force_login(user)
    PostFactory.create_batch(30, author=user, body="needle")

    count = queries_for(
        client, reverse(f"{flavour}:post_list"), {"author": user.pk, "search": "needle"}
    )

    assert count == LIST_QUERIES[viewer]


def test_detail_page_runs_a_constant_number_of_queries(client, flavour, user):
    client.force_login(user)
    post = PostFactory.create(author=user, image=image_upload())
    path = reverse(f"{flavour}:post_detail", args=[post.pk])
    before = queries_for(client, path)
    LikeFactory.create_batch(20, post=post)
    LikeFactory.create(post=post, user=user)

    # Session, user, and the post with author and "liked" in one query.
    assert queries_for(client, path) == before == 2 + SESSION_QUERIES
