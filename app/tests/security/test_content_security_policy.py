"""Every μblog response carries a strict Content-Security-Policy (django-csp, configured in
config/settings/base.py): scripts only from μblog itself, never inline, never eval. That holds
because no template has an inline script or style and no script the pages load needs eval; the
e2e suite (tests/e2e/test_content_security_policy.py) proves the pages work under it."""

import re

import pytest
from django.conf import settings

from config.settings.base import content_security_policy
from tests.factories import PostFactory

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", "*")


def directives(response):
    """The response's policy as {directive: source list}."""
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def pages(post_id):
    """One URL of each kind of page μblog serves, with the Accept header a browser sends."""
    html = "text/html"
    web = [
        f"/mtv/{flavour}/posts/{path}"
        for flavour in ("fbv", "cbv")
        for path in (
            "",
            "?search=x",
            f"{post_id}/",
            "new/",
            f"{post_id}/edit/",
            f"{post_id}/delete/",
        )
    ]
    accounts = [
        "/accounts/signup/",
        "/accounts/signup/done/",
        "/accounts/login/",
        "/accounts/activate/resend/",
        "/accounts/activate/bad/link/",
    ]
    browsable = [
        f"/api/drf/{flavour}/posts/{path}"
        for flavour in ("fbv", "cbv")
        for path in ("", f"{post_id}/")
    ]
    return [
        ("/", html),
        *[(url, html) for url in web + accounts + browsable],
        ("/api/auth/signup/", html),
        ("/graphql/", html),
        ("/api/docs/", html),
        ("/api/docs/?script", "*/*"),
        ("/admin/login/", html),
        ("/admin/", html),
        ("/no/such/page/", html),
        ("/api/drf/cbv/posts/", "application/json"),
    ]


@pytest.mark.parametrize("kind", ["visitor", "member", "staff"])
def test_every_page_has_the_strict_policy(client, user, staff_user, kind):
    post = PostFactory.create(author=staff_user if kind == "staff" else user)
    if kind != "visitor":
        client.force_login(staff_user if kind == "staff" else user)

    for url, accept in pages(post.pk):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code < 500, url
        policy = directives(response)
        assert {name: policy.get(name) for name in STRICT} == STRICT, url
        assert not set(policy["script-src"].split()) & set(UNSAFE), url


def test_images_may_be_data_urls_and_nothing_else_is_loosened(client, db):
    policy = directives(client.get("/"))

    assert policy["img-src"] == "'self' data:"
    assert set(policy) == {*STRICT, "img-src"}


def test_only_graphiql_adds_data_fonts(client, db):
    graphiql = directives(client.get("/graphql/", HTTP_ACCEPT="text/html"))
    api = directives(client.post("/graphql/", {"query": "{ __typename }"}, "application/json"))

    assert graphiql["font-src"] == "data:"
    assert "font-src" not in api and "font-src" not in directives(client.get("/"))


def test_policy_is_set_in_one_place_and_extends_there():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    cdn = "https://media.example.net"

    assert content_security_policy()["DIRECTIVES"] == policy
    extended = content_security_policy(media_origins=[cdn])["DIRECTIVES"]
    assert extended["img-src"] == [*policy["img-src"], cdn]
    assert {k: v for k, v in extended.items() if k != "img-src"} == {
        k: v for k, v in policy.items() if k != "img-src"
    }


# --- Why the strict policy holds: nothing inline, nothing that evals ----------------------------

TEMPLATES = [
    path
    for root in ("interfaces", "domain")
    for path in (settings.APP_DIR / root).rglob("templates/**/*.html")
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_has_an_inline_script_or_style(template):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_STYLE.search(text)


def test_the_inline_detectors_spot_inline_code():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" data-a="b"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert INLINE_STYLE.search('<main style="width: 1px">') and INLINE_STYLE.search("<style>")


WEB_STATIC = settings.APP_DIR / "interfaces" / "web" / "static" / "web"
EVAL = re.compile(r"\b(eval|Function)\(|\bnew Function\b")


@pytest.mark.parametrize("script", sorted(WEB_STATIC.rglob("*.js")), ids=lambda path: path.name)
def test_no_script_of_the_web_pages_evals(script):
    """Vue's full build compiles templates with ``Function(code)``; the runtime-only build and
    the like button's render function do not."""
    assert not EVAL.search(script.read_text(encoding="utf-8"))


def test_the_eval_detector_spots_a_template_compiler():
    assert EVAL.search("s=Function(l)();") and EVAL.search("eval(code)")
    assert not EVAL.search("const render = fn(value);")


def test_the_web_pages_load_vues_runtime_only_build(client, db):
    page = client.get("/").content.decode()

    assert "/static/web/vendor/vue.runtime.global.prod.js" in page
    assert "vue.global.prod.js" not in page.replace("vue.runtime.global.prod.js", "")
    assert not (WEB_STATIC / "vendor" / "vue.global.prod.js").exists()
