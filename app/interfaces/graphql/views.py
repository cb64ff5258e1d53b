"""graphene-django's view, made to behave like the rest of μblog's APIs.

- Authentication: the session (Django's middleware) or ``Authorization: Bearer <access>`` with
  the REST API's simplejwt tokens. A bad token is a 401, not an anonymous request.
- CSRF: checked here rather than by the middleware, with DRF's rule: a request that the session
  cookie authenticates needs the token (GraphiQL sends it); a Bearer request cannot be forged by
  another site, and an anonymous one gains nothing from being forged, so they do not.
- Abuse: operations nested deeper than ``settings.GRAPHQL_MAX_DEPTH`` or costing more than
  ``settings.GRAPHQL_MAX_COST`` (limits.py) are refused before they run, and so are bodies over
  ``settings.GRAPHQL_MAX_BODY_BYTES`` (413); malformed bodies (bad JSON, JSON nested too deep,
  a ``query`` that is not a string, broken multipart maps) get a 400 that never repeats Python's
  exception text; text that is not valid Unicode (a lone surrogate such as ``"\ud800"``) is
  BAD_USER_INPUT; a resolver that crashes reports "Internal server error." and is logged,
  without leaking the exception text.
- GraphiQL comes from files vendored under static/graphql/vendor/, never from a CDN, and runs
  under the Content-Security-Policy: no inline script (graphiql.html), data: fonts allowed.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import depth_limit_validator
from graphene_django.settings import graphene_settings
from graphene_django.views import HttpError
from graphene_file_upload.django import FileUploadGraphQLView
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    ValidationRule,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ASTValidationRule, ValidationContext

from interfaces.authentication import CredentialsRefused, bearer_challenge, bearer_user

from .errors import BAD_USER_INPUT, FORBIDDEN, INTERNAL_SERVER_ERROR, UNAUTHENTICATED
from .limits import CostLimit, IntrospectionSwitch

logger = logging.getLogger(__name__)

BAD_REQUEST = "BAD_REQUEST"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
MALFORMED_REQUEST = (
    'Malformed GraphQL request: send {"query": a string, "variables": an object or null, '
    '"operationName": a string or null}.'
)
NESTED_TOO_DEEPLY = "The request body is nested too deeply to be a GraphQL request."
NOT_UNICODE = (
    "Invalid input: text must be valid Unicode (a lone surrogate such as \\ud800 is not)."
)
MALFORMED_MULTIPART = (
    "Malformed multipart request: send 'operations' (a JSON object) and 'map' (a JSON object "
    "naming, for each file part, the null variables it fills), per the GraphQL multipart "
    "request spec."
)


# What GraphiQL opens with instead of its stock welcome text: a query that runs as it stands
# (app/tests/graphql/test_graphiql.py runs it against the schema). Anonymous on purpose: GraphiQL
# keeps the first operation name it saw, so a named example breaks whatever is typed over it.
EXAMPLE_QUERY = """\
# μblog's GraphQL API. Run this query with the ▶ button (or Ctrl+Enter); the Docs button
# on the left lists every query and mutation (createPost, likePost, tokenAuth...).
query {
  posts(pageSize: 5) {
    count
    hasNext
    posts {
      id
      body
      author {
        displayName
      }
      thumbnail
      likeCount
      liked
      createdAt
    }
  }
  me {
    displayName
  }
}
"""


class DepthLimit(ValidationRule):
    """Refuse operations nested deeper than ``settings.GRAPHQL_MAX_DEPTH``; introspection
    fields do not count, so GraphiQL keeps working. The setting is read per request."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        try:
            depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH)(context)
        except (KeyError, RecursionError):
            # graphene's crawler assumes a valid document: an unknown fragment raises KeyError
            # and a fragment cycle recurses without end. graphql-core's own rules
            # (KnownFragmentNames, NoFragmentCycles) report both to the client.
            pass


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> str:
        # Hand the reason back instead of rendering Django's HTML 403 page.
        return reason


def _no_view(request: HttpRequest) -> HttpResponse:
    """The middleware, used as a check, needs a view and a get_response; it calls neither."""
    raise NotImplementedError


class RequestRefused(HttpError):
    """A request refused before it runs, answered with a GraphQL error that has a code."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(HttpResponse(status=status), message)
        self.code = code


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(map(_has_lone_surrogate, [*value.keys(), *value.values()]))
    if isinstance(value, list):
        return any(map(_has_lone_surrogate, value))
    return False


def _error_response(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


# Documents up to this size are kept once valid, at most CACHED_DOCUMENTS of them, oldest out
# first; a bigger one (an attack, most likely) is parsed and validated anew each time rather than
# held in memory.
CACHED_DOCUMENT_MAX_CHARS = 4096
CACHED_DOCUMENTS = 256
_valid_documents: dict[tuple[object, ...], DocumentNode] = {}
_valid_documents_lock = threading.Lock()  # gunicorn may run threads (GUNICORN_THREADS)


def valid_document(
    schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...]
) -> tuple[DocumentNode, list[GraphQLError]]:
    """``(document, validation errors)`` for ``query``; GraphQLError if it does not parse. A
    valid document is kept per process, keyed also by the settings the rules read, so that a
    changed limit applies at once."""
    key = (
        schema, rules, query,
        settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_COST, settings.GRAPHQL_INTROSPECTION,
    )  # fmt: skip
    document = _valid_documents.get(key)
    if document is not None:
        return document, []
    document = parse(query)
    errors = validate(schema, document, rules, graphene_settings.MAX_VALIDATION_ERRORS)
    if not errors and len(query) <= CACHED_DOCUMENT_MAX_CHARS:
        with _valid_documents_lock:
            if len(_valid_documents) >= CACHED_DOCUMENTS:
                del _valid_documents[next(iter(_valid_documents))]
            _valid_documents[key] = document
    return document, errors


class GraphQLView(FileUploadGraphQLView):
    graphiql_template = "graphql/graphiql.html"
    validation_rules = (*specified_rules, DepthLimit, CostLimit, IntrospectionSwitch)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # CSRF is enforced in dispatch(), only where a session cookie authenticates.
        return csrf_exempt(super().as_view(**initkwargs))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            user = bearer_user(request)
        except CredentialsRefused as error:
            response = _error_response(401, str(error), UNAUTHENTICATED)
            response["WWW-Authenticate"] = bearer_challenge()
            return response
        if user is not None:
            # simplejwt returns an AUTH_USER_MODEL instance, typed as the base class.
            request.user = user  # type: ignore[assignment]
        elif request.user.is_authenticated:
            reason = _CsrfCheck(_no_view).process_view(request, _no_view, (), {})
            if reason:
                return _error_response(403, f"CSRF verification failed: {reason}", FORBIDDEN)
        return super().dispatch(request, *args, **kwargs)

    def can_display_graphiql(self, request: HttpRequest, data: dict[str, Any]) -> bool:
        # GraphiQL can be switched off (settings.GRAPHIQL_ENABLED); the API stays.
        return settings.GRAPHIQL_ENABLED and super().can_display_graphiql(request, data)

    def render_graphiql(self, request: HttpRequest, **data: Any) -> HttpResponseBase:
        # GraphiQL's stylesheet embeds its fonts as data: URLs; the policy allows those on this
        # page only (config/settings/base.py has the policy of every other page). django-csp
        # decorates a view of the request alone, so the other arguments are bound first.
        page = functools.partial(super().render_graphiql, example_query=EXAMPLE_QUERY, **data)
        return csp_update({"font-src": ["data:"]})(page)(request)

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.method == "POST":
            self._check_size(request)
        try:
            data = super().parse_body(request)
        except RecursionError:
            raise RequestRefused(NESTED_TOO_DEEPLY, BAD_REQUEST)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            # graphene-file-upload trusts 'operations' and 'map' to be well formed.
            raise HttpError(HttpResponseBadRequest(MALFORMED_MULTIPART))
        if not isinstance(data, dict):
            raise HttpError(HttpResponseBadRequest(MALFORMED_MULTIPART))
        return data

    @staticmethod
    def _check_size(request: HttpRequest) -> None:
        limit = settings.GRAPHQL_MAX_BODY_BYTES
        if GraphQLView.get_content_type(request) == "multipart/form-data":
            size = len(request.POST.get("operations", ""))
        else:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        if size > limit:
            raise RequestRefused(
                f"The request is {size} bytes, more than the {limit} allowed.",
                REQUEST_TOO_LARGE,
                status=413,
            )

    def get_graphql_params(
        self, request: HttpRequest, data: dict[str, Any]
    ) -> tuple[Any, Any, Any, Any]:
        query, variables, operation_name, id = super().get_graphql_params(request, data)
        if not isinstance(query, (str, type(None))) or not isinstance(
            operation_name, (str, type(None))
        ):
            raise RequestRefused(MALFORMED_REQUEST, BAD_REQUEST)
        if _has_lone_surrogate([query, variables, operation_name]):
            raise RequestRefused(NOT_UNICODE, BAD_USER_INPUT)
        return query, variables, operation_name, id

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: dict[str, Any],
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult:
        """graphene-django's, with each valid document parsed and validated once per process
        (``valid_document``): on a list of 20 posts that is a third of the request. GraphiQL's
        page never gets here (``dispatch`` renders it), so ``show_graphiql`` is always false."""
        if not query:
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        schema = self.schema.graphql_schema
        try:
            document, errors = valid_document(schema, query, self.validation_rules)
        except GraphQLError as error:  # a syntax error
            return ExecutionResult(errors=[error])
        operation = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            raise HttpError(
                HttpResponseNotAllowed(
                    ["POST"],
                    f"Can only perform a {operation.operation.value} operation from a POST "
                    "request.",
                )
            )
        if errors:
            return ExecutionResult(errors=errors)
        try:
            return execute_sync(
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
            )
        except Exception as error:  # variables that are not an object, say (format_error)
            return ExecutionResult(errors=[GraphQLError(str(error), original_error=error)])

    @staticmethod
    def format_error(error: GraphQLError | HttpError) -> dict[str, Any]:
        if isinstance(error, RequestRefused):
            return {"message": error.message, "extensions": {"code": error.code}}
        original = getattr(error, "original_error", None)
        if getattr(error, "path", None) and not isinstance(original, (GraphQLError, type(None))):
            # A resolver crashed: a bug, not the client's doing. Log it; tell them nothing more.
            logger.error("GraphQL resolver failed at %s", error.path, exc_info=original)
            return {
                **error.formatted,
                "message": "Internal server error.",
                "extensions": {"code": INTERNAL_SERVER_ERROR},
            }
        return FileUploadGraphQLView.format_error(error)
