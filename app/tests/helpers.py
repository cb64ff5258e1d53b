"""What many tests need, defined once: the repository's paths, the GraphQL endpoint, and how a
test signs in with a token, reads the flash messages, finds an activation link or builds a
GraphQL multipart body. Fixtures built on them are in conftest.py.

Importable without Django set up (tools/docker_real.py and the e2e mail reader parse activation
links with it), so the one Django import waits inside the function that needs it.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

REPO_DIR = Path(__file__).resolve().parents[2]
APP_DIR = REPO_DIR / "app"

GRAPHQL_URL = "/graphql/"

# The link of settings.ACTIVATION_URL, absolute (SITE_URL first), as the emails carry it.
ACTIVATION_LINK = re.compile(
    r"https?://\S+?/accounts/activate/(?P<uid>[^\s/]+)/(?P<token>[^\s/]+)/"
)


def _activation_match(text: object) -> re.Match[str]:
    # An email's body may be a lazy translation string: search its text.
    match = ACTIVATION_LINK.search(str(text))
    if match is None:
        raise AssertionError(f"no activation link in:\n{text}")
    return match


def activation_link_in(text: object) -> str:
    """The activation link in an email's text (or the link itself)."""
    return _activation_match(text).group(0)


def activation_parts(text: object) -> dict[str, str]:
    """``{"uid", "token"}`` of the activation link in ``text``: what the REST API and GraphQL
    take to activate an account (the web page takes the link itself)."""
    match = _activation_match(text)
    return {"uid": match["uid"], "token": match["token"]}


def bearer(user: AbstractBaseUser, lifetime: timedelta | None = None) -> dict[str, str]:
    """Test-client headers that sign ``user`` in with a JWT made on the spot; ``lifetime`` (a
    timedelta, negative for one already expired) replaces the configured one."""
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(user)
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def messages_of(response: Any) -> list[str]:
    """The flash messages a rendered page received, as text (``response`` is the test
    client's, which carries the template context)."""
    return [str(message) for message in response.context["messages"]]


def graphql_multipart(
    query: str, variables: dict[str, Any], files: dict[str, Any]
) -> dict[str, Any]:
    """A request body per the GraphQL multipart request spec: ``files`` maps variable names to
    uploads, which replace the ``null`` of those variables."""
    variables = {**variables, **{name: None for name in files}}
    return {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps({str(i): [f"variables.{name}"] for i, name in enumerate(files)}),
        **{str(i): upload for i, upload in enumerate(files.values())},
    }


def graphql_error_of(response: Any) -> dict[str, Any]:
    """The first (in μblog, the only) error of a GraphQL response run by the ``gql`` fixture."""
    errors = response.result["errors"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


def yaml_of(text: str | bytes) -> Any:
    """YAML parsed safely, by libyaml (PyYAML's C loader): the pure-Python loader took half a
    second for the OpenAPI schema alone."""
    return yaml.load(text, Loader=yaml.CSafeLoader)
