"""JWT authentication and tokens for the REST API and GraphQL (both accept and issue simplejwt's
tokens, so they are interchangeable). A neutral module: GraphQL gets its tokens here, in its own
terms (Django's ``ValidationError``, ``CredentialsRefused``), without importing the REST API.

simplejwt looks the user up with whatever the token's ``user_id`` claim holds: a correctly
signed token whose ``user_id`` is ``"abc"`` made the database lookup raise, a 500; one holding
``"٣"`` (an Arabic-Indic three) found user 3. Here a ``user_id`` that is not a whole number in
ASCII digits makes the token invalid: a 401, like any other bad token.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework_simplejwt import authentication, serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from domain.accounts.models import User

_ASCII_DIGITS = re.compile(r"[0-9]+")


class JWTAuthentication(authentication.JWTAuthentication):
    # simplejwt types the base method with a TypeVar that appears only in its return, which no
    # override can match.
    def get_user(self, validated_token: Token) -> AbstractBaseUser:  # type: ignore[override]
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        well_formed = (isinstance(user_id, int) and not isinstance(user_id, bool)) or (
            isinstance(user_id, str) and _ASCII_DIGITS.fullmatch(user_id)
        )
        if user_id is not None and not well_formed:
            raise InvalidToken("Token contained no recognizable user identification")
        return super().get_user(validated_token)


# simplejwt's refresh looks the account up unguarded: here a purged account's refresh token is
# refused like an inactive one's, never a 500. (A comment, not a docstring: the REST schema
# would publish a docstring as the request body's description.)
class TokenRefreshSerializer(serializers.TokenRefreshSerializer):

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            return super().validate(attrs)
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                str(self.error_messages["no_active_account"]), "no_active_account"
            )


class CredentialsRefused(Exception):
    """A password, access or refresh token that does not authenticate (a 401 everywhere)."""


def _message(error: exceptions.APIException) -> str:
    # DRF's detail is a string, or simplejwt's {"detail": ..., "code": ...}.
    detail = error.detail
    return str(detail["detail"] if isinstance(detail, dict) else detail)


def _validated(serializer: Serializer[Any]) -> dict[str, str]:
    try:
        serializer.is_valid(raise_exception=True)
    except exceptions.AuthenticationFailed as error:
        raise CredentialsRefused(_message(error))
    except exceptions.ValidationError:
        raise ValidationError(
            {
                name: [str(message) for message in messages]
                for name, messages in serializer.errors.items()
            }
        )
    data: dict[str, str] = serializer.validated_data
    return data


def token_pair_obtain(*, request: HttpRequest, email: str, password: str) -> dict[str, str]:
    """``{"access", "refresh"}`` for an active account, as /api/token/ issues them. Missing input
    raises ``ValidationError``, a wrong password or an inactive account ``CredentialsRefused``."""
    return _validated(
        serializers.TokenObtainPairSerializer(
            data={"email": email, "password": password}, context={"request": request}
        )
    )


def token_refresh(*, refresh: str) -> dict[str, str]:
    """``{"access"}`` (and ``"refresh"`` when rotation is on) for a valid refresh token;
    ``CredentialsRefused`` for a bad or expired one or an account that is gone."""
    try:
        return _validated(TokenRefreshSerializer(data={"refresh": refresh}))
    except TokenError:  # simplejwt raises it itself instead of failing validation
        raise CredentialsRefused("The refresh token is invalid or expired.")


def bearer_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The account an ``Authorization: Bearer`` header signs in, or None without one; a bad
    token raises ``CredentialsRefused`` (a 401 with ``bearer_challenge()``), never a fall-back
    to an anonymous request."""
    try:
        # simplejwt reads only the Authorization header, which DRF's wrapper passes through.
        credentials = JWTAuthentication().authenticate(Request(request))
    except exceptions.AuthenticationFailed as error:
        raise CredentialsRefused(_message(error))
    return credentials[0] if credentials else None


def bearer_challenge() -> str:
    """The ``WWW-Authenticate`` header of a 401 for a bad token, as the REST API sends it."""
    # simplejwt's challenge names the header type and realm, whatever the request.
    return JWTAuthentication().authenticate_header(None)  # type: ignore[arg-type]
