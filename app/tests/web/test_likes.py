"""The like endpoints of both flavours: a plain form POST (no JavaScript) and the Vue button's
AJAX call, which must pass Django's CSRF check like any other POST."""

import re

from django.test import Client
from django.urls import reverse

from domain.posts.models import Like
from tests.factories import LikeFactory


def url(flavour, name, *args):
    return reverse(f"{flavour}:{name}", args=args)


def test_form_like_without_javascript_redirects_back_with_a_message(client, flavour, user, post):
    client.force_login(user)
    back = url(flavour, "post_list") + "?page=1"

    response = client.post(url(flavour, "post_like", post.pk), {"next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert [str(m) for m in response.context["messages"]] == ["You like this post."]
    assert Like.objects.filter(user=user, post=post).exists()


def test_liked_post_offers_an_unlike_form(client, flavour, user, post):
    LikeFactory.create(user=user, post=post)
    client.force_login(user)

    content = client.get(url(flavour, "post_detail", post.pk)).content.decode()

    assert f'action="{url(flavour, "post_unlike", post.pk)}"' in content
    assert 'data-liked="true"' in content


def test_form_unlike_takes_the_like_back(client, flavour, user, post):
    LikeFactory.create(user=user, post=post)
    client.force_login(user)

    response = client.post(url(flavour, "post_unlike", post.pk), follow=True)

    assert response.redirect_chain == [(url(flavour, "post_detail", post.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Like taken back."]
    assert not Like.objects.exists()


def test_form_like_never_redirects_off_site(client, flavour, user, post):
    client.force_login(user)

    response = client.post(url(flavour, "post_like", post.pk), {"next": "https://evil.example/"})

    assert response.url == url(flavour, "post_detail", post.pk)


def test_visitor_liking_by_form_is_sent_to_log_in_and_back_to_the_post(client, flavour, post):
    response = client.post(url(flavour, "post_like", post.pk))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(flavour, 'post_detail', post.pk)}"
    assert not Like.objects.exists()


def test_visitor_liking_by_ajax_gets_a_json_403(client, flavour, post):
    response = client.post(
        url(flavour, "post_like", post.pk), headers={"X-Requested-With": "XMLHttpRequest"}
    )

    assert response.status_code == 403
    assert "detail" in response.json()


def test_ajax_like_needs_the_csrf_token(flavour, user, post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        url(flavour, "post_like", post.pk), headers={"Accept": "application/json"}
    )

    assert response.status_code == 403
    assert not Like.objects.exists()


def test_ajax_like_with_the_pages_csrf_token_answers_count_and_state(flavour, user, post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(url(flavour, "post_detail", post.pk)).content.decode()
    # Where like-button.js takes it from: the hidden input of the form it replaces.
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    token = match.group(1)
    headers = {"Accept": "application/json", "X-CSRFToken": token}

    liked = client.post(url(flavour, "post_like", post.pk), headers=headers)
    unliked = client.post(url(flavour, "post_unlike", post.pk), headers=headers)

    assert liked.json() == {"like_count": 1, "liked": True}
    assert unliked.json() == {"like_count": 0, "liked": False}


def test_like_of_unknown_post_is_404(client, flavour, user):
    client.force_login(user)

    assert client.post(url(flavour, "post_like", 987654)).status_code == 404
