"""Account rules: sign up, activate, resend the activation email, purge what was never activated.

Every interface calls these; errors are Django ``ValidationError``s keyed by field, which each
interface renders its own way (form errors, DRF's ``{"field": [...]}``, GraphQL errors).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from domain.outbox.services import outbox_enqueue

from .models import DISPLAY_NAME_MAX_LENGTH, User, default_display_name
from .tokens import activation_token


class ActivationError(Exception):
    """An activation link that cannot activate anything; ``code`` says why."""

    messages = {
        "invalid_link": "This activation link is invalid or has expired. Request a new one.",
        "already_active": "This account is already active. You can log in.",
    }

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(self.messages[code])


def _clean_signup(
    *, email: str | None, password: str | None, display_name: str | None
) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    display_name = (display_name or "").strip() or default_display_name()
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        errors["display_name"] = [
            f"Ensure this value has at most {DISPLAY_NAME_MAX_LENGTH} characters."
        ]
    try:
        password_validation.validate_password(
            password or "", User(email=email, display_name=display_name)
        )
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    return email, display_name


# What every signup that passes validation is told, whether or not the address had an account:
# the answer must not tell a stranger which addresses are registered.
SIGNUP_ACCEPTED = "Check your email for a link to finish signing up."


def _account_with_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def user_signup(
    *, email: str | None, password: str | None, display_name: str | None = ""
) -> User | None:
    """Create an inactive account and email its activation link once the row is committed.

    If the address already has an account, nothing is created and its owner is emailed instead
    (a new activation link if it was never activated). Callers answer both cases the same way
    (``SIGNUP_ACCEPTED``); the return value (the new account, or None) is for the domain's tests
    and must not reach a response.
    """
    email, display_name = _clean_signup(email=email, password=password, display_name=display_name)
    existing = _account_with_email(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, display_name=display_name)
                _schedule_activation_email(user)
        except IntegrityError:  # a concurrent signup with the same address won the race
            existing = _account_with_email(email)
            if existing is None:  # ...and its account is gone already: nobody to tell
                return None
        else:
            return user
    if existing.is_active or existing.activated_at is not None:
        _schedule_existing_account_email(existing)
    else:
        _schedule_activation_email(existing)
    return None


# Tasks are queued by name: tasks.py imports this module (tasks call services), never the reverse.
ACTIVATION_EMAIL_TASK = "domain.accounts.tasks.send_activation_email"
EXISTING_ACCOUNT_EMAIL_TASK = "domain.accounts.tasks.send_existing_account_email"


def _schedule_activation_email(user: User) -> None:
    # Through the outbox, in the signup's transaction: a broker outage delays the email (the
    # drain queues it once the broker is back), it never loses it.
    outbox_enqueue(ACTIVATION_EMAIL_TASK, user.pk)


def _schedule_existing_account_email(user: User) -> None:
    outbox_enqueue(EXISTING_ACCOUNT_EMAIL_TASK, user.pk)


def existing_account_email_send(*, user: User) -> None:
    """Tell an account's owner that someone tried to sign up with their address (the task
    calls this): signup answers everybody alike, so this is how the owner learns it."""
    context = {"user": user, "login_link": settings.SITE_URL + resolve_url(settings.LOGIN_URL)}
    send_mail(
        subject="Someone tried to sign up to μblog with your address",
        message=render_to_string("accounts/email/existing_account.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def activation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = settings.ACTIVATION_URL.format(uidb64=uidb64, token=activation_token.make_token(user))
    return f"{settings.SITE_URL}{path}"


def activation_email_send(*, user: User) -> None:
    """Send the activation email now (the Celery task calls this)."""
    context = {"user": user, "link": activation_link(user)}
    send_mail(
        subject="Activate your μblog account",
        message=render_to_string("accounts/email/activation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_activate(*, uidb64: str | None, token: str | None) -> User:
    """Activate the account a link names. Tampered, expired and reused links raise."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64 or ""))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise ActivationError("invalid_link")
    if user.is_active:
        raise ActivationError("already_active")
    if not activation_token.check_token(user, token):
        raise ActivationError("invalid_link")
    user.is_active = True
    user.activated_at = timezone.now()
    user.save(update_fields=["is_active", "activated_at"])
    return user


def user_resend_activation(*, email: str | None) -> User | None:
    """Send a new link if an inactive account has this address; silent otherwise,
    so the form never reveals which addresses have accounts."""
    user = User.objects.filter(
        email__iexact=(email or "").strip(), is_active=False, activated_at__isnull=True
    ).first()
    if user is not None:
        _schedule_activation_email(user)
    return user


def user_purge_unactivated(*, now: datetime | None = None) -> int:
    """Delete accounts never activated within ``ACCOUNT_PURGE_AFTER_DAYS``; returns the count."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_PURGE_AFTER_DAYS)
    stale = User.objects.filter(
        is_active=False, activated_at__isnull=True, is_staff=False, date_joined__lt=cutoff
    )
    _, deleted_per_model = stale.delete()
    return deleted_per_model.get(User._meta.label, 0)
