"""Domain errors the schema does not provoke today still translate sensibly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from graphql import GraphQLError

from interfaces.graphql.errors import translate_domain_errors


def raising(error):
    @translate_domain_errors
    def resolver():
        raise error

    return resolver


def test_a_validation_error_without_fields_keeps_its_message():
    with pytest.raises(GraphQLError) as caught:
        raising(ValidationError("Something is off."))()

    assert caught.value.message == "Invalid input. Something is off."
    assert caught.value.extensions == {
        "code": "BAD_USER_INPUT",
        "fields": {"__all__": ["Something is off."]},
    }


def test_a_permission_denied_without_message_gets_one():
    with pytest.raises(GraphQLError) as caught:
        raising(PermissionDenied())()

    assert caught.value.message == "You are not allowed to do this."
    assert caught.value.extensions == {"code": "FORBIDDEN"}


def test_other_exceptions_pass_through():
    with pytest.raises(KeyError):
        raising(KeyError("bug"))()
