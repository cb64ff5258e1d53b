"""Accounts: signup, activation links, resend and purge, through the service layer."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import timezone

from domain.accounts.models import User
from domain.accounts.services import (
    ActivationError,
    activation_link,
    user_activate,
    user_purge_unactivated,
    user_resend_activation,
    user_signup,
)
from domain.accounts.tokens import activation_token
from tests.factories import PASSWORD, UserFactory
from tests.helpers import activation_parts

pytestmark = pytest.mark.django_db


def link_parts(link):
    parts = activation_parts(link)
    return parts["uid"], parts["token"]


def test_the_activation_url_setting_names_the_web_activation_page(settings):
    match = resolve(settings.ACTIVATION_URL.format(uidb64="MQ", token="set-token"))

    assert (match.url_name, match.kwargs) == ("activate", {"uidb64": "MQ", "token": "set-token"})


def test_activation_links_go_where_the_setting_says(settings):
    settings.ACTIVATION_URL = "/elsewhere/{uidb64}/{token}/"
    user = UserFactory.create(inactive=True)

    assert activation_link(user).startswith("http://testserver/elsewhere/")


def sign_up(capture, **overrides):
    fields = {"email": "new@example.com", "password": PASSWORD, "display_name": "Newbie"}
    with capture(execute=True):
        return user_signup(**{**fields, **overrides})


def test_signup_creates_inactive_user_and_emails_activation_link(
    django_capture_on_commit_callbacks,
):
    user = sign_up(django_capture_on_commit_callbacks)

    assert not user.is_active
    assert user.check_password(PASSWORD)
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert activation_link(user).split("/activate/")[0] in mail.outbox[0].body


def test_signup_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_signup(email="later@example.com", password=PASSWORD)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_signup_without_display_name_gets_a_generated_one(django_capture_on_commit_callbacks):
    user = sign_up(django_capture_on_commit_callbacks, display_name="  ")

    assert user.display_name.startswith("ublogger-")


def test_signup_normalises_email_domain(django_capture_on_commit_callbacks):
    user = sign_up(django_capture_on_commit_callbacks, email=" Someone@EXAMPLE.com ")

    assert user.email == "Someone@example.com"


@pytest.mark.parametrize("email", ["USER@example.com", "user@EXAMPLE.COM"])
def test_signup_with_an_email_taken_in_any_case_creates_nothing_and_tells_its_owner(
    django_capture_on_commit_callbacks, email
):
    owner = UserFactory.create(email="user@example.com", display_name="Owner")

    assert sign_up(django_capture_on_commit_callbacks, email=email) is None

    assert User.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["user@example.com"]]
    assert mail.outbox[0].subject == "Someone tried to sign up to μblog with your address"
    assert "Hello Owner," in mail.outbox[0].body
    assert "http://testserver/accounts/login/" in mail.outbox[0].body
    owner.refresh_from_db()
    assert not owner.check_password("a different password")


def test_signup_with_the_email_of_a_never_activated_account_sends_a_new_link(
    django_capture_on_commit_callbacks,
):
    waiting = UserFactory.create(inactive=True, email="waiting@example.com")

    assert sign_up(django_capture_on_commit_callbacks, email="waiting@example.com") is None

    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]
    assert activation_link(waiting).split("/activate/")[0] in mail.outbox[0].body


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"email": "not-an-email"}, {"email"}),
        ({"email": ""}, {"email"}),
        ({"password": "123"}, {"password"}),
        ({"password": "password"}, {"password"}),
        ({"display_name": "x" * 51}, {"display_name"}),
        ({"email": "bad", "password": ""}, {"email", "password"}),
    ],
)
def test_signup_reports_every_bad_field(fields, bad):
    with pytest.raises(ValidationError) as error:
        user_signup(**{"email": "ok@example.com", "password": PASSWORD, **fields})

    assert set(error.value.message_dict) == bad
    assert not User.objects.exists()


def test_signup_race_on_the_same_email_tells_the_owner(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The other signup committed between our look-up and our insert."""
    from domain.accounts import services

    twin = UserFactory.create(email="twin@example.com")
    lookups = iter([None, twin])  # not there yet; then there, once the insert has failed
    monkeypatch.setattr(services, "_account_with_email", lambda email: next(lookups))

    assert sign_up(django_capture_on_commit_callbacks, email="twin@example.com") is None

    assert User.objects.count() == 1
    assert mail.outbox[-1].to == [twin.email]


def test_signup_race_lost_to_an_account_gone_since_emails_nobody(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The winner's row made our insert fail, and is deleted before we look it up again."""
    from domain.accounts import services

    UserFactory.create(email="twin@example.com")
    monkeypatch.setattr(services, "_account_with_email", lambda email: None)

    assert sign_up(django_capture_on_commit_callbacks, email="twin@example.com") is None

    assert User.objects.count() == 1
    assert mail.outbox == []


def test_activation_link_activates_once():
    user = UserFactory.create(inactive=True)
    uidb64, token = link_parts(activation_link(user))

    activated = user_activate(uidb64=uidb64, token=token)

    assert activated.is_active and activated.activated_at is not None
    with pytest.raises(ActivationError) as error:
        user_activate(uidb64=uidb64, token=token)
    assert error.value.code == "already_active"


def test_activated_user_can_log_in(rf):
    # django-axes (the login lockout) needs the request to know who is trying.
    request = rf.post("/accounts/login/")
    user = UserFactory.create(inactive=True, email="login@example.com")
    assert authenticate(request, username="login@example.com", password=PASSWORD) is None

    user_activate(**dict(zip(("uidb64", "token"), link_parts(activation_link(user)))))

    assert authenticate(request, username="LOGIN@example.com", password=PASSWORD) == user


@pytest.mark.parametrize(
    "uidb64, token",
    [
        ("MTIzNDU2Nzg", "whatever"),  # no such user
        ("!!!", "whatever"),  # not base64
        ("", ""),
        (None, None),
    ],
)
def test_malformed_links_are_invalid(uidb64, token):
    with pytest.raises(ActivationError) as error:
        user_activate(uidb64=uidb64, token=token)

    assert error.value.code == "invalid_link"


def test_tampered_token_is_invalid():
    user = UserFactory.create(inactive=True)
    uidb64, token = link_parts(activation_link(user))

    with pytest.raises(ActivationError) as error:
        user_activate(uidb64=uidb64, token=token[:-1] + ("0" if token[-1] != "0" else "1"))

    assert error.value.code == "invalid_link"
    user.refresh_from_db()
    assert not user.is_active


def test_expired_token_is_invalid(settings, monkeypatch):
    user = UserFactory.create(inactive=True)
    uidb64, token = link_parts(activation_link(user))
    settings.PASSWORD_RESET_TIMEOUT = 60
    later = activation_token._now() + timedelta(seconds=61)
    monkeypatch.setattr(activation_token, "_now", lambda: later)

    with pytest.raises(ActivationError) as error:
        user_activate(uidb64=uidb64, token=token)

    assert error.value.code == "invalid_link"


def test_resend_emails_inactive_user_a_working_link(django_capture_on_commit_callbacks):
    user = UserFactory.create(inactive=True, email="again@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        assert user_resend_activation(email="AGAIN@example.com") == user

    link = next(line for line in mail.outbox[0].body.splitlines() if "/activate/" in line)
    assert user_activate(**dict(zip(("uidb64", "token"), link_parts(link)))).is_active


@pytest.mark.parametrize("who", ["active", "unknown", "deactivated_by_staff"])
def test_resend_is_silent_for_anyone_else(who, django_capture_on_commit_callbacks):
    if who == "active":
        UserFactory.create(email="x@example.com")
    elif who == "deactivated_by_staff":
        UserFactory.create(email="x@example.com", is_active=False, activated_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert user_resend_activation(email="x@example.com") is None

    assert mail.outbox == []


def test_purge_deletes_only_stale_never_activated_accounts(settings):
    now = timezone.now()
    old = now - timedelta(days=settings.ACCOUNT_PURGE_AFTER_DAYS, minutes=1)
    stale = UserFactory.create(inactive=True, date_joined=old)
    keep = [
        UserFactory.create(inactive=True, date_joined=now - timedelta(days=1)),  # still has time
        UserFactory.create(date_joined=old),  # active
        UserFactory.create(inactive=True, date_joined=old, activated_at=old),  # deactivated later
        UserFactory.create(inactive=True, staff=True, date_joined=old),
    ]

    assert user_purge_unactivated(now=now) == 1

    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk__in=[user.pk for user in keep]).count() == len(keep)


def test_create_user_requires_email():
    with pytest.raises(ValueError):
        User.objects.create_user("", PASSWORD)


def test_create_superuser_is_active_staff():
    admin = User.objects.create_superuser("root@example.com", PASSWORD)

    assert admin.is_active and admin.is_staff and admin.is_superuser
    assert str(admin) == admin.get_short_name() == admin.display_name
