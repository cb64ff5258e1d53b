"""One GraphQL request may not cost more than GRAPHQL_MAX_COST (interfaces/graphql/limits.py):
before, 1,000 aliased posts(pageSize: 100) fields ran 14.8 s and returned 53 MB."""

import json

import pytest

from tests.helpers import GRAPHQL_URL

FULL_PAGE = (
    "{ posts(pageSize: 100) { count page pages hasNext hasPrev posts { id author { id "
    "displayName } body image thumbnail likeCount createdAt updatedAt liked canEdit } } }"
)


def run(client, query, variables=None):
    return client.post(
        GRAPHQL_URL,
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )


def aliased(count, page_size=100):
    return "{ %s }" % " ".join(
        f"a{n}: posts(pageSize: {page_size}) {{ posts {{ id }} }}" for n in range(count)
    )


def cost_error(response):
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "data" not in response.json()
    return error


def test_a_thousand_aliased_pages_are_refused_before_running(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        error = cost_error(run(client, aliased(1000)))

    assert error["extensions"]["cost"] == 1000 * (1 + 100 + 100)
    assert error["message"].startswith("This operation costs 201000, more than the 5000 allowed")


def test_a_full_page_of_every_field_is_allowed(client, db):
    response = run(client, FULL_PAGE)

    assert response.status_code == 200
    assert response.json()["data"]["posts"]["count"] == 0


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        # Without pageSize, the default page of 20.
        ("{ posts { posts { id body } } }", 1 + 20 + 40),
        # A variable counts as the largest page: validation cannot see its value.
        ("query($n: Int) { posts(pageSize: $n) { posts { id } } }", 1 + 100 + 100),
        # Fragments, inline or named, cost what they select.
        ("{ posts(pageSize: 10) { ... on PostPage { posts { id } } } }", 1 + 10 + 10),
        ("{ posts(pageSize: 10) { ...P } } fragment P on PostPage { posts { id } }", 21),
        ("{ posts(pageSize: 10) { ... { posts { id } } } }", 21),
        # Out-of-range sizes cost the most (the resolver refuses them anyway).
        ("{ posts(pageSize: 1000) { posts { id } } }", 1 + 100 + 100),
        # Introspection is free.
        ("{ __typename posts(pageSize: 1) { __typename posts { id } } }", 1 + 1 + 1),
    ],
)
def test_the_cost_of_an_operation(client, db, settings, query, cost):
    settings.GRAPHQL_MAX_COST = cost - 1
    assert cost_error(run(client, query))["extensions"]["cost"] == cost

    settings.GRAPHQL_MAX_COST = cost
    assert run(client, query).status_code == 200


def test_unknown_and_cyclic_fragments_are_left_to_graphql_core(client, db):
    cyclic = "{ posts { ...A } } fragment A on PostPage { ...B } fragment B on PostPage { ...A }"

    for query in ("{ posts { ...Missing } }", cyclic, "{ nothing { posts { id } } }"):
        response = run(client, query)
        assert response.status_code == 400
        assert all("extensions" not in e for e in response.json()["errors"]), query


def test_mutations_are_costed_too(client, db, settings):
    settings.GRAPHQL_MAX_COST = 10
    query = "mutation { %s }" % " ".join(
        f'a{n}: createPost(body: "x") {{ post {{ id }} }}' for n in range(6)
    )

    assert cost_error(run(client, query))["extensions"]["cost"] == 6 * 3


def test_introspection_is_never_too_costly(client, db, settings):
    settings.GRAPHQL_MAX_COST = 1
    query = "{ __schema { types { name fields { name type { name ofType { name } } } } } }"

    assert run(client, query).status_code == 200
