"""Redis down: GraphQL's throttled mutations answer normally (the throttles fail open)."""

from tests.factories import PASSWORD


def test_graphql_answers_normally(gql, user, redis_down):
    mutation = """mutation($email: String!, $new: String!) {
        tokenAuth(email: $email, password: "%s") { access }
        signUp(email: $new, password: "%s") { ok }
        createPost(body: "Redis is down") { post { id } }
    }""" % (PASSWORD, PASSWORD)

    result = gql(mutation, {"email": user.email, "new": "outage@example.com"}).result

    assert "errors" not in result, result
    assert result["data"]["tokenAuth"]["access"]
    assert result["data"]["signUp"]["ok"] is True
    assert result["data"]["createPost"]["post"]["id"]
    assert redis_down.records
