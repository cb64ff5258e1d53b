"""Each valid GraphQL document is parsed and validated once per process (views.valid_document),
and everything else answers as graphene-django would."""

import json

import graphql
import pytest

from interfaces.graphql import views
from tests.factories import PostFactory
from tests.helpers import GRAPHQL_URL, graphql_error_of

POSTS = "{ posts { count posts { id body } } }"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_documents(monkeypatch):
    monkeypatch.setattr(views, "_valid_documents", {})


@pytest.fixture
def parses(monkeypatch):
    """The queries parsed, in order."""
    parsed = []

    def counting(query):
        parsed.append(query)
        return graphql.parse(query)

    monkeypatch.setattr("interfaces.graphql.views.parse", counting)
    return parsed


def test_a_valid_document_is_parsed_once(gql, parses):
    PostFactory.create(body="Hello")

    first, second = gql(POSTS), gql(POSTS)

    assert second.result == first.result
    assert first.result["data"]["posts"]["posts"][0]["body"] == "Hello"
    assert parses == [POSTS]


def test_an_invalid_document_is_checked_every_time(gql, parses):
    for _ in range(2):
        assert "Cannot query field 'nope'" in graphql_error_of(gql("{ nope }"))["message"]

    assert parses == ["{ nope }", "{ nope }"]


def test_a_changed_limit_applies_to_a_document_already_kept(gql, settings):
    assert "errors" not in gql(POSTS).result

    settings.GRAPHQL_MAX_COST = 3

    assert graphql_error_of(gql(POSTS))["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_a_big_document_is_never_kept(gql, parses):
    query = "{ posts { count } }" + " " * views.CACHED_DOCUMENT_MAX_CHARS

    gql(query)
    gql(query)

    assert len(parses) == 2
    assert views._valid_documents == {}


def test_the_oldest_document_makes_room(gql, monkeypatch):
    monkeypatch.setattr(views, "CACHED_DOCUMENTS", 2)
    queries = ["{ me { email } }", "{ posts { count } }", "{ posts { hasNext } }"]

    for query in queries:
        gql(query)

    assert [key[2] for key in views._valid_documents] == queries[1:]


def test_a_syntax_error_is_a_graphql_error(gql):
    assert graphql_error_of(gql("{ posts "))["message"].startswith("Syntax Error")


def test_variables_that_are_not_an_object_are_refused(client):
    response = client.post(
        GRAPHQL_URL,
        json.dumps({"query": POSTS, "variables": [1]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "must be provided as a dictionary" in response.json()["errors"][0]["message"]


def test_a_mutation_by_get_is_405_for_a_client_and_opens_graphiql_in_a_browser(client):
    mutation = 'mutation { tokenAuth(email: "a@example.com", password: "x") { token } }'

    assert client.get(GRAPHQL_URL, {"query": mutation}).status_code == 405
    page = client.get(GRAPHQL_URL, {"query": mutation}, HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert b"graphiql" in page.content.lower()
