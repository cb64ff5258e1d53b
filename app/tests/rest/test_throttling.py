"""Rate limits: anonymous post creation, signup and the token endpoints answer 429 with
Retry-After once over the rate set in the environment (THROTTLE_*)."""

import pytest

from tests.factories import PASSWORD
from tests.helpers import bearer


def test_anonymous_post_creation_is_limited(api_client, posts_url, throttle_rates):
    throttle_rates(anon_post_create="2/min")
    statuses = [api_client.post(posts_url, {"body": "Hi"}).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]


def test_429_says_when_to_retry(api_client, posts_url, throttle_rates):
    throttle_rates(anon_post_create="1/hour")
    api_client.post(posts_url, {"body": "Hi"})

    response = api_client.post(posts_url, {"body": "Hi"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "detail" in response.json()


def test_members_and_readers_are_not_limited(api_client, posts_url, user, throttle_rates):
    throttle_rates(anon_post_create="1/hour")
    api_client.post(posts_url, {"body": "Hi"})

    assert api_client.get(posts_url).status_code == 200
    api_client.credentials(**bearer(user))
    assert api_client.post(posts_url, {"body": "Mine"}).status_code == 201


def test_signup_is_limited(api_client, throttle_rates):
    throttle_rates(signup="1/hour")
    api_client.post("/api/auth/signup/", {})

    response = api_client.post("/api/auth/signup/", {})

    assert response.status_code == 429
    assert "Retry-After" in response


@pytest.mark.parametrize("url", ["/api/token/", "/api/token/refresh/"])
def test_token_endpoints_are_limited(api_client, user, throttle_rates, url):
    throttle_rates(token="2/min")
    credentials = {"email": user.email, "password": PASSWORD}
    api_client.post("/api/token/", credentials)

    statuses = [api_client.post(url, {}).status_code for _ in range(2)]

    assert statuses == [400, 429]


def test_limits_come_from_the_environment_defaults(settings):
    """.env.example documents these; base.py reads THROTTLE_* into DRF's settings."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert set(rates) == {"anon_post_create", "signup", "resend_activation", "token"}
