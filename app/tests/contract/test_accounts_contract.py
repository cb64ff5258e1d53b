"""Account behaviours every implementation shares, stated once (see test_posts_contract.py)."""

from django.core import mail

from domain.accounts.models import User
from tests.factories import PASSWORD, UserFactory

from .adapters.base import INVALID, OK


def test_signup_answers_alike_whether_or_not_the_email_has_an_account(
    api, django_capture_on_commit_callbacks
):
    """Before: "An account with this email address already exists." told anyone which
    addresses are registered. Now both answers are the same, and the owner is told by email."""
    owner = UserFactory.create(email="taken@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        new = api.sign_up(email="new@example.com", password=PASSWORD)
        taken = api.sign_up(email="TAKEN@example.com", password=PASSWORD)

    assert new.status == taken.status == OK
    assert new.answer == taken.answer
    assert User.objects.filter(email__iexact=owner.email).count() == 1
    assert [message.to for message in mail.outbox] == [["new@example.com"], [owner.email]]
    assert "/accounts/activate/" in mail.outbox[0].body
    assert "already has one" in mail.outbox[1].body


def test_signup_still_refuses_bad_input(api, db):
    outcome = api.sign_up(email="not-an-email", password="123")

    assert (outcome.status, outcome.errors) == (INVALID, {"email", "password"})
    assert not User.objects.exists()
