"""GraphiQL at /graphql/ loads everything from μblog itself, at the versions graphene-django was
built for, pinned by package-lock.json."""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from graphene_django.views import GraphQLView as StockGraphQLView

from interfaces.graphql.views import EXAMPLE_QUERY
from tests.factories import PostFactory
from tests.helpers import GRAPHQL_URL

VENDOR = settings.APP_DIR / "interfaces/graphql/static/graphql/vendor"


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []
        self.example_query = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "editor":
            self.example_query = attrs.get("data-example-query")
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])


@pytest.fixture
def graphiql_page(client, db):
    response = client.get(GRAPHQL_URL, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    return response


def asset_urls(response):
    collector = AssetCollector()
    collector.feed(response.content.decode())
    return collector.urls


def test_browsers_get_graphiql_from_our_template(graphiql_page):
    assert "graphql/graphiql.html" in [template.name for template in graphiql_page.templates]
    assert b'<div id="editor" data-example-query=' in graphiql_page.content


def test_graphiql_page_loads_nothing_from_another_host(graphiql_page):
    urls = asset_urls(graphiql_page)

    assert len(urls) == 10
    assert all(url.startswith(settings.STATIC_URL) for url in urls), urls
    assert b"//cdn" not in graphiql_page.content and b"https://" not in graphiql_page.content


def test_every_graphiql_asset_is_served_by_the_app(graphiql_page):
    for url in asset_urls(graphiql_page):
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_graphiql_page_carries_a_csrf_token(graphiql_page):
    assert b'name="csrfmiddlewaretoken"' in graphiql_page.content
    assert "csrftoken" in graphiql_page.cookies


def test_vendored_versions_are_the_locked_ones(graphiql_page):
    vendored = json.loads((VENDOR / "versions.json").read_text())
    lock = json.loads((settings.REPO_DIR / "package-lock.json").read_text())
    manifest = json.loads((settings.REPO_DIR / "package.json").read_text())

    locked = {name: lock["packages"][f"node_modules/{name}"]["version"] for name in vendored}
    assert vendored == locked
    assert {name: manifest["dependencies"][name] for name in vendored} == locked


def test_vendored_versions_are_the_ones_graphene_django_expects():
    vendored = json.loads((VENDOR / "versions.json").read_text())

    assert vendored == {
        "graphiql": StockGraphQLView.graphiql_version,
        "react": StockGraphQLView.react_version,
        "react-dom": StockGraphQLView.react_version,
        "graphql-ws": StockGraphQLView.subscriptions_transport_ws_version,
        "@graphiql/plugin-explorer": StockGraphQLView.graphiql_plugin_explorer_version,
    }


def test_vendored_files_point_to_no_missing_source_map():
    # collectstatic's manifest storage fails on a sourceMappingURL whose file is not shipped.
    for path in VENDOR.iterdir():
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path.name


def test_graphiql_opens_on_the_example_query(graphiql_page):
    collector = AssetCollector()
    collector.feed(graphiql_page.content.decode())

    assert collector.example_query == EXAMPLE_QUERY
    assert "/static/graphql/graphiql-setup.js" in collector.urls


def test_the_example_query_runs_against_the_schema(client, db):
    PostFactory.create(body="Seen through the example query")

    response = client.post(GRAPHQL_URL, {"query": EXAMPLE_QUERY}, content_type="application/json")

    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["posts"]["posts"][0]["body"] == "Seen through the example query"
    assert body["data"]["me"] is None
