"""Input built to crash a parser or a lookup gets a 4xx, never a 500: deeply nested JSON, lone
surrogates, ids in non-ASCII digits, JWTs whose user_id is not a number, and GraphQL bodies
whose fields have the wrong types (whose Python error text used to be echoed)."""

import json

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import PASSWORD, PostFactory
from tests.helpers import GRAPHQL_URL

NESTED = "[" * 100_000

JSON_ENDPOINTS = [
    "/api/auth/signup/",
    "/api/auth/activate/",
    "/api/token/",
    "/api/token/refresh/",
    "/api/drf/fbv/posts/",
    "/api/drf/cbv/posts/",
]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_400_on_every_rest_endpoint(client, db, url):
    response = client.post(url, NESTED, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
def test_deeply_nested_json_is_a_400_on_an_update(client, post, flavour):
    client.force_login(post.author)

    response = client.patch(
        f"/api/drf/{flavour}/posts/{post.pk}/", NESTED, content_type="application/json"
    )

    assert response.status_code == 400


def test_deeply_nested_json_is_a_4xx_on_graphql(client, db, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 1_000_000  # past the size limit, to reach the parser

    response = client.post(GRAPHQL_URL, NESTED, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_graphql_body_over_the_size_limit_is_a_413(client, db):
    response = client.post(GRAPHQL_URL, NESTED, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize(
    "body",
    [{"query": 1}, {"query": ["{ me { id } }"]}, {"query": "{ me { id } }", "operationName": 7}],
    ids=["int-query", "list-query", "int-operation-name"],
)
def test_graphql_does_not_echo_python_errors_for_malformed_bodies(client, db, body):
    """Before: {"query": 1} answered "object of type 'int' has no len()"."""
    response = client.post(GRAPHQL_URL, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"].startswith("Malformed GraphQL request")


SURROGATE_OPERATIONS = {
    "posts-search": ("query($s: String) { posts(search: $s) { count } }", {"s": "\ud800"}),
    "create-post": (
        "mutation($b: String!) { createPost(body: $b) { post { id } } }",
        {"b": "a\ud800b"},
    ),
    "sign-up": (
        "mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { ok } }",
        {"e": "x\ud800@example.com", "p": PASSWORD},
    ),
    "in-the-query": ('{ posts(search: "\ud800") { count } }', {}),
}


@pytest.mark.parametrize("operation", SURROGATE_OPERATIONS.values(), ids=SURROGATE_OPERATIONS)
def test_a_lone_surrogate_is_bad_user_input(client, db, operation):
    query, variables = operation
    # json.dumps writes "\ud800" as the escape a client would send.
    body = json.dumps({"query": query, "variables": variables})

    response = client.post(GRAPHQL_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
def test_rest_ids_in_non_ascii_digits_name_no_post(client, db, flavour):
    PostFactory.create_batch(3)

    response = client.get(f"/api/drf/{flavour}/posts/\u0663/")

    assert response.status_code == 404


def test_graphql_ids_in_non_ascii_digits_name_no_post(client, db):
    PostFactory.create_batch(3)

    result = client.post(
        GRAPHQL_URL,
        json.dumps({"query": '{ post(id: "\u0663") { id } }'}),
        content_type="application/json",
    ).json()

    assert result["data"]["post"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_author_filter_in_non_ascii_digits_is_refused(client, user):
    response = client.get("/api/drf/fbv/posts/", {"author": "\u0663"})

    assert response.status_code == 400


@pytest.mark.parametrize("page", ["\u0663", "x"])
def test_web_page_numbers_in_non_ascii_digits_are_refused(client, db, page):
    assert client.get("/mtv/fbv/posts/", {"page": page}).status_code == 400


def forged_token(user_id):
    """A token signed with the real key whose user_id claim is whatever we like."""
    token = AccessToken()
    token["user_id"] = user_id
    return str(token)


@pytest.mark.parametrize("user_id", ["abc", "\u0663", 1.5, True, ["1"], None])
def test_a_signed_jwt_with_a_malformed_user_id_is_a_401(client, user, user_id):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {forged_token(user_id)}"}

    rest = client.get("/api/drf/cbv/posts/", **headers)
    graphql = client.post(
        GRAPHQL_URL, json.dumps({"query": "{ me { id } }"}), "application/json", **headers
    )

    assert rest.status_code == 401
    assert graphql.status_code == 401


def test_a_signed_jwt_with_a_numeric_string_user_id_still_works(client, user):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {forged_token(str(user.pk))}"}

    assert client.get("/api/drf/cbv/posts/", **headers).status_code == 200
