"""What users type is shown, never run; and no page loads anything from another host."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from domain.accounts.services import activation_link
from tests.factories import PASSWORD, PostFactory, UserFactory
from tests.helpers import APP_DIR

SCRIPT = '<script>alert("pwned")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"
WEB_APP = APP_DIR / "interfaces" / "web"


def test_script_in_a_post_body_is_escaped_on_list_and_detail(client, flavour, db):
    post = PostFactory.create(body=f"Hi {SCRIPT}")

    for page in (
        reverse(f"{flavour}:post_list"),
        reverse(f"{flavour}:post_detail", args=[post.pk]),
    ):
        content = client.get(page).content.decode()
        assert SCRIPT not in content
        assert ESCAPED in content


def test_script_in_a_display_name_is_escaped_in_posts_nav_and_messages(client, flavour, db):
    author = UserFactory.create(display_name=SCRIPT)
    PostFactory.create(author=author)

    login = client.post(
        reverse("login"), {"username": author.email, "password": PASSWORD}, follow=True
    )
    listing = client.get(reverse(f"{flavour}:post_list"))

    for response in (login, listing):
        content = response.content.decode()
        assert SCRIPT not in content
        assert ESCAPED in content


def test_script_in_a_display_name_is_escaped_on_the_activation_page(client, db):
    user = UserFactory.create(display_name=SCRIPT, inactive=True)

    content = client.get(activation_link(user).removeprefix("http://testserver")).content.decode()

    assert SCRIPT not in content and ESCAPED in content


# --- Nothing from another host ------------------------------------------------------------------


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [(tag, value) for name, value in attrs if name in ("src", "href", "action")]


def external_links(html):
    collector = LinkCollector()
    collector.feed(html)
    return [(tag, link) for tag, link in collector.links if re.match(r"^(\w+:)?//", link or "")]


def test_templates_name_no_other_host():
    templates = list((WEB_APP / "templates").rglob("*.html"))
    assert templates
    for template in templates:
        assert not re.search(r"(https?:)?//[\w.-]+\.\w", template.read_text()), template


@pytest.mark.parametrize(
    "name",
    ["bootstrap.min.css", "bootstrap.bundle.min.js", "vue.runtime.global.prod.js", "axios.min.js"],
)
def test_every_page_asset_is_served_by_the_app(client, db, name):
    content = client.get(reverse("home")).content.decode()

    assert f"/static/web/vendor/{name}" in content
    assert (WEB_APP / "static" / "web" / "vendor" / name).is_file()


def test_stylesheets_load_nothing_from_elsewhere():
    for stylesheet in (WEB_APP / "static").rglob("*.css"):
        for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", stylesheet.read_text()):
            assert target.startswith("data:"), (stylesheet, target)


def test_rendered_pages_link_only_to_this_site(client, flavour, user, post):
    client.force_login(user)
    pages = [
        reverse("home"),
        reverse(f"{flavour}:post_list"),
        reverse(f"{flavour}:post_detail", args=[post.pk]),
        reverse(f"{flavour}:post_new"),
        reverse(f"{flavour}:post_edit", args=[post.pk]),
        reverse(f"{flavour}:post_delete", args=[post.pk]),
        reverse("signup_done"),
        reverse("resend_activation"),
        reverse("activate", args=["x", "y"]),
        "/no/such/page/",
    ]
    for page in pages:
        assert external_links(client.get(page).content.decode()) == [], page
    client.logout()
    for page in (reverse("signup"), reverse("login")):
        assert external_links(client.get(page).content.decode()) == [], page


def test_external_link_detector_spots_cdn_links():
    html = '<script src="https://cdn.example/vue.js"></script><link href="//cdn.example/x.css">'

    assert len(external_links(html)) == 2
