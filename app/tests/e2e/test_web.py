"""The web pages in a real browser: the Vue like button, an image upload, the signup flow."""

import re

import pytest
from playwright.sync_api import expect

from domain.posts.models import Like, Post
from tests.factories import PASSWORD, PostFactory, UserFactory, image_bytes

pytestmark = pytest.mark.e2e


def log_in(page, site, user):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("[data-signed-in-as]")).to_contain_text(user.display_name)


def natural_width(image):
    """The width of the image the browser actually decoded (0 if it failed to load)."""
    return image.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.onload = img.onerror = () => done(img.naturalWidth); })"
    )


@pytest.mark.parametrize("flavour", ["fbv", "cbv"])
def test_vue_button_likes_without_a_reload_and_the_like_is_kept(page, site, screenshot, flavour):
    user = UserFactory.create(display_name="Ada")
    PostFactory.create_batch(3, author=UserFactory.create(display_name="Linus"))
    PostFactory.create(anonymous=True, body="Anonymous thoughts,\non two lines.")
    post = PostFactory.create(
        author=UserFactory.create(display_name="Grace"), body="Like me, please."
    )
    log_in(page, site, user)

    page.goto(f"{site}/mtv/{flavour}/posts/")
    card = page.locator(f"#post-{post.pk}")
    button = card.locator(".like-button[data-enhanced=vue]")
    expect(button.locator(".like-count")).to_have_text("0")
    if flavour == "fbv":
        screenshot("list")
    page.evaluate("window.notReloaded = true")

    button.get_by_role("button", name="Like").click()

    expect(button.locator(".like-count")).to_have_text("1")
    expect(button.get_by_role("button", name="Liked")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True
    assert Like.objects.filter(user=user, post=post).exists()

    page.reload()
    button = page.locator(f"#post-{post.pk} .like-button[data-enhanced=vue]")
    expect(button.locator(".like-count")).to_have_text("1")
    expect(button.get_by_role("button", name="Liked")).to_be_visible()

    button.get_by_role("button", name="Liked").click()
    expect(button.locator(".like-count")).to_have_text("0")
    assert not Like.objects.filter(user=user, post=post).exists()


def test_like_button_works_as_a_plain_form_without_javascript(browser, site, user):
    post = PostFactory.create(body="No scripts here.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, site, user)
    page.goto(f"{site}/mtv/cbv/posts/{post.pk}/")
    card = page.locator(f"#post-{post.pk}")
    expect(card.locator(".like-button")).not_to_have_attribute("data-enhanced", "vue")

    card.get_by_role("button", name="Like").click()

    expect(page.locator(".alert-success")).to_have_text(re.compile("You like this post"))
    expect(card.locator(".like-count")).to_have_text("1")
    assert Like.objects.filter(user=user, post=post).exists()
    context.close()


def test_post_with_an_image_shows_its_thumbnail(page, site, screenshot, user):
    log_in(page, site, user)
    page.goto(f"{site}/mtv/fbv/posts/new/")

    page.get_by_label("Body").fill("A teal square, for the record.")
    page.get_by_label("Image").set_input_files(
        {"name": "square.png", "mimeType": "image/png", "buffer": image_bytes(size=(640, 480))}
    )
    page.get_by_role("button", name="Publish").click()

    expect(page.locator(".alert-success")).to_have_text(re.compile("Your post is published"))
    post = Post.objects.get()
    assert post.thumbnail
    image = page.locator("img.post-image")
    expect(image).to_be_visible()
    assert natural_width(image) == 640
    screenshot("detail")

    page.get_by_role("link", name="All posts").click()
    thumbnail = page.locator(f"#post-{post.pk} img.post-thumbnail")
    expect(thumbnail).to_have_attribute("src", re.compile("/media/posts/thumbnails/"))
    thumbnail.scroll_into_view_if_needed()
    assert natural_width(thumbnail) == 320


@pytest.mark.stack
def test_signup_activate_and_log_in(page, site, screenshot, new_email, read_activation_link):
    page.goto(f"{site}/accounts/signup/")
    screenshot("signup")
    page.get_by_label("Email").fill(new_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Display name").fill("Newcomer")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = read_activation_link(new_email)
    page.goto(site + link[link.index("/accounts/") :])
    expect(page.get_by_role("heading", name="Your account is active")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Email").fill(new_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("[data-signed-in-as]")).to_contain_text("Newcomer")


def test_like_buttons_far_below_the_screen_are_enhanced_when_scrolled_to(page, site):
    posts = PostFactory.create_batch(20)  # one page, newest first: posts[0] is at the bottom
    page.goto(f"{site}/mtv/fbv/posts/")
    newest = page.locator(f"#post-{posts[-1].pk} .like-button")
    oldest = page.locator(f"#post-{posts[0].pk} .like-button")

    expect(newest).to_have_attribute("data-enhanced", "vue")
    expect(oldest).not_to_have_attribute("data-enhanced", "vue")
    oldest.scroll_into_view_if_needed()
    expect(oldest).to_have_attribute("data-enhanced", "vue")
