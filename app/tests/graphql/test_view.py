"""The HTTP side of /graphql/: authentication, CSRF, malformed requests, the depth limit, crashes
and the number of SQL queries a page of posts costs."""

import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from graphql import get_introspection_query

from domain.posts.models import Post
from tests.factories import LikeFactory, PostFactory, image_upload
from tests.helpers import GRAPHQL_URL, bearer, graphql_error_of, graphql_multipart

ME = "{ me { email } }"
CREATE = "mutation($body: String!) { createPost(body: $body) { post { id } } }"
UPLOAD = 'mutation($image: Upload) { createPost(body: "Look", image: $image) { post { id } } }'
POSTS = """query($pageSize: Int) {
  posts(pageSize: $pageSize) {
    count hasNext
    posts { id body image thumbnail likeCount liked canEdit author { id displayName } }
  }
}"""

# A session query only where sessions live in the database alone (cached_db reads the cache).
SESSION_QUERIES = 0 if django_settings.SESSION_ENGINE.endswith("cached_db") else 1


# --- Authentication -----------------------------------------------------------------------------


def test_bearer_token_authenticates(gql, user):
    assert gql(ME, **bearer(user)).result == {"data": {"me": {"email": user.email}}}


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer two parts"],
    ids=["garbage", "malformed_header"],
)
def test_bad_bearer_token_is_401_not_anonymous(gql, db, header):
    response = gql(ME, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert graphql_error_of(response)["extensions"] == {"code": "UNAUTHENTICATED"}
    assert graphql_error_of(response)["message"]


def test_expired_bearer_token_is_401(gql, user):
    response = gql(ME, **bearer(user, lifetime=-timedelta(seconds=1)))

    assert response.status_code == 401
    assert graphql_error_of(response)["message"] == "Given token not valid for any token type"


def test_bearer_token_of_a_deactivated_account_is_401(gql, user):
    headers = bearer(user)
    user.is_active = False
    user.save()

    response = gql(ME, **headers)

    assert response.status_code == 401
    assert graphql_error_of(response)["message"] == "User is inactive"


def test_other_authorization_schemes_are_ignored(gql, db):
    assert gql(ME, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").result == {"data": {"me": None}}


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.fixture
def browser(db):
    """A client that enforces CSRF like a browser session would be checked."""
    return Client(enforce_csrf_checks=True)


def post_json(client, query, variables=None, **extra):
    body = json.dumps({"query": query, "variables": variables or {}})
    return client.post(GRAPHQL_URL, body, content_type="application/json", **extra)


def test_session_request_without_csrf_token_is_refused(browser, user):
    browser.force_login(user)

    response = post_json(browser, CREATE, {"body": "Forged"})

    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert response.json()["errors"][0]["message"].startswith("CSRF verification failed")
    assert not Post.objects.exists()


def test_session_request_with_the_csrf_token_from_the_cookie_runs(browser, user):
    browser.force_login(user)
    token = browser.get(GRAPHQL_URL, HTTP_ACCEPT="text/html").cookies["csrftoken"].value

    response = post_json(browser, CREATE, {"body": "Mine"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert Post.objects.get().author == user


def test_bearer_request_needs_no_csrf_token(browser, user):
    browser.cookies.clear()

    response = post_json(browser, CREATE, {"body": "From an app"}, **bearer(user))

    assert response.status_code == 200
    assert Post.objects.get().author == user


def test_anonymous_request_needs_no_csrf_token(browser):
    response = post_json(browser, CREATE, {"body": "Hello"})

    assert response.status_code == 200
    assert Post.objects.get().author is None


# --- Malformed requests: a 400 with a GraphQL error, never a 500 --------------------------------


def test_invalid_json_body(client, db):
    response = client.post(GRAPHQL_URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "POST body sent invalid JSON."}]}


def test_json_body_that_is_not_an_object(client, db):
    response = client.post(GRAPHQL_URL, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert "not a valid JSON query" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("{ nope }", "Cannot query field 'nope' on type 'Query'."),
        (
            "{ posts { posts { author { email } } } }",
            "Cannot query field 'email' on type 'Author'.",
        ),
        ("{ posts ", "Syntax Error: Expected Name, found <EOF>."),
        ("", "Must provide query string."),
    ],
)
def test_invalid_queries(gql, db, query, message):
    response = gql(query)

    assert response.status_code == 400
    assert graphql_error_of(response)["message"] == message


def test_variables_of_the_wrong_type(gql, db):
    response = gql(POSTS, {"pageSize": "ten"})

    assert response.status_code == 400
    assert "Int cannot represent non-integer value" in graphql_error_of(response)["message"]


def test_variables_that_are_not_json(client, db):
    response = client.get(
        GRAPHQL_URL, {"query": POSTS, "variables": "{oops"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Variables are invalid JSON."


def test_queries_work_over_get(client, db):
    response = client.get(GRAPHQL_URL, {"query": ME}, HTTP_ACCEPT="application/json")

    assert response.json() == {"data": {"me": None}}


def test_mutations_over_get_are_refused(client, db):
    response = client.get(
        GRAPHQL_URL, {"query": 'mutation { createPost(body: "x") { post { id } } }'}
    )

    assert response.status_code == 405
    assert not Post.objects.exists()


def test_other_methods_are_refused(client, db):
    assert client.put(GRAPHQL_URL, "{}", content_type="application/json").status_code == 405


@pytest.mark.parametrize(
    "operations, files_map",
    [
        ("{not json", '{"0": ["variables.image"]}'),
        (json.dumps([{"query": UPLOAD}]), "{}"),
        (json.dumps({"query": UPLOAD, "variables": {}}), '{"0": ["variables.image"]}'),
        (json.dumps({"query": UPLOAD, "variables": {"image": "x"}}), '{"0": ["variables.image"]}'),
        (
            json.dumps({"query": UPLOAD, "variables": {"image": None}}),
            '{"9": ["variables.image"]}',
        ),
        (json.dumps({"query": UPLOAD, "variables": {"image": None}}), '["variables.image"]'),
    ],
    ids=[
        "operations_not_json",
        "batch",
        "path_to_nothing",
        "path_to_a_value",
        "no_such_file",
        "map_not_object",
    ],
)
def test_malformed_multipart_requests(client, db, operations, files_map):
    data = {"operations": operations, "map": files_map, "0": image_upload()}

    response = client.post(GRAPHQL_URL, data)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Malformed multipart request")
    assert not Post.objects.exists()


def test_broken_multipart_body(client, db):
    response = client.post(GRAPHQL_URL, b"garbage", content_type="multipart/form-data")

    assert response.status_code == 400


def test_upload_variable_that_is_not_a_file(gql, db):
    response = gql(UPLOAD, {"image": "data:image/png;base64,AAAA"})

    assert response.status_code == 400
    assert "multipart/form-data" in graphql_error_of(response)["message"]
    assert not Post.objects.exists()


def test_upload_written_in_the_query(gql, db):
    response = gql('mutation { createPost(body: "x", image: "abc") { post { id } } }')

    assert response.status_code == 400
    assert "A file cannot be written in the query" in graphql_error_of(response)["message"]


def test_upload_passes_through_a_multipart_request(client, db):
    response = client.post(GRAPHQL_URL, graphql_multipart(UPLOAD, {}, {"image": image_upload()}))

    assert response.json()["data"]["createPost"]["post"]["id"]


# --- Crashes ------------------------------------------------------------------------------------


def test_a_crashing_resolver_is_reported_without_details_and_logged(
    gql, post, monkeypatch, caplog
):
    def crash(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("interfaces.graphql.queries.post_get", crash)

    with caplog.at_level(logging.ERROR, logger="interfaces.graphql.views"):
        response = gql("query($id: ID!) { post(id: $id) { id } }", {"id": post.pk})

    assert graphql_error_of(response)["message"] == "Internal server error."
    assert graphql_error_of(response)["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret internals" not in response.content.decode()
    assert "secret internals" in caplog.text


# --- Depth limit --------------------------------------------------------------------------------

NESTED = "query Nested { posts { posts { author { displayName } } } }"


def test_depth_limit_refuses_deeper_operations(gql, db, settings):
    settings.GRAPHQL_MAX_DEPTH = 2

    response = gql(NESTED)

    assert response.status_code == 400
    assert (
        graphql_error_of(response)["message"] == "'Nested' exceeds maximum operation depth of 2."
    )


def test_depth_limit_admits_operations_within_it(gql, db, settings):
    settings.GRAPHQL_MAX_DEPTH = 3

    assert gql(NESTED).result == {"data": {"posts": {"posts": []}}}


def test_depth_limit_counts_through_fragments(gql, db, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    query = "{ posts { ...Page } } fragment Page on PostPage { posts { author { id } } }"

    assert "exceeds maximum operation depth" in graphql_error_of(gql(query))["message"]


def test_introspection_is_exempt_from_the_depth_limit(gql, db, settings):
    settings.GRAPHQL_MAX_DEPTH = 1  # GraphiQL's introspection query nests about 10 deep

    response = gql(get_introspection_query())

    assert response.status_code == 200
    assert response.result["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    "query, message",
    [
        ("{ ...Missing }", "Unknown fragment 'Missing'."),
        (
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
    ],
    ids=["unknown_fragment", "fragment_cycle"],
)
def test_documents_the_depth_limit_cannot_measure_get_validation_errors(gql, db, query, message):
    response = gql(query)

    assert response.status_code == 400
    assert message in [error["message"] for error in response.result["errors"]]


# --- SQL queries per page -----------------------------------------------------------------------


def make_posts(count, liker):
    """``count`` posts: an anonymous one the liker liked, the rest by authors of their own."""
    LikeFactory.create(user=liker, post=PostFactory.create(anonymous=True))
    PostFactory.create_batch(count - 1)


@pytest.mark.parametrize(
    "viewer, queries",
    # anonymous: COUNT + page; session: + session + user; Bearer: + user.
    [("anonymous", 2), ("session", 3 + SESSION_QUERIES), ("bearer", 3)],
)
@pytest.mark.parametrize("count", [1, 50])
def test_posts_cost_the_same_queries_for_1_and_50_posts(
    client, gql, user, django_assert_num_queries, viewer, queries, count
):
    make_posts(count, liker=user)
    headers = bearer(user) if viewer == "bearer" else {}
    if viewer == "session":
        client.force_login(user)

    with django_assert_num_queries(queries):
        result = gql(POSTS, {"pageSize": 50}, **headers).result

    posts = result["data"]["posts"]["posts"]
    assert len(posts) == count
    assert all(post["author"] for post in posts[:-1])
    assert posts[-1]["likeCount"] == 1
    assert posts[-1]["liked"] is (viewer != "anonymous")
