"""The OpenAPI schema: valid OpenAPI 3, unique operation ids, every error documented, the same
as the committed docs/api/openapi.yaml, and Swagger UI served with no outside host."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openapi_spec_validator import validate

from tests.helpers import yaml_of

COMMITTED = Path(settings.REPO_DIR) / "docs" / "api" / "openapi.yaml"


@pytest.fixture(scope="module")
def live_schema():
    """Generated once for the module's tests, which only read it (half a second each time)."""
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml_of(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_live_schema_is_valid_openapi(live_schema):
    validate(live_schema)


def test_committed_schema_is_valid_openapi_and_current(live_schema):
    committed = yaml_of(COMMITTED.read_text())

    validate(committed)
    assert committed == live_schema


def test_both_flavours_are_documented_with_unique_operation_ids(live_schema):
    ids = [operation["operationId"] for _, _, operation in operations(live_schema)]

    assert len(ids) == len(set(ids)) == 20
    assert {i.split("_", 1)[1] for i in ids if i.startswith("fbv_")} == {
        i.split("_", 1)[1] for i in ids if i.startswith("cbv_")
    }


def test_every_operation_documents_its_errors(live_schema):
    for path, method, operation in operations(live_schema):
        documented = set(operation["responses"])
        assert "401" in documented, (method, path)  # a bad token is refused everywhere
        if "{id}" in path:
            assert "404" in documented, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= documented, (method, path)


def test_writes_that_need_an_account_document_401_and_403(live_schema):
    for path, method, operation in operations(live_schema):
        if "{id}" in path and method != "get":
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_throttled_operations_document_429(live_schema):
    throttled = {
        (path, method)
        for path, method, operation in operations(live_schema)
        if "429" in operation["responses"]
    }

    assert throttled == {
        ("/api/drf/fbv/posts/", "post"),
        ("/api/drf/cbv/posts/", "post"),
        ("/api/auth/signup/", "post"),
        ("/api/token/", "post"),
        ("/api/token/refresh/", "post"),
    }


def test_no_email_in_any_post_schema(live_schema):
    schemas = live_schema["components"]["schemas"]

    assert set(schemas["Author"]["properties"]) == {"id", "display_name"}
    assert "email" not in schemas["Post"]["properties"]


def test_swagger_ui_loads_with_no_outside_host(api_client):
    response = api_client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in html
    hosts = set(re.findall(r"""(?:src|href)=["']?(?:https?:)?//([^/"' >]+)""", html))
    assert hosts <= {"testserver"}


def test_swagger_ui_assets_are_served_by_the_app(api_client):
    html = api_client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))["']""", html)

    assert assets
    for asset in assets:
        assert asset.startswith("/static/")
