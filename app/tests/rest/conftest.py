"""Fixtures of the REST API tests: a DRF test client and both flavours' post URLs."""

import pytest
from rest_framework.test import APIClient

from tests.helpers import bearer

FLAVOURS = ["fbv", "cbv"]


@pytest.fixture
def api_client(db):
    return APIClient()


@pytest.fixture(params=FLAVOURS)
def posts_url(request):
    """The posts collection of each flavour: tests that take it run against both."""
    return f"/api/drf/{request.param}/posts/"


@pytest.fixture
def member_client(api_client, user):
    api_client.credentials(**bearer(user))
    return api_client
