"""API endpoints both flavours share: sign up, activate, and JWT tokens.

Signup and activation call the same account services as the web pages. The token views are
simplejwt's, given our throttle, a guarded refresh serializer and a documented schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from domain.accounts.services import SIGNUP_ACCEPTED, user_activate, user_signup
from interfaces.throttling import SignupThrottle, TokenThrottle

from . import serializers as api
from .parsers import JSONParser
from .schema import (
    INVALID,
    THROTTLED,
    UNAUTHENTICATED,
    UNSUPPORTED,
    ValidationErrorSerializer,
    error,
)

TAGS = ["accounts and tokens"]


class SignupView(APIView):
    parser_classes = [JSONParser]
    throttle_classes = [SignupThrottle]

    @extend_schema(
        operation_id="auth_signup",
        summary="Create an inactive account and email its activation link",
        description=(
            "Answers 202 whenever the input is valid, whether or not the address already has "
            "an account (the owner of an existing one is emailed instead), so the answer never "
            "tells a stranger which addresses are registered."
        ),
        tags=TAGS,
        request=api.SignupSerializer,
        responses={
            202: api.DetailSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            415: UNSUPPORTED,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = api.SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_signup(**serializer.validated_data)
        return Response({"detail": SIGNUP_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class ActivationView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="auth_activate",
        summary="Activate an account with the uid and token of its activation link",
        tags=TAGS,
        request=api.ActivationSerializer,
        responses={
            200: api.DetailSerializer,
            400: error(
                "Invalid input (per field), or an invalid, expired or already used link "
                "(detail).",
                ValidationErrorSerializer,
            ),
            401: UNAUTHENTICATED,
            415: UNSUPPORTED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = api.ActivationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user_activate(uidb64=data["uid"], token=data["token"])
        return Response({"detail": "Your account is active. You can log in."})


TOKEN_ERRORS = {400: INVALID, 401: UNAUTHENTICATED, 415: UNSUPPORTED, 429: THROTTLED}


@extend_schema_view(
    post=extend_schema(
        operation_id="token_obtain",
        summary="Obtain a JWT pair with email and password (active accounts only)",
        tags=TAGS,
        responses={200: api.TokenPairSerializer, **TOKEN_ERRORS},
    )
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    serializer_class = api.TokenObtainSerializer
    parser_classes = [JSONParser]
    throttle_classes = [TokenThrottle]

    def get_serializer_context(self) -> dict[str, Any]:
        # The password check gets Django's request, not DRF's wrapper: django-axes marks a
        # locked-out client on it, and its middleware then answers the lockout (a 429).
        return {**super().get_serializer_context(), "request": self.request._request}


@extend_schema_view(
    post=extend_schema(
        operation_id="token_refresh",
        summary="Exchange a refresh token for a new access token",
        tags=TAGS,
        responses={200: api.AccessTokenSerializer, **TOKEN_ERRORS},
    )
)
class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = api.TokenRefreshInputSerializer
    parser_classes = [JSONParser]
    throttle_classes = [TokenThrottle]
