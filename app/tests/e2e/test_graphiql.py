"""GraphiQL works with no network: every request but the live server's is aborted, then a user
types a ``posts`` query, runs it and reads the posts in the response pane."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domain.posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e

QUERY = "{ posts(pageSize: 5) { count posts { body author { displayName } } } }"


@pytest.fixture
def offline_page(page, site):
    """The browser page, cut off from every host but the live server; ``page.blocked`` lists
    what it tried to fetch elsewhere."""
    page.blocked = []

    def only_the_live_server(route):
        if route.request.url.startswith(f"{site}/"):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_live_server)
    return page


def run_in_graphiql(page, site, operation):
    """Open GraphiQL, type ``operation`` over the sample query, run it; the response pane."""
    page.goto(f"{site}/graphql/")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # GraphiQL closes brackets as they are typed; typing the closing ones steps over them.
    page.keyboard.type(operation)
    page.keyboard.press("Escape")  # close the autocompletion hint, if any
    page.locator(".graphiql-execute-button").click()
    return page.locator(".graphiql-response")


def test_graphiql_runs_a_posts_query_offline(offline_page, site, screenshot):
    PostFactory.create(
        author=UserFactory.create(display_name="Ada"), body="Hello from the live server"
    )
    page = offline_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    response = run_in_graphiql(page, site, QUERY)

    expect(response).to_contain_text("Hello from the live server")
    expect(response).to_contain_text('"displayName": "Ada"')
    screenshot("graphiql-posts-query")
    assert page.blocked == []
    assert failed == []


def test_graphiql_sends_the_csrf_token_with_a_session_mutation(offline_page, site):
    """The live server enforces CSRF; GraphiQL must pass the check for a signed-in user."""
    user = UserFactory.create(display_name="Grace")
    session = Client()
    session.force_login(user)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME]
    offline_page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])

    response = run_in_graphiql(
        offline_page,
        site,
        'mutation { createPost(body: "Typed in GraphiQL") { post { author { displayName } } } }',
    )

    expect(response).to_contain_text('"displayName": "Grace"')
    assert Post.objects.get().author == user


def test_graphiql_opens_on_the_example_query_and_it_runs(offline_page, site):
    PostFactory.create(
        author=UserFactory.create(display_name="Ada"), body="Shown by the example query"
    )
    page = offline_page
    page.goto(f"{site}/graphql/")
    editor = page.locator(".graphiql-query-editor .CodeMirror")

    expect(editor).to_contain_text("posts(pageSize: 5)")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("Shown by the example query")
    assert page.blocked == []
