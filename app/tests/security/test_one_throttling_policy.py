"""One throttling policy for every interface: the web pages are throttled like the APIs, with
the same rates and the same per-client budget, so no interface is a way around another."""

import json

import pytest
from django.core import mail

from domain.posts.models import Post
from tests.factories import PASSWORD, UserFactory
from tests.helpers import GRAPHQL_URL

SIGNUP = {"email": "new@example.com", "password": PASSWORD, "display_name": ""}


def web_signup(client, n=0):
    return client.post("/accounts/signup/", {**SIGNUP, "email": f"new{n}@example.com"})


def test_web_signup_is_throttled(client, db, throttle_rates):
    throttle_rates(signup="2/hour")

    statuses = [web_signup(client, n).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    response = web_signup(client, 9)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert b"Too many requests" in response.content


def test_showing_the_signup_form_is_free(client, db, throttle_rates):
    throttle_rates(signup="1/hour")

    assert [client.get("/accounts/signup/").status_code for _ in range(3)] == [200] * 3
    assert web_signup(client).status_code == 302


def test_resend_activation_is_throttled(
    client, inactive_user, throttle_rates, django_capture_on_commit_callbacks
):
    """Before: 25 resends put 26 emails in one inbox."""
    throttle_rates(resend_activation="3/hour")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post("/accounts/activate/resend/", {"email": inactive_user.email}).status_code
            for _ in range(5)
        ]

    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
def test_anonymous_web_posts_are_throttled(client, db, throttle_rates, flavour):
    throttle_rates(anon_post_create="2/hour")
    url = f"/mtv/{flavour}/posts/new/"

    statuses = [client.post(url, {"body": "Hi"}).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Post.objects.count() == 2


def test_members_web_posts_are_not_throttled(client, user, throttle_rates):
    throttle_rates(anon_post_create="1/hour")
    client.force_login(user)

    statuses = [client.post("/mtv/fbv/posts/new/", {"body": "Hi"}).status_code for _ in range(3)]

    assert statuses == [302, 302, 302]


def test_web_rest_and_graphql_spend_one_signup_budget(client, db, throttle_rates):
    throttle_rates(signup="3/hour")
    web = web_signup(client, 1)
    rest = client.post(
        "/api/auth/signup/",
        {"email": "new2@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    graphql = client.post(
        GRAPHQL_URL,
        json.dumps(
            {
                "query": 'mutation { signUp(email: "new3@example.com", password: "%s") { ok } }'
                % PASSWORD
            }
        ),
        content_type="application/json",
    )

    assert (web.status_code, rest.status_code) == (302, 202)
    assert graphql.json()["data"]["signUp"]["ok"] is True
    assert web_signup(client, 4).status_code == 429
    assert client.post("/api/auth/signup/", {}, content_type="application/json").status_code == 429


def test_each_aliased_token_auth_counts(client, db, throttle_rates):
    """30 aliased tokenAuth fields in one request are 30 password checks: each spends budget."""
    user = UserFactory.create()
    throttle_rates(token="3/min")
    fields = " ".join(
        f'a{n}: tokenAuth(email: "{user.email}", password: "{PASSWORD}") {{ access }}'
        for n in range(5)
    )

    result = client.post(
        GRAPHQL_URL, json.dumps({"query": f"mutation {{ {fields} }}"}), "application/json"
    ).json()

    codes = [error["extensions"]["code"] for error in result["errors"]]
    assert codes == ["THROTTLED", "THROTTLED"]
    assert sum(value is not None for value in result["data"].values()) == 3
