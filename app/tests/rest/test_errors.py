"""Translation of domain errors to HTTP (interfaces/rest/errors.py) for the shapes the
services do not raise today but may: errors without a field, and NON_FIELD_ERRORS."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from interfaces.rest.errors import exception_handler


@pytest.fixture
def context():
    return {"request": Request(APIRequestFactory().post("/")), "view": APIView()}


@pytest.mark.parametrize(
    "error",
    [ValidationError("Not like this."), ValidationError({NON_FIELD_ERRORS: ["Not like this."]})],
)
def test_errors_without_a_field_are_non_field_errors(context, error):
    response = exception_handler(error, context)

    assert response is not None
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Not like this."]}
