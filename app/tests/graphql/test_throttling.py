"""What strangers can do in bulk is rate-limited with the throttles every interface shares: same
rates, and one budget per client whichever interface it uses."""

import pytest

from domain.posts.models import Post
from tests.factories import PASSWORD
from tests.helpers import graphql_error_of

CREATE = 'mutation { createPost(body: "Hi") { post { id } } }'
SIGN_UP = 'mutation($email: String!) { signUp(email: $email, password: "%s") { ok } }' % PASSWORD
TOKEN_AUTH = (
    'mutation($email: String!) { tokenAuth(email: $email, password: "%s") { access } }'
    % (PASSWORD)
)
REFRESH = 'mutation { refreshToken(refresh: "x") { access } }'


def assert_throttled(response):
    error = graphql_error_of(response)
    assert error["extensions"]["code"] == "THROTTLED"
    assert error["extensions"]["retryAfter"] > 0
    assert error["message"].startswith("Too many requests: try again in ")


def test_anonymous_posts_are_throttled(gql, db, throttle_rates):
    throttle_rates(anon_post_create="2/hour")

    gql(CREATE), gql(CREATE)
    assert_throttled(gql(CREATE))
    assert Post.objects.count() == 2


def test_members_posts_are_not_throttled(client, gql, user, throttle_rates):
    throttle_rates(anon_post_create="1/hour")
    client.force_login(user)

    gql(CREATE)
    assert gql(CREATE).result["data"]["createPost"]["post"]["id"]


def test_signups_are_throttled(gql, db, throttle_rates):
    throttle_rates(signup="1/hour")

    gql(SIGN_UP, {"email": "one@example.com"})
    assert_throttled(gql(SIGN_UP, {"email": "two@example.com"}))


@pytest.mark.parametrize("second", [TOKEN_AUTH, REFRESH], ids=["token_auth", "refresh_token"])
def test_token_requests_are_throttled(gql, user, throttle_rates, second):
    throttle_rates(token="1/min")

    gql(TOKEN_AUTH, {"email": user.email})
    assert_throttled(gql(second, {"email": user.email}))


def test_rest_and_graphql_share_one_token_budget(client, gql, user, throttle_rates):
    throttle_rates(token="1/min")

    credentials = {"email": user.email, "password": PASSWORD}
    rest = client.post("/api/token/", credentials, content_type="application/json")

    assert rest.status_code == 200
    assert_throttled(gql(TOKEN_AUTH, {"email": user.email}))
