"""Helpers for the GraphQL tests: run an operation over HTTP as a client would."""

import json

import pytest

from tests.helpers import GRAPHQL_URL


@pytest.fixture
def gql(client):
    """``gql(query, variables, **extra)`` POSTs JSON to /graphql/ and returns the response, with
    its decoded body as ``response.result``; ``extra`` goes to the test client (headers...)."""

    def run(query, variables=None, **extra):
        response = client.post(
            GRAPHQL_URL,
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **extra,
        )
        response.result = response.json()
        return response

    return run
