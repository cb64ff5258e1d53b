"""μblog's pages under their Content-Security-Policy in a real browser: every kind of page is
opened, used a little, and the browser must refuse nothing (conftest.py's ``no_csp_violations``
fails the test otherwise, as it does every other e2e test: the like button's and GraphiQL's
tests prove they still work under the policy). And the policy does refuse what it should."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_web import log_in
from tests.factories import PASSWORD, PostFactory, UserFactory, image_upload

pytestmark = pytest.mark.e2e


def open_page(page, url):
    """Go to ``url``, wait until it settles; the policy it was served with."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response.headers["content-security-policy"]


def script_src(policy):
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["script-src"]


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
def test_web_pages_load_and_work_under_the_policy(page, site, csp_violations, flavour):
    author = UserFactory.create(display_name="Ada")
    post = PostFactory.create(author=author, body="With a picture.", image=image_upload())
    log_in(page, site, author)
    base = f"{site}/mtv/{flavour}/posts"

    for url in [
        f"{site}/",
        f"{base}/",
        f"{base}/?search=picture",
        f"{base}/{post.pk}/",
        f"{base}/new/",
        f"{base}/{post.pk}/edit/",
        f"{base}/{post.pk}/delete/",
    ]:
        assert script_src(open_page(page, url)) == "'self'", url

    # Bootstrap's scripts (the navbar's collapse, a dismissible message) run under the policy.
    open_page(page, f"{base}/{post.pk}/")
    page.get_by_role("button", name="Like").click()
    expect(page.locator(f"#post-{post.pk} .like-count")).to_have_text("1")
    page.set_viewport_size({"width": 400, "height": 800})
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.locator("#main-nav")).to_be_visible()
    assert csp_violations == []


def test_account_pages_load_under_the_policy(page, site, db, csp_violations):
    for path in [
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/activate/resend/",
        "/accounts/signup/done/",
        "/accounts/activate/bad/link/",
    ]:
        assert script_src(open_page(page, f"{site}{path}")) == "'self'", path

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_role("button", name="Log in").click()  # an empty form: its errors show
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    assert csp_violations == []


@pytest.mark.parametrize("flavour", ["drf/fbv", "drf/cbv"])
def test_browsable_api_loads_and_posts_under_the_policy(page, site, csp_violations, flavour):
    author = UserFactory.create(display_name="Ada")
    post = PostFactory.create(author=author, body="Browsable.")
    log_in(page, site, author)

    assert script_src(open_page(page, f"{site}/api/{flavour}/posts/{post.pk}/")) == "'self'"
    # DRF's own scripts (jQuery, ajax-form.js) send the OPTIONS request with the CSRF header.
    page.get_by_role("button", name="OPTIONS").click()
    expect(page.locator("main")).to_contain_text("HTTP 200 OK")
    assert csp_violations == []


def test_swagger_ui_and_graphiql_run_under_the_policy(page, site, db, csp_violations):
    PostFactory.create(body="Seen in GraphiQL.")

    assert script_src(open_page(page, f"{site}/api/docs/")) == "'self'"
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
    page.locator(".swagger-ui .opblock-summary").first.click()
    expect(page.locator(".swagger-ui .opblock-body").first).to_be_visible()

    assert script_src(open_page(page, f"{site}/graphql/")) == "'self'"
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("Seen in GraphiQL.")
    assert csp_violations == []


def test_admin_pages_load_under_the_policy(page, site, csp_violations):
    staff = UserFactory.create(staff=True, is_superuser=True)
    post = PostFactory.create(body="Moderated.")
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(staff.display_name)
    for url in [
        f"{site}/admin/",
        f"{site}/admin/posts/post/",
        f"{site}/admin/posts/post/{post.pk}/change/",
        f"{site}/admin/accounts/user/",
    ]:
        assert script_src(open_page(page, url)) == "'self'", url
    assert csp_violations == []


def test_the_policy_refuses_an_injected_inline_script(page, site, db, csp_violations):
    """What the policy is for: script that got into a page does not run (here put there by the
    test through the DOM, as an XSS hole would), and the browser reports the refusal."""
    open_page(page, f"{site}/mtv/fbv/posts/")

    refused = page.evaluate("""() => new Promise((resolve) => {
          document.addEventListener("securitypolicyviolation", (event) => {
            resolve(event.effectiveDirective);
          });
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        })""")

    assert refused == "script-src-elem"
    assert page.evaluate("window.injected") is None
    assert [line.split(" ")[0] for line in csp_violations] == ["script-src-elem"]
    csp_violations.clear()  # seen and expected: the autouse check must not fail the test
