import pytest


@pytest.fixture(params=["fbv", "cbv"])
def flavour(request):
    """The URL namespace of each template flavour: page tests run against both."""
    return request.param
