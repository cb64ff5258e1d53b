"""Swagger UI, the OpenAPI schema, GraphiQL and introspection are public on purpose; each has a
settings flag that switches it off in production (docs/security.md)."""

import json

import pytest

from tests.helpers import GRAPHQL_URL

INTROSPECTION = "{ __schema { queryType { name } } }"


def graphql(client, query):
    return client.post(GRAPHQL_URL, json.dumps({"query": query}), content_type="application/json")


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_api_docs_are_public_by_default_and_can_be_switched_off(client, db, settings, url):
    assert client.get(url).status_code == 200

    settings.API_DOCS_ENABLED = False

    assert client.get(url).status_code == 404


def test_graphiql_is_public_by_default_and_can_be_switched_off(client, db, settings):
    page = client.get(GRAPHQL_URL, HTTP_ACCEPT="text/html")
    assert b"GraphiQL" in page.content

    settings.GRAPHIQL_ENABLED = False
    off = client.get(GRAPHQL_URL, HTTP_ACCEPT="text/html")

    assert b"GraphiQL" not in off.content
    assert off.status_code == 400  # no query: the API answers, the IDE does not
    assert graphql(client, "{ posts { count } }").status_code == 200


def test_introspection_is_on_by_default_and_can_be_switched_off(client, db, settings):
    assert graphql(client, INTROSPECTION).json()["data"]["__schema"]["queryType"]["name"]

    settings.GRAPHQL_INTROSPECTION = False
    response = graphql(client, INTROSPECTION)

    assert response.status_code == 400
    assert "introspection" in response.json()["errors"][0]["message"]
    assert graphql(client, "{ __typename posts { count } }").status_code == 200
