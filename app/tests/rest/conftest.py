"""Fixtures of the REST API tests: a DRF test client and both flavours' post URLs."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

FLAVOURS = ["fbv", "cbv"]


@pytest.fixture
def api_client(db):
    return APIClient()


@pytest.fixture(params=FLAVOURS)
def posts_url(request):
    """The posts collection of each flavour: tests that take it run against both."""
    return f"/api/drf/{request.param}/posts/"


def bearer(user):
    """Headers that sign ``user`` in with a JWT made on the spot."""
    return {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"}


@pytest.fixture
def member_client(api_client, user):
    api_client.credentials(**bearer(user))
    return api_client
