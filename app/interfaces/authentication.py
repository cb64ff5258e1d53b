"""JWT authentication for the REST API and GraphQL (both accept simplejwt's Bearer tokens).

simplejwt looks the user up with whatever the token's ``user_id`` claim holds: a correctly
signed token whose ``user_id`` is ``"abc"`` made the database lookup raise, a 500; one holding
``"٣"`` (an Arabic-Indic three) found user 3. Here a ``user_id`` that is not a whole number in
ASCII digits makes the token invalid: a 401, like any other bad token.
"""

from __future__ import annotations

import re

from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

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
