"""The write side of the schema: posts, likes, accounts and tokens. Each test checks both the
answer and what the database then holds."""

import pytest
from django.core import mail

from domain.accounts.models import User
from domain.accounts.services import activation_link
from domain.posts.models import Like, Post
from domain.posts.permissions import NOT_YOUR_POST
from tests.factories import (
    PASSWORD,
    LikeFactory,
    PostFactory,
    UserFactory,
    image_upload,
    text_upload,
)
from tests.helpers import GRAPHQL_URL, activation_parts, graphql_error_of, graphql_multipart

CREATE = """mutation($body: String!, $image: Upload) {
  createPost(body: $body, image: $image) { post { id body image author { id } canEdit } }
}"""
UPDATE = """mutation($id: ID!, $body: String, $image: Upload, $removeImage: Boolean) {
  updatePost(id: $id, body: $body, image: $image, removeImage: $removeImage) {
    post { id body image }
  }
}"""
DELETE = "mutation($id: ID!) { deletePost(id: $id) { deletedId } }"
LIKE = "mutation($id: ID!) { likePost(id: $id) { post { likeCount liked } } }"
UNLIKE = "mutation($id: ID!) { unlikePost(id: $id) { post { likeCount liked } } }"
SIGN_UP = """mutation($email: String!, $password: String!, $displayName: String) {
  signUp(email: $email, password: $password, displayName: $displayName) { ok }
}"""
ACTIVATE = "mutation($uid: String!, $token: String!) { activate(uid: $uid, token: $token) { ok } }"
TOKEN_AUTH = """mutation($email: String!, $password: String!) {
  tokenAuth(email: $email, password: $password) { access refresh }
}"""
REFRESH = "mutation($refresh: String!) { refreshToken(refresh: $refresh) { access refresh } }"
ME = "{ me { email } }"


def code_of(response):
    return graphql_error_of(response)["extensions"]["code"]


# --- Posts ------------------------------------------------------------------------------------


def test_signed_in_user_creates_a_post(client, gql, user):
    client.force_login(user)

    post = gql(CREATE, {"body": "Hello"}).result["data"]["createPost"]["post"]

    assert (post["body"], post["author"], post["canEdit"]) == ("Hello", {"id": str(user.pk)}, True)
    assert Post.objects.get(pk=post["id"]).author == user


def test_create_with_an_image_per_the_multipart_spec(client, user):
    client.force_login(user)

    response = client.post(
        GRAPHQL_URL, graphql_multipart(CREATE, {"body": "Look"}, {"image": image_upload()})
    )

    post = response.json()["data"]["createPost"]["post"]
    assert post["image"].startswith("http://testserver/media/posts/")
    assert Post.objects.get(pk=post["id"]).image


def test_create_with_a_file_that_is_not_an_image_gives_a_field_error(client, db):
    response = client.post(
        GRAPHQL_URL, graphql_multipart(CREATE, {"body": "Look"}, {"image": text_upload()})
    )

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(error["extensions"]["fields"]) == ["image"]
    assert "not an image" in error["message"]
    assert not Post.objects.exists()


def test_create_with_a_blank_body_gives_a_field_error(gql, db):
    error = graphql_error_of(gql(CREATE, {"body": "  "}))

    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"body": ["Write something: a post cannot be blank."]},
    }
    assert error["message"] == "Invalid input. body: Write something: a post cannot be blank."
    assert not Post.objects.exists()


def test_owner_replaces_the_image(client, user):
    post = PostFactory.create(author=user)
    client.force_login(user)

    response = client.post(
        GRAPHQL_URL, graphql_multipart(UPDATE, {"id": post.pk}, {"image": image_upload()})
    )

    assert response.json()["data"]["updatePost"]["post"]["image"]
    post.refresh_from_db()
    assert post.image


def test_owner_removes_the_image(client, gql, user):
    post = PostFactory.create(author=user, image=image_upload())
    client.force_login(user)

    updated = gql(UPDATE, {"id": post.pk, "removeImage": True}).result["data"]["updatePost"]

    assert updated["post"]["image"] is None
    post.refresh_from_db()
    assert not post.image


def test_other_user_cannot_update(client, gql, other_user, post):
    client.force_login(other_user)

    response = gql(UPDATE, {"id": post.pk, "body": "Hijacked"})

    assert graphql_error_of(response)["extensions"] == {"code": "FORBIDDEN"}
    assert graphql_error_of(response)["message"] == NOT_YOUR_POST
    post.refresh_from_db()
    assert post.body != "Hijacked"


def test_owner_deletes(client, gql, user, post):
    client.force_login(user)

    result = gql(DELETE, {"id": post.pk}).result

    assert result == {"data": {"deletePost": {"deletedId": str(post.pk)}}}
    assert not Post.objects.exists()


def test_delete_unknown_post_is_not_found(client, gql, user):
    client.force_login(user)

    assert code_of(gql(DELETE, {"id": 987654})) == "NOT_FOUND"


# --- Likes ------------------------------------------------------------------------------------


def test_like_then_unlike(client, gql, user, post):
    client.force_login(user)

    liked = gql(LIKE, {"id": post.pk}).result["data"]["likePost"]["post"]
    assert liked == {"likeCount": 1, "liked": True}
    unliked = gql(UNLIKE, {"id": post.pk}).result["data"]["unlikePost"]["post"]
    assert unliked == {"likeCount": 0, "liked": False}
    assert not Like.objects.exists()


def test_anonymous_visitor_cannot_like(gql, post):
    response = gql(LIKE, {"id": post.pk})

    assert graphql_error_of(response)["extensions"] == {"code": "FORBIDDEN"}
    assert graphql_error_of(response)["message"] == "Log in with an active account to like posts."
    assert not Like.objects.exists()


def test_unlike_keeps_other_users_likes(client, gql, user, other_user, post):
    LikeFactory.create(user=other_user, post=post)
    client.force_login(user)

    assert gql(UNLIKE, {"id": post.pk}).result["data"]["unlikePost"]["post"]["likeCount"] == 1


# --- Accounts ---------------------------------------------------------------------------------


def test_sign_up_creates_an_inactive_account_and_emails_the_link(
    gql, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(SIGN_UP, {"email": "new@example.com", "password": PASSWORD}).result

    assert result == {"data": {"signUp": {"ok": True}}}
    assert not User.objects.get(email="new@example.com").is_active
    assert mail.outbox[0].to == ["new@example.com"]


def test_sign_up_errors_name_the_arguments(gql, user):
    response = gql(SIGN_UP, {"email": "not-an-email", "password": "123", "displayName": "x" * 51})

    fields = graphql_error_of(response)["extensions"]["fields"]
    assert sorted(fields) == ["displayName", "email", "password"]
    assert User.objects.count() == 1


def activation_variables(user):
    return activation_parts(activation_link(user))


def test_activate_with_the_emailed_link(gql, inactive_user):
    result = gql(ACTIVATE, activation_variables(inactive_user)).result

    assert result == {"data": {"activate": {"ok": True}}}
    inactive_user.refresh_from_db()
    assert inactive_user.is_active


def test_activate_with_a_tampered_token_is_refused(gql, inactive_user):
    variables = {**activation_variables(inactive_user), "token": "abc-123"}

    error = graphql_error_of(gql(ACTIVATE, variables))

    assert error["extensions"] == {"code": "INVALID_LINK"}
    assert "invalid or has expired" in error["message"]
    inactive_user.refresh_from_db()
    assert not inactive_user.is_active


def test_activate_an_active_account_says_so(gql, user):
    assert code_of(gql(ACTIVATE, activation_variables(user))) == "ALREADY_ACTIVE"


# --- Tokens -----------------------------------------------------------------------------------


def test_token_auth_gives_tokens_that_authenticate(client, gql, user):
    tokens = gql(TOKEN_AUTH, {"email": user.email, "password": PASSWORD}).result["data"]

    access = tokens["tokenAuth"]["access"]
    assert tokens["tokenAuth"]["refresh"]
    me = gql(ME, HTTP_AUTHORIZATION=f"Bearer {access}").result["data"]["me"]
    assert me == {"email": user.email}


@pytest.mark.parametrize("who", ["wrong_password", "inactive"])
def test_token_auth_refuses_bad_credentials_and_inactive_accounts(gql, db, who):
    user = UserFactory.create(inactive=who == "inactive")
    password = "wrong" if who == "wrong_password" else PASSWORD

    response = gql(TOKEN_AUTH, {"email": user.email, "password": password})

    error = graphql_error_of(response)
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"] == "No active account found with the given credentials"
    assert response.result["data"] == {"tokenAuth": None}


def test_token_auth_with_blank_fields_gives_field_errors(gql, db):
    error = graphql_error_of(gql(TOKEN_AUTH, {"email": "", "password": ""}))

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert sorted(error["extensions"]["fields"]) == ["email", "password"]


def refresh_token_for(gql, user):
    result = gql(TOKEN_AUTH, {"email": user.email, "password": PASSWORD}).result
    return result["data"]["tokenAuth"]["refresh"]


def test_refresh_token_gives_a_new_access_token(gql, user):
    refreshed = gql(REFRESH, {"refresh": refresh_token_for(gql, user)}).result["data"]

    assert refreshed["refreshToken"]["access"]
    assert refreshed["refreshToken"]["refresh"] is None


def test_refresh_with_a_bad_token_is_refused(gql, db):
    error = graphql_error_of(gql(REFRESH, {"refresh": "not.a.token"}))

    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"] == "The refresh token is invalid or expired."


@pytest.mark.parametrize("fate", ["deactivated", "deleted"])
def test_refresh_for_a_deactivated_or_deleted_account_is_refused(gql, user, fate):
    refresh = refresh_token_for(gql, user)
    if fate == "deleted":
        user.delete()
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)

    assert code_of(gql(REFRESH, {"refresh": refresh})) == "UNAUTHENTICATED"
