"""The read side of the schema: posts, post(id), me."""

import pytest

from tests.factories import LikeFactory, PostFactory, image_upload
from tests.helpers import graphql_error_of

POSTS = """
query($page: Int, $pageSize: Int, $search: String, $author: ID) {
  posts(page: $page, pageSize: $pageSize, search: $search, author: $author) {
    count page pages hasNext hasPrev
    posts {
      id body image thumbnail likeCount liked canEdit createdAt updatedAt
      author { id displayName }
    }
  }
}
"""
POST = "query($id: ID!) { post(id: $id) { id body likeCount liked canEdit author { id } } }"
ME = "{ me { id email displayName } }"


def test_posts_page_reports_its_position(gql, db):
    PostFactory.create_batch(5)

    page = gql(POSTS, {"page": 2, "pageSize": 2}).result["data"]["posts"]

    assert {key: page[key] for key in ("count", "page", "pages", "hasNext", "hasPrev")} == {
        "count": 5,
        "page": 2,
        "pages": 3,
        "hasNext": True,
        "hasPrev": True,
    }
    assert len(page["posts"]) == 2


def test_posts_default_to_the_first_page_of_20(gql, db):
    PostFactory.create_batch(21)

    page = gql(POSTS).result["data"]["posts"]

    assert (page["page"], len(page["posts"]), page["hasPrev"]) == (1, 20, False)


def test_posts_show_the_viewer_state_and_the_author_without_email(client, gql, user, post):
    LikeFactory.create(user=user, post=post)
    client.force_login(user)

    (shown,) = gql(POSTS).result["data"]["posts"]["posts"]

    assert shown["author"] == {"id": str(user.pk), "displayName": user.display_name}
    assert (shown["likeCount"], shown["liked"], shown["canEdit"]) == (1, True, True)
    assert user.email not in str(shown)


def test_posts_show_anonymous_author_as_null(gql, db):
    PostFactory.create(anonymous=True)

    (shown,) = gql(POSTS).result["data"]["posts"]["posts"]

    assert shown["author"] is None
    assert (shown["liked"], shown["canEdit"]) == (False, False)


def test_posts_give_absolute_image_urls(gql, db):
    PostFactory.create(image=image_upload())

    (shown,) = gql(POSTS).result["data"]["posts"]["posts"]

    assert shown["image"].startswith("http://testserver/media/posts/")
    assert shown["thumbnail"] is None


def test_posts_filter_by_search_and_author(gql, user):
    mine = PostFactory.create(author=user, body="Hello from Paris")
    PostFactory.create(author=user, body="Hello from Berlin")
    PostFactory.create(body="Paris again, by someone else")

    result = gql(POSTS, {"search": "paris", "author": str(user.pk)}).result

    assert [post["id"] for post in result["data"]["posts"]["posts"]] == [str(mine.pk)]


@pytest.mark.parametrize(
    "variables, field",
    [({"page": 9}, "page"), ({"pageSize": 101}, "pageSize"), ({"author": "me"}, "author")],
)
def test_posts_with_bad_arguments_give_field_errors(gql, db, variables, field):
    response = gql(POSTS, variables)

    error = graphql_error_of(response)
    assert response.status_code == 200
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(error["extensions"]["fields"]) == [field]
    assert error["message"].startswith(f"Invalid input. {field}: ")
    assert response.result["data"] == {"posts": None}


def test_post_by_id(gql, user, post):
    shown = gql(POST, {"id": post.pk}).result["data"]["post"]

    assert shown == {
        "id": str(post.pk),
        "body": post.body,
        "likeCount": 0,
        "liked": False,
        "canEdit": False,
        "author": {"id": str(user.pk)},
    }


@pytest.mark.parametrize("post_id", ["987654", "not-a-number"])
def test_unknown_post_is_not_found(gql, db, post_id):
    response = gql(POST, {"id": post_id})

    error = graphql_error_of(response)
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["message"] == "No post with this id."
    assert error["path"] == ["post"]
    assert response.result["data"] == {"post": None}


def test_me_is_null_for_anonymous_visitors(gql, db):
    assert gql(ME).result == {"data": {"me": None}}


def test_me_shows_the_viewer_their_own_email(client, gql, user):
    client.force_login(user)

    assert gql(ME).result["data"]["me"] == {
        "id": str(user.pk),
        "email": user.email,
        "displayName": user.display_name,
    }


def test_no_type_but_viewer_exposes_an_email():
    from interfaces.graphql.schema import schema

    with_email = [
        name
        for name, graphql_type in schema.graphql_schema.type_map.items()
        if "email" in getattr(graphql_type, "fields", {})
    ]

    assert with_email == ["Viewer"]
