"""How the web pages stay cheap to render (docs/performance.md): links without a reverse() per
link, and post cards rendered once per version of a post, with the per-request parts filled in."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from domain.posts import services
from interfaces.fragments import fragments
from interfaces.web.templatetags.web import _static_url, fast_reverse
from tests.factories import PostFactory


@pytest.mark.parametrize(
    "name, args",
    [("fbv:post_list", ()), ("cbv:post_detail", (42,)), ("fbv:post_like", (7,)), ("login", ())],
)
def test_fast_reverse_agrees_with_reverse(name, args):
    assert fast_reverse(name, args) == reverse(name, args=args)


def test_fast_reverse_hands_other_arguments_to_reverse():
    assert fast_reverse("cbv:post_detail", ("42",)) == "/mtv/cbv/posts/42/"


STATIC_FILES = ["web/ublog.css", "web/vendor/bootstrap.min.css", "web/like-button.js"]


def render(text):
    return Template(text).render(Context())


@pytest.mark.parametrize("path", STATIC_FILES)
def test_static_url_agrees_with_static(path):
    tags = f"{{% load static web %}}{{% static '{path}' %}}|{{% static_url '{path}' %}}"
    static, fast = render(tags).split("|")

    assert fast == static and path in fast


def test_static_url_follows_a_changed_setting(settings):
    before = render("{% load web %}{% static_url 'web/ublog.css' %}")

    settings.STATIC_URL = "/assets/"

    assert before.startswith("/static/")
    assert render("{% load web %}{% static_url 'web/ublog.css' %}").startswith("/assets/")


def test_settings_that_leave_static_urls_alone_keep_them_cached(settings):
    render("{% load web %}{% static_url 'web/ublog.css' %}")
    hits = _static_url.cache_info().hits

    settings.GRAPHQL_MAX_DEPTH = 3
    render("{% load web %}{% static_url 'web/ublog.css' %}")

    assert _static_url.cache_info().hits == hits + 1


def card_of(response, post):
    html = response.content.decode()
    start = html.index(f'id="post-{post.pk}"')
    return html[start : html.index("</article>", start)]


def without_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)


def fragment_count():
    return len(fragments)


def test_a_card_is_rendered_once_then_served_from_the_fragments_cache(client, flavour, post):
    path = reverse(f"{flavour}:post_list")
    first = card_of(client.get(path), post)
    cached = fragment_count()

    second = card_of(client.get(path), post)

    assert cached == 1
    assert fragment_count() == 1
    # The same card but for the CSRF token, which Django masks anew on every request.
    assert without_token(second) == without_token(first)
    assert second != first


def test_a_like_or_an_edit_shows_at_once(client, flavour, user, post):
    client.force_login(user)
    path = reverse(f"{flavour}:post_detail", args=[post.pk])
    client.get(path)

    services.post_like(post=post, user=user)
    liked = card_of(client.get(path), post)
    services.post_update(post=post, actor=user, body="Edited since")
    edited = card_of(client.get(path), post)

    assert 'data-like-count="1" data-liked="true"' in liked
    assert "Edited since" in edited


def test_each_viewer_sees_their_own_state_and_token(client, flavour, user, other_user, post):
    services.post_like(post=post, user=other_user)
    path = reverse(f"{flavour}:post_list")
    client.force_login(user)
    mine = card_of(client.get(path), post)
    token = client.cookies["csrftoken"].value
    client.force_login(other_user)
    theirs = card_of(client.get(path), post)

    assert 'data-liked="false"' in mine and ">Edit</a>" in mine
    assert 'data-liked="true"' in theirs and ">Edit</a>" not in theirs
    assert "csrfmiddlewaretoken" in mine and "<ublog-slot" not in mine + theirs
    assert token not in theirs


def test_slots_and_the_page_path_are_filled_escaped(client, flavour, db):
    post = PostFactory.create(body="<ublog-slot csrf> stays text")
    path = reverse(f"{flavour}:post_list")

    card = card_of(client.get(path, {"search": "slot", "x": '"&<'}), post)

    assert "&lt;ublog-slot csrf&gt; stays text" in card
    assert "just now</time>" in card
    assert f'name="next" value="{path}?search=slot&amp;x=%22%26%3C#post-{post.pk}"' in card
    assert f"?next={path}%3Fsearch%3Dslot%26x%3D%2522%2526%253C" in card
