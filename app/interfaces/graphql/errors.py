"""Domain errors as GraphQL errors. Resolvers call the domain and let its exceptions out; the
decorator here turns each into an error with a readable message and a machine-readable
``extensions.code``, so a client can tell bad input from a refusal without parsing messages.

======================  ==================  ==============================================
domain exception        extensions.code     also in extensions
======================  ==================  ==============================================
ValidationError         BAD_USER_INPUT      ``fields``: {argumentName: [messages]}
PermissionDenied        FORBIDDEN
Post.DoesNotExist       NOT_FOUND
ActivationError         INVALID_LINK /
                        ALREADY_ACTIVE
======================  ==================  ==============================================
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

from domain.accounts.services import ActivationError
from domain.posts.models import Post

BAD_USER_INPUT = "BAD_USER_INPUT"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
UNAUTHENTICATED = "UNAUTHENTICATED"
THROTTLED = "THROTTLED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def bad_user_input(field_errors: Mapping[str, Sequence[str]]) -> GraphQLError:
    """An error for ``{field: [messages]}`` keyed by the domain's snake_case field names; the
    client sees its own argument names (``page_size`` -> ``pageSize``)."""
    fields = {
        (name if name == NON_FIELD_ERRORS else to_camel_case(name)): list(messages)
        for name, messages in field_errors.items()
    }
    summary = "; ".join(
        " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
        for name, messages in fields.items()
    )
    return GraphQLError(
        f"Invalid input. {summary}", extensions={"code": BAD_USER_INPUT, "fields": fields}
    )


def unauthenticated(message: str) -> GraphQLError:
    """An error for a refused credential (``interfaces.authentication.CredentialsRefused``)."""
    return GraphQLError(message, extensions={"code": UNAUTHENTICATED})


def _validation_error(error: ValidationError) -> GraphQLError:
    if hasattr(error, "error_dict"):
        return bad_user_input(error.message_dict)
    return bad_user_input({NON_FIELD_ERRORS: error.messages})


P = ParamSpec("P")
R = TypeVar("R")


def translate_domain_errors(resolver: Callable[P, R]) -> Callable[P, R]:
    """Wrap a resolver or ``mutate`` so the domain's exceptions reach the client as
    GraphQL errors with a code, not as a bare exception message."""

    @functools.wraps(resolver)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return resolver(*args, **kwargs)
        except ValidationError as error:
            raise _validation_error(error) from error
        except PermissionDenied as error:
            message = str(error) or "You are not allowed to do this."
            raise GraphQLError(message, extensions={"code": FORBIDDEN}) from error
        except Post.DoesNotExist as error:
            raise GraphQLError("No post with this id.", extensions={"code": NOT_FOUND}) from error
        except ActivationError as error:
            raise GraphQLError(str(error), extensions={"code": error.code.upper()}) from error

    return wrapper
