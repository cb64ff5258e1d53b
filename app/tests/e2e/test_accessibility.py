"""axe-core on every μblog page: any violation in μblog's own markup fails the test.

axe's script comes from the locked PyPI package axe-playwright-python (no CDN). The WCAG 2.x A
and AA rules run, plus axe's best practices (one <h1> per page, landmarks). Swagger UI and
GraphiQL are vendored applications: GraphiQL's page is μblog's template, so it is checked with
GraphiQL's own markup left out; Swagger UI's page is drf-spectacular's template and Swagger UI's
markup, nothing of μblog's, so axe does not judge it here.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from domain.accounts.services import activation_link
from tests.factories import PASSWORD, PostFactory, UserFactory, image_upload

pytestmark = pytest.mark.e2e

AXE = Axe()
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
FLAVOURS = ["fbv", "cbv"]


def assert_no_violations(page, exclude=()):
    """Run axe on the page as it stands; on failure, axe's own report names every node."""
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = AXE.run(page, context=context, options=OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("[data-signed-in-as]")


@pytest.fixture
def posts(site):
    """A list like the demo's: members' posts, an anonymous one, one with an image and a like."""
    ada = UserFactory.create(display_name="Ada")
    PostFactory.create_batch(3, author=UserFactory.create(display_name="Linus"))
    PostFactory.create(anonymous=True, body="Anonymous thoughts,\non two lines.")
    with_image = PostFactory.create(author=ada, body="A picture.", image=image_upload())
    return {"ada": ada, "mine": PostFactory.create(author=ada, body="Mine."), "image": with_image}


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_post_pages(page, site, posts, flavour, signed_in):
    if signed_in:
        log_in(page, site, posts["ada"])
    base = f"{site}/mtv/{flavour}/posts"
    urls = [f"{base}/", f"{base}/?search=Mine", f"{base}/{posts['image'].pk}/", f"{base}/new/"]
    if signed_in:
        urls += [f"{base}/{posts['mine'].pk}/edit/", f"{base}/{posts['mine'].pk}/delete/"]
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert_no_violations(page)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_post_form_with_errors(page, site, flavour):
    page.goto(f"{site}/mtv/{flavour}/posts/new/")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_selector("[data-field-error=body]")

    assert_no_violations(page)


def test_home_and_account_pages(page, site, db):
    for path in [
        "/",
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/activate/resend/",
        "/accounts/signup/done/",
        "/accounts/activate/bad/link/",
    ]:
        page.goto(f"{site}{path}")
        assert_no_violations(page)


def test_account_forms_with_errors(page, site, db):
    page.goto(f"{site}/accounts/signup/")
    page.get_by_role("button", name="Sign up").click()
    assert_no_violations(page)

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert_no_violations(page)


def test_activation_page(page, site, db):
    user = UserFactory.create(inactive=True)

    page.goto(activation_link(user).replace("http://testserver", site))

    assert page.get_by_role("heading", name="Your account is active").is_visible()
    assert_no_violations(page)


def test_error_pages(page, site, posts):
    log_in(page, site, UserFactory.create(display_name="Grace"))

    forbidden = page.goto(f"{site}/mtv/fbv/posts/{posts['mine'].pk}/edit/")
    assert forbidden.status == 403
    assert_no_violations(page)

    missing = page.goto(f"{site}/mtv/fbv/posts/999999/")
    assert missing.status == 404
    assert_no_violations(page)


@pytest.mark.parametrize("flavour", ["drf/fbv", "drf/cbv"])
def test_browsable_api(page, site, posts, flavour):
    log_in(page, site, posts["ada"])
    for url in [f"{site}/api/{flavour}/posts/", f"{site}/api/{flavour}/posts/{posts['mine'].pk}/"]:
        page.goto(url)
        assert_no_violations(page)


def test_graphiql_frame(page, site, db):
    page.goto(f"{site}/graphql/")
    page.wait_for_selector(".graphiql-container")

    assert_no_violations(page, exclude=["#editor"])
