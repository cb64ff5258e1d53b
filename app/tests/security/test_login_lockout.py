"""Brute force on passwords: django-axes locks a client address out after AXES_FAILURE_LIMIT
wrong passwords in a row, on the web login and /admin/login/ alike (before: 60 and 40 wrong
passwords in a row were all answered normally)."""

import json

import pytest

from tests.factories import PASSWORD
from tests.helpers import GRAPHQL_URL

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def wrong_login(client, url, user, **extra):
    return client.post(url, {"username": user.email, "password": "wrong-password"}, **extra)


@pytest.fixture(autouse=True)
def failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_login_pages_lock_a_client_out(client, staff_user, url):
    statuses = [wrong_login(client, url, staff_user).status_code for _ in range(4)]

    assert statuses == [200, 200, 429, 429]
    # Locked out: even the right password is not checked.
    response = client.post(url, {"username": staff_user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_client_address(client, user):
    for _ in range(3):
        wrong_login(client, "/accounts/login/", user)

    elsewhere = client.post(
        "/accounts/login/",
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )

    assert elsewhere.status_code == 302


def test_x_forwarded_for_does_not_escape_the_lockout(client, user):
    statuses = [
        wrong_login(
            client, "/accounts/login/", user, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]


def test_a_successful_login_resets_the_count(client, user):
    for _ in range(2):
        wrong_login(client, "/accounts/login/", user)
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    client.logout()

    assert [wrong_login(client, "/accounts/login/", user).status_code for _ in range(2)] == [
        200,
        200,
    ]


def test_api_password_guesses_count_towards_the_same_lockout(client, user):
    for _ in range(3):
        wrong_login(client, "/accounts/login/", user)

    rest = client.post(
        "/api/token/",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    graphql = client.post(
        GRAPHQL_URL,
        json.dumps(
            {
                "query": 'mutation { tokenAuth(email: "%s", password: "%s") { access } }'
                % (user.email, PASSWORD)
            }
        ),
        content_type="application/json",
    ).json()

    assert rest.status_code == 429
    assert rest.json()["detail"].startswith("Too many failed logins from this address")
    assert 0 < int(rest["Retry-After"]) <= 15 * 60
    assert graphql["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "data" not in graphql
