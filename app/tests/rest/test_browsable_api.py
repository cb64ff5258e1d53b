"""The browsable API looks like the rest of μblog: its navbar and vendored Bootstrap 5, nothing
of DRF's stock Bootstrap 3 page, nothing from another host."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import PostFactory


@pytest.fixture
def post(user):
    return PostFactory.create(author=user, body="Browsable")


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
@pytest.mark.parametrize("kind", ["list", "detail"])
def test_browsable_api_pages_wear_the_ublog_look(client, post, flavour, kind):
    client.force_login(post.author)
    url = f"/api/drf/{flavour}/posts/" + (f"{post.pk}/" if kind == "detail" else "")

    response = client.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "rest/browsable_api.html" in [template.name for template in response.templates]
    assert "web/_navbar.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert '<a class="navbar-brand fw-bold" href="/">μblog</a>' in page
    assert f'nav-link active" href="/api/drf/{flavour}/posts/"' in page
    assert "Browsable" in page
    assert "rest_framework/css/bootstrap" not in page
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert "/static/web/vendor/bootstrap.min.css" in assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_browsable_api_offers_the_raw_data_forms_with_labels(client, post):
    client.force_login(post.author)

    page = client.get(f"/api/drf/fbv/posts/{post.pk}/", HTTP_ACCEPT="text/html").content.decode()

    assert 'data-method="PUT"' in page and 'data-method="PATCH"' in page
    assert 'data-bs-target="#delete-modal"' in page
    assert '<label for="id__content" class="form-label">' in page


def test_json_stays_the_default_for_api_clients(client, post):
    response = client.get("/api/drf/fbv/posts/")

    assert response["Content-Type"] == "application/json"
