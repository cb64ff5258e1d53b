import pytest

from .adapters import ADAPTERS


@pytest.fixture(params=ADAPTERS, ids=lambda adapter: adapter.name)
def api(request, client, db):
    """The implementation under test, one per adapter: every contract test runs against all."""
    return request.param(client)
