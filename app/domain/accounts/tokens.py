"""Activation tokens: Django's password-reset generator, bound to the activation state.

Hashing ``is_active`` into the token makes a link single-use: once the account is active the
same token no longer validates. Expiry comes from ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "domain.accounts.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        email = getattr(user, user.get_email_field_name())
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{email}"


activation_token = ActivationTokenGenerator()
