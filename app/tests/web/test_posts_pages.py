"""The post pages of both flavours: what the contract suite can't see (pages, links, messages,
status codes of bad input). Each test runs for /mtv/fbv/ and /mtv/cbv/ (the ``flavour`` fixture).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.posts.models import Post
from domain.posts.permissions import NOT_YOUR_POST
from tests.factories import PostFactory, image_upload, text_upload
from tests.helpers import messages_of


def url(flavour, name, *args):
    return reverse(f"{flavour}:{name}", args=args)


# --- List ---------------------------------------------------------------------------------------


def test_list_shows_posts_with_their_author_and_a_new_post_button(client, flavour, post):
    content = client.get(url(flavour, "post_list")).content.decode()

    assert post.body in content and post.author.display_name in content
    assert f'href="{url(flavour, "post_new")}"' in content


def test_list_links_stay_in_their_flavour(client, flavour, post):
    content = client.get(url(flavour, "post_list")).content.decode()

    assert f'href="{url(flavour, "post_detail", post.pk)}"' in content
    assert f'action="{url(flavour, "post_like", post.pk)}"' in content


def test_list_tells_the_age_of_posts_in_one_unit(client, flavour, db):
    PostFactory.create(body="fresh")
    old = PostFactory.create(body="old")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3, hours=5))

    content = client.get(url(flavour, "post_list")).content.decode()

    assert ">just now</time>" in content and ">3\xa0days ago</time>" in content


def test_empty_list_invites_the_first_post(client, flavour, db):
    assert b"Write the first one" in client.get(url(flavour, "post_list")).content


def test_search_box_keeps_the_search_and_pages_keep_it_too(client, flavour, db):
    PostFactory.create_batch(3, body="needle in a haystack")

    response = client.get(url(flavour, "post_list"), {"search": "needle", "page_size": 2})

    content = response.content.decode()
    assert 'value="needle"' in content
    assert "3 posts" in content and "containing “needle”" in content
    assert 'href="?search=needle&amp;page_size=2&amp;page=2"' in content
    assert "Page 1 of 2" in content


def test_second_page_links_back_to_newer_posts(client, flavour, db):
    PostFactory.create_batch(3)

    content = client.get(url(flavour, "post_list"), {"page": 2, "page_size": 2}).content.decode()

    assert 'href="?page=1&amp;page_size=2" rel="prev"' in content
    assert "Page 2 of 2" in content


def test_author_filter_names_the_author(client, flavour, post):
    PostFactory.create()

    response = client.get(url(flavour, "post_list"), {"author": post.author_id})

    assert [p.pk for p in response.context["posts"]] == [post.pk]
    assert f"by {post.author.display_name}" in response.content.decode()


def test_author_filter_without_posts_still_reads_well(client, flavour, user):
    response = client.get(url(flavour, "post_list"), {"author": user.pk})

    assert "0 posts" in response.content.decode() and "by this author" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "0"},
        {"page_size": "abc"},
        {"page_size": "0"},
        {"author": "abc"},
        {"author": "1.5"},
    ],
)
def test_bad_list_parameters_get_a_clear_400_never_a_500(client, flavour, post, query):
    response = client.get(url(flavour, "post_list"), query)

    assert response.status_code == 400
    assert response.context["query_errors"]
    assert b"Show the newest posts" in response.content


def test_list_refuses_page_size_over_100(client, flavour, post):
    response = client.get(url(flavour, "post_list"), {"page_size": "101"})

    assert response.status_code == 400
    assert "Choose a whole number between 1 and 100." in response.content.decode()


def test_list_is_get_only(client, flavour, db):
    assert client.post(url(flavour, "post_list")).status_code == 405


# --- Detail -------------------------------------------------------------------------------------


def test_detail_shows_the_full_image(client, flavour, user):
    post = PostFactory.create(author=user, image=image_upload())

    content = client.get(url(flavour, "post_detail", post.pk)).content.decode()

    assert f'src="{post.image.url}"' in content


def test_detail_of_unknown_post_is_404(client, flavour, db):
    assert client.get(url(flavour, "post_detail", 987654)).status_code == 404


# --- Create -------------------------------------------------------------------------------------


def test_new_post_form_tells_visitors_their_post_is_anonymous(client, flavour, db):
    response = client.get(url(flavour, "post_new"))

    assert response.status_code == 200
    assert b"this post will be anonymous" in response.content


def test_new_post_redirects_to_it_with_a_flash_message(client, flavour, user):
    client.force_login(user)

    response = client.post(url(flavour, "post_new"), {"body": "Hello"}, follow=True)

    post = Post.objects.get()
    assert response.redirect_chain == [(url(flavour, "post_detail", post.pk), 302)]
    assert messages_of(response) == ["Your post is published."]


def test_new_post_with_image_shows_its_thumbnail_in_the_list(
    client, flavour, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(flavour, "post_new"), {"body": "Look", "image": image_upload()})

    post = Post.objects.get()
    content = client.get(url(flavour, "post_list")).content.decode()
    assert post.thumbnail and f'src="{post.thumbnail.url}"' in content


def test_list_shows_the_image_itself_while_the_thumbnail_is_not_ready(client, flavour, user):
    post = PostFactory.create(author=user, image=image_upload())

    content = client.get(url(flavour, "post_list")).content.decode()

    assert f'src="{post.image.url}"' in content


def test_empty_submission_shows_the_domains_message(client, flavour, db):
    response = client.post(url(flavour, "post_new"), {})

    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["Write something: a post cannot be blank."]


def test_upload_that_is_not_an_image_is_a_form_error(client, flavour, db):
    response = client.post(url(flavour, "post_new"), {"body": "x", "image": text_upload()})

    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    assert not Post.objects.exists()


# --- Edit ---------------------------------------------------------------------------------------


def test_owner_sees_edit_and_delete_links_and_others_do_not(client, flavour, post, other_user):
    edit = f'href="{url(flavour, "post_edit", post.pk)}"'.encode()
    detail = url(flavour, "post_detail", post.pk)
    client.force_login(post.author)
    assert edit in client.get(detail).content

    client.force_login(other_user)
    assert edit not in client.get(detail).content

    client.logout()
    assert edit not in client.get(detail).content


def test_staff_sees_edit_links_on_anonymous_posts(client, flavour, staff_user):
    post = PostFactory.create(anonymous=True)
    client.force_login(staff_user)

    content = client.get(url(flavour, "post_list")).content

    assert f'href="{url(flavour, "post_edit", post.pk)}"'.encode() in content


def test_edit_form_is_filled_with_the_post(client, flavour, post):
    client.force_login(post.author)

    response = client.get(url(flavour, "post_edit", post.pk))

    assert response.status_code == 200
    assert response.context["form"]["body"].value() == post.body


def test_edit_saves_and_flashes(client, flavour, post):
    client.force_login(post.author)

    response = client.post(url(flavour, "post_edit", post.pk), {"body": "New"}, follow=True)

    post.refresh_from_db()
    assert post.body == "New"
    assert messages_of(response) == ["Your post is updated."]


def test_edit_can_remove_the_image(client, flavour, user):
    post = PostFactory.create(author=user, image=image_upload())
    client.force_login(user)
    assert b"Remove the current image" in client.get(url(flavour, "post_edit", post.pk)).content

    client.post(url(flavour, "post_edit", post.pk), {"body": "x", "remove_image": "on"})

    post.refresh_from_db()
    assert not post.image


def test_edit_with_a_bad_image_keeps_the_post(client, flavour, post):
    client.force_login(post.author)

    response = client.post(
        url(flavour, "post_edit", post.pk), {"body": "Changed", "image": text_upload()}
    )

    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    post.refresh_from_db()
    assert post.body != "Changed"


def test_other_user_gets_the_403_page_on_edit(client, flavour, post, other_user):
    client.force_login(other_user)

    response = client.get(url(flavour, "post_edit", post.pk))

    assert response.status_code == 403
    assert b"Not allowed" in response.content


@pytest.mark.parametrize("page", ["post_edit", "post_delete"])
def test_both_flavours_refuse_with_the_domains_one_message(
    client, flavour, post, other_user, page
):
    client.force_login(other_user)

    response = client.get(url(flavour, page, post.pk))

    assert NOT_YOUR_POST in response.content.decode()


def test_an_empty_post_to_the_edit_page_is_a_form_error(client, flavour, post):
    client.force_login(post.author)

    response = client.post(url(flavour, "post_edit", post.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["body"]


def test_visitor_is_sent_to_log_in_to_edit(client, flavour, post):
    edit = url(flavour, "post_edit", post.pk)

    response = client.get(edit)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={edit}"


def test_edit_of_unknown_post_is_404(client, flavour, user):
    client.force_login(user)

    assert client.get(url(flavour, "post_edit", 987654)).status_code == 404


# --- Delete -------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(client, flavour, post):
    client.force_login(post.author)

    response = client.get(url(flavour, "post_delete", post.pk))

    assert response.status_code == 200
    assert b"Delete this post?" in response.content
    assert Post.objects.filter(pk=post.pk).exists()


def test_delete_removes_the_post_and_its_image_and_flashes(
    client, flavour, user, django_capture_on_commit_callbacks
):
    post = PostFactory.create(author=user, image=image_upload())
    storage, name = post.image.storage, str(post.image.name)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(flavour, "post_delete", post.pk), follow=True)

    assert response.redirect_chain == [(url(flavour, "post_list"), 302)]
    assert messages_of(response) == ["Your post is deleted."]
    assert not Post.objects.exists() and not storage.exists(name)


def test_other_user_gets_the_403_page_on_delete(client, flavour, post, other_user):
    client.force_login(other_user)

    assert client.get(url(flavour, "post_delete", post.pk)).status_code == 403
    assert client.post(url(flavour, "post_delete", post.pk)).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_wrong_methods_are_405(client, flavour, post):
    client.force_login(post.author)

    assert client.put(url(flavour, "post_edit", post.pk)).status_code == 405
    assert client.put(url(flavour, "post_new")).status_code == 405
    assert client.get(url(flavour, "post_like", post.pk)).status_code == 405
    assert client.delete(url(flavour, "post_detail", post.pk)).status_code == 405


def test_http_delete_does_not_bypass_the_confirmation_form(client, flavour, post):
    client.force_login(post.author)

    assert client.delete(url(flavour, "post_delete", post.pk)).status_code == 405
    assert Post.objects.filter(pk=post.pk).exists()
