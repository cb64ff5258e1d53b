"""Signing in to the API (session with CSRF, JWT) and the signup/activation endpoints, which
call the same account services as the web pages."""

import pytest
from django.core import mail
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from domain.accounts.models import User
from domain.posts.models import Post
from tests.factories import PASSWORD
from tests.helpers import activation_parts, bearer

SIGNUP, ACTIVATE = "/api/auth/signup/", "/api/auth/activate/"
TOKEN, REFRESH = "/api/token/", "/api/token/refresh/"
STRONG_PASSWORD = "a quite long passphrase"


# --- Session ------------------------------------------------------------------------------------


@pytest.fixture
def session_client(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_write_without_csrf_token_is_403(session_client, posts_url):
    response = session_client.post(posts_url, {"body": "Hi"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Post.objects.exists()


def test_session_write_with_csrf_token_is_signed_in(session_client, posts_url, user):
    session_client.get("/api/docs/?script")  # Swagger UI's start-up script sets the CSRF cookie
    token = session_client.cookies["csrftoken"].value

    response = session_client.post(posts_url, {"body": "Hi"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
    assert Post.objects.get().author == user


def test_session_read_needs_no_csrf_token(session_client, posts_url, post):
    response = session_client.get(f"{posts_url}{post.pk}/")

    assert response.json()["can_edit"] is True


# --- JWT ----------------------------------------------------------------------------------------


def test_token_pair_for_email_and_password(api_client, user):
    response = api_client.post(TOKEN, {"email": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_access_token_signs_in(api_client, posts_url, user):
    access = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert api_client.post(posts_url, {"body": "Hi"}).json()["author"]["id"] == user.pk


def test_refresh_gives_a_new_access_token(api_client, user):
    refresh = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()["refresh"]

    response = api_client.post(REFRESH, {"refresh": refresh})

    assert response.status_code == 200
    assert set(response.json()) == {"access"}


@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_inactive_user_gets_no_token(api_client, inactive_user, password):
    response = api_client.post(TOKEN, {"email": inactive_user.email, "password": password})

    assert response.status_code == 401
    assert "access" not in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_password_gets_no_token(api_client, user):
    response = api_client.post(TOKEN, {"email": user.email, "password": "nope"})

    assert response.status_code == 401


def test_refresh_of_a_deactivated_account_is_401(api_client, user):
    refresh = str(RefreshToken.for_user(user))
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert api_client.post(REFRESH, {"refresh": refresh}).status_code == 401


def test_refresh_of_a_deleted_account_is_401_not_500(api_client, user):
    refresh = str(RefreshToken.for_user(user))
    user.delete()

    assert api_client.post(REFRESH, {"refresh": refresh}).status_code == 401


@pytest.mark.parametrize(
    "url, body",
    [(TOKEN, {"email": 1, "password": PASSWORD}), (TOKEN, {}), (REFRESH, {"refresh": ""})],
)
def test_malformed_token_requests_are_400(api_client, url, body):
    response = api_client.post(url, body)

    assert response.status_code == 400


def test_tampered_refresh_token_is_401(api_client, user):
    refresh = str(RefreshToken.for_user(user))

    assert api_client.post(REFRESH, {"refresh": refresh[:-2] + "xx"}).status_code == 401


# --- Signup and activation ----------------------------------------------------------------------


@pytest.fixture
def signup(api_client, django_capture_on_commit_callbacks):
    """POST a signup (a fresh address and a strong password unless given); emails are sent."""

    def sign_up(**fields):
        data = {"email": "new@example.com", "password": STRONG_PASSWORD, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(SIGNUP, data)

    return sign_up


def link_parts():
    return activation_parts(mail.outbox[-1].body)


def test_signup_creates_an_inactive_account_and_emails_its_link(signup):
    response = signup(display_name="Newbie")

    assert response.status_code == 202
    assert response.json() == {"detail": "Check your email for a link to finish signing up."}
    assert User.objects.get(email="new@example.com").is_active is False
    assert mail.outbox[-1].to == ["new@example.com"]


def test_activation_with_the_emailed_link_activates(api_client, signup):
    signup()

    response = api_client.post(ACTIVATE, link_parts())

    assert response.status_code == 200
    assert User.objects.get(email="new@example.com").is_active is True


def test_activated_account_gets_a_token(api_client, signup):
    signup()
    api_client.post(ACTIVATE, link_parts())

    response = api_client.post(TOKEN, {"email": "new@example.com", "password": STRONG_PASSWORD})

    assert response.status_code == 200


def test_reused_activation_link_is_400(api_client, signup):
    signup()
    parts = link_parts()
    api_client.post(ACTIVATE, parts)

    response = api_client.post(ACTIVATE, parts)

    assert response.status_code == 400
    assert "already active" in response.json()["detail"]


@pytest.mark.parametrize("part, value", [("token", "abc-123"), ("uid", "Zm9v"), ("uid", "!!")])
def test_tampered_activation_link_is_400(api_client, signup, part, value):
    signup()

    response = api_client.post(ACTIVATE, {**link_parts(), part: value})

    assert response.status_code == 400
    assert "invalid" in response.json()["detail"]
    assert User.objects.get(email="new@example.com").is_active is False


def test_activation_without_its_fields_is_400_per_field(api_client):
    response = api_client.post(ACTIVATE, {})

    assert response.status_code == 400
    assert set(response.json()) == {"uid", "token"}


def test_a_taken_email_is_answered_like_a_new_one_and_its_owner_is_told(signup, user):
    new, taken = signup(), signup(email=user.email.upper())

    assert (taken.status_code, taken.json()) == (new.status_code, new.json())
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert mail.outbox[-1].to == [user.email]
    assert "already has one" in mail.outbox[-1].body


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"password": "short"}, {"password"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"email": 42}, {"email"}),
        ({"display_name": "x" * 51}, {"display_name"}),
        ({"is_staff": True}, {"is_staff"}),
    ],
)
def test_bad_signups_are_400_per_field(signup, fields, errors):
    response = signup(**fields)

    assert response.status_code == 400
    assert set(response.json()) == errors
    assert not User.objects.exists()


def test_a_bad_token_is_401_even_at_signup(api_client, signup):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")

    assert signup().status_code == 401


def test_signup_is_json_only(api_client):
    response = api_client.post(
        SIGNUP, {"email": "new@example.com", "password": STRONG_PASSWORD}, format="multipart"
    )

    assert response.status_code == 415


def test_api_sign_in_header_is_bearer(api_client, posts_url, user):
    api_client.credentials(**bearer(user))

    assert api_client.get(posts_url).status_code == 200
