"""The screenshots the documentation shows (docs/implementations.md), taken in a real browser on
every e2e run, so they picture the pages as they are. They go to ``E2E_SCREENSHOTS``;
``nox -s docs_screenshots`` points that at docs/images/screens/ to refresh the committed copies.
Each step also checks what the picture is meant to show, so a broken page fails here instead of
ending up in the docs."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from domain.posts.models import Post
from domain.posts.services import post_create, post_like
from tests.e2e.test_graphiql import run_in_graphiql
from tests.e2e.test_web import log_in
from tests.factories import UserFactory, image_bytes

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1200, "height": 800}
COLOURS = ["teal", "darkorange", "steelblue"]


@pytest.fixture
def docs_page(page, screenshot):
    """The browser page at a fixed window size; ``page.shot(name)`` saves what the window shows
    (not the full page, so the images stay small and alike)."""
    page.set_viewport_size(VIEWPORT)
    page.shot = lambda name: screenshot(name, full_page=False)
    return page


def test_list_create_edit_delete_pictured_for_the_docs(docs_page, site):
    page = docs_page
    user = UserFactory.create(display_name="Ada")
    grace, linus = UserFactory.create(display_name="Grace"), UserFactory.create(
        display_name="Linus"
    )
    for number, (author, colour) in enumerate(zip([grace, linus, grace], COLOURS), start=1):
        post = post_create(
            author=author,
            body=f"Post {number} of the demo, with a {colour} picture.",
            image=SimpleUploadedFile(
                f"{colour}.png", image_bytes(size=(480, 320), color=colour), "image/png"
            ),
        )
        post_like(post=post, user=linus if author == grace else grace)
    log_in(page, site, user)

    page.goto(f"{site}/mtv/fbv/posts/")
    expect(page.locator("img.post-thumbnail")).to_have_count(3)
    page.shot("docs-list")

    page.goto(f"{site}/mtv/fbv/posts/new/")
    page.get_by_label("Body").fill("Written in the browser, with an image.")
    page.get_by_label("Image").set_input_files(
        {
            "name": "shot.png",
            "mimeType": "image/png",
            "buffer": image_bytes(size=(480, 320), color="indianred"),
        }
    )
    page.shot("docs-create")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".alert-success")).to_have_text(re.compile("Your post is published"))
    expect(page.locator("img.post-image")).to_be_visible()
    page.shot("docs-detail")

    post = Post.objects.get(body="Written in the browser, with an image.")
    page.goto(f"{site}/mtv/fbv/posts/{post.pk}/edit/")
    expect(page.get_by_label("Body")).to_have_value(post.body)
    page.shot("docs-edit")

    page.goto(f"{site}/mtv/fbv/posts/{post.pk}/delete/")
    expect(page.get_by_role("button", name="Delete")).to_be_visible()
    page.shot("docs-delete")


def test_swagger_ui_and_graphiql_pictured_for_the_docs(docs_page, site):
    page = docs_page
    post_create(author=UserFactory.create(display_name="Ada"), body="Hello from GraphiQL.")

    page.goto(f"{site}/api/docs/")
    # Swagger UI fetches the schema, which drf-spectacular generates on the first request: seconds
    # on a busy machine.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
    page.shot("docs-swagger")

    response = run_in_graphiql(
        page,
        site,
        "{ posts(pageSize: 5) { count posts { body likeCount author { displayName } } } }",
    )
    expect(response).to_contain_text("Hello from GraphiQL.")
    # One query per line reads better than the single typed line.
    page.get_by_role("button", name=re.compile("Prettify")).click()
    expect(page.locator(".graphiql-query-editor .CodeMirror-line")).not_to_have_count(1)
    page.shot("docs-graphiql")
