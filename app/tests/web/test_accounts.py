"""The account pages: sign up, check your email, activation landing, resend, log in, log out."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.test import TestCase
from django.urls import reverse

from domain.accounts.models import User
from domain.accounts.services import activation_link
from domain.accounts.tokens import activation_token
from tests.factories import PASSWORD
from tests.helpers import messages_of


def activation_path(user):
    return activation_link(user).removeprefix("http://testserver")


# --- Sign up ------------------------------------------------------------------------------------


def test_signup_page_asks_for_email_password_and_display_name(client, db):
    response = client.get(reverse("signup"))

    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"email", "password", "display_name"}
    assert b"at least 8 characters" in response.content


def test_signup_creates_inactive_account_sends_link_and_says_check_your_email(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {"email": "new@example.com", "password": PASSWORD, "display_name": "Newbie"},
            follow=True,
        )

    user = User.objects.get(email="new@example.com")
    assert (user.is_active, user.display_name) == (False, "Newbie")
    assert response.redirect_chain == [(reverse("signup_done"), 302)]
    assert b"Check your email" in response.content
    assert len(mailoutbox) == 1 and "/accounts/activate/" in mailoutbox[0].body


def test_signup_shows_domain_errors_on_the_fields(client, user):
    response = client.post(
        reverse("signup"), {"email": "x@y", "password": "123", "display_name": "x" * 51}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "password", "display_name"}
    assert b"already exists" not in response.content


def test_signup_with_a_taken_email_looks_like_any_other(client, user, mailoutbox):
    data = {"email": user.email.upper(), "password": PASSWORD, "display_name": ""}

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("signup"), data, follow=True)

    assert response.redirect_chain == [(reverse("signup_done"), 302)]
    assert [message.to for message in mailoutbox] == [[user.email]]


def test_signup_requires_email_and_password(client, db):
    response = client.post(reverse("signup"), {})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "password"}
    assert not User.objects.exists()


# --- Activation ---------------------------------------------------------------------------------


def test_activation_link_activates_the_account(client, inactive_user):
    response = client.get(activation_path(inactive_user))

    assert response.status_code == 200
    assert response.context["activated_user"] == inactive_user
    inactive_user.refresh_from_db()
    assert inactive_user.is_active


def test_tampered_activation_link_is_refused_with_a_way_to_get_a_new_one(client, inactive_user):
    path = activation_path(inactive_user)

    response = client.get(path[:-3] + "xyz/")

    assert response.status_code == 400
    assert response.context["error"].code == "invalid_link"
    assert reverse("resend_activation").encode() in response.content
    inactive_user.refresh_from_db()
    assert not inactive_user.is_active


def test_activation_link_with_garbage_user_id_is_refused(client, db):
    response = client.get(reverse("activate", args=["!!!", "nothing"]))

    assert response.status_code == 400


def test_expired_activation_link_is_refused(client, inactive_user, monkeypatch, settings):
    path = activation_path(inactive_user)
    later = activation_token._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(activation_token, "_now", lambda: later)

    response = client.get(path)

    assert response.status_code == 400
    assert response.context["error"].code == "invalid_link"


def test_reused_activation_link_says_already_active(client, inactive_user):
    path = activation_path(inactive_user)
    client.get(path)

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["error"].code == "already_active"
    assert b"already active" in response.content


# --- Resend ------------------------------------------------------------------------------------


def test_resend_sends_a_new_link_to_an_inactive_account(
    client, inactive_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("resend_activation"), {"email": inactive_user.email}, follow=True
        )

    assert len(mailoutbox) == 1 and mailoutbox[0].to == [inactive_user.email]
    assert "a new link is on its way" in messages_of(response)[0]


def test_resend_says_the_same_for_unknown_addresses(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("resend_activation"), {"email": "nobody@example.com"}, follow=True
        )

    assert mailoutbox == []
    assert "a new link is on its way" in messages_of(response)[0]


def test_resend_form_needs_an_email(client, db):
    assert client.get(reverse("resend_activation")).status_code == 200

    response = client.post(reverse("resend_activation"), {"email": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email"}


# --- Log in, log out ----------------------------------------------------------------------------


def test_login_page_labels_the_username_field_email(client, db):
    response = client.get(reverse("login"))

    assert response.context["form"].fields["username"].label == "Email"


def test_login_with_email_and_password_signs_in_and_greets(client, user):
    response = client.post(
        reverse("login"), {"username": user.email.upper(), "password": PASSWORD}, follow=True
    )

    assert get_user(client) == user
    assert messages_of(response) == [f"Welcome, {user.display_name}."]


def test_login_of_inactive_account_explains_and_links_to_resend(client, inactive_user):
    response = client.post(
        reverse("login"), {"username": inactive_user.email, "password": PASSWORD}
    )

    assert not get_user(client).is_authenticated
    assert response.context["form"].errors.as_data()["__all__"][0].code == "inactive"
    assert f'href="{reverse("resend_activation")}"'.encode() in response.content


def test_login_of_inactive_account_with_wrong_password_says_nothing_about_the_account(
    client, inactive_user
):
    response = client.post(reverse("login"), {"username": inactive_user.email, "password": "x"})

    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"


def test_login_with_wrong_password_is_refused(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})

    assert not get_user(client).is_authenticated
    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"


def test_logout_signs_out_with_a_message(client, user):
    client.force_login(user)

    response = client.post(reverse("logout"), follow=True)

    assert not get_user(client).is_authenticated
    assert "You are logged out." in messages_of(response)


def test_logout_is_not_a_get(client, user):
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405
    assert get_user(client) == user


# --- The layout ---------------------------------------------------------------------------------


def test_nav_shows_who_is_signed_in(client, user):
    client.force_login(user)

    response = client.get(reverse("home"))

    assert f"Signed in as <strong>{user.display_name}</strong>".encode() in response.content
    assert user.email.encode() not in response.content


def test_nav_offers_login_and_signup_to_visitors(client, db):
    content = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("login")}"' in content and f'href="{reverse("signup")}"' in content
    assert "Signed in as" not in content


@pytest.mark.parametrize(
    "path",
    ["/mtv/fbv/posts/", "/mtv/cbv/posts/", "/api/drf/fbv/posts/", "/api/drf/cbv/posts/"]
    + ["/graphql/", "/api/docs/"],
)
def test_nav_links_every_implementation_swagger_and_graphiql(client, db, path):
    assert f'href="{path}"'.encode() in client.get(reverse("home")).content


def test_home_page_links_the_five_implementations(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.content.count(b'class="h5 card-title"') == 5


def test_unknown_page_gets_the_sites_404_page(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"Not found" in response.content
