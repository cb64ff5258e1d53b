"""Domain errors → HTTP, in one place for both flavours (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Views call services and selectors without try/except; what they raise is translated here:
``ValidationError`` → 400 ``{"field": ["message"]}``, ``Post.DoesNotExist`` → 404,
``ActivationError`` → 400 ``{"detail": ...}``, and a refusal to an anonymous client → 401 with
``WWW-Authenticate`` (signing in could change the answer), to a signed-in one → 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from domain.accounts.services import ActivationError
from domain.posts.models import Post


class ActivationFailed(exceptions.APIException):
    status_code = 400
    default_code = "invalid_link"


class NotSignedIn(exceptions.NotAuthenticated):
    """A 401 naming how to authenticate: DRF's handler sends ``auth_header`` as
    ``WWW-Authenticate``."""

    def __init__(self, auth_header: str | None) -> None:
        super().__init__()
        self.auth_header = auth_header


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def _translate(exc: Exception, context: dict[str, Any]) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, Post.DoesNotExist):
        return exceptions.NotFound("No post with this id.")
    if isinstance(exc, ActivationError):
        return ActivationFailed(str(exc), code=exc.code)
    # Only the domain's refusals: DRF's own PermissionDenied (a CSRF failure) stays a 403.
    if isinstance(exc, PermissionDenied):
        request, view = context["request"], context["view"]
        if not request.user.is_authenticated:
            return NotSignedIn(view.get_authenticate_header(request))
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    return drf_exception_handler(_translate(exc, context), context)
