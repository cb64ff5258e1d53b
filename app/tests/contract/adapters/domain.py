"""The baseline: the contract spoken straight to the service layer, with no interface between.
When a behaviour fails here, the rule itself is wrong; when it fails only elsewhere, an
interface mistranslates it."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from domain.accounts.services import user_signup
from domain.posts import selectors, services
from domain.posts.models import Post

from .base import DENIED, INVALID, NOT_FOUND, OK, Adapter, Listing, Outcome, post_summary


def summary(post):
    return post_summary(
        id=post.pk,
        body=post.body,
        author_id=post.author_id,
        like_count=post.like_count,
        liked=post.liked,
        has_image=post.image,
        has_thumbnail=post.thumbnail,
    )


class DomainAdapter(Adapter):
    name = "domain"
    order = 0

    def __init__(self, client):
        super().__init__(client)
        self.user = AnonymousUser()

    def sign_in(self, user):
        self.user = user

    def _call(self, operation):
        try:
            post = operation()
        except Post.DoesNotExist:
            return Outcome(NOT_FOUND)
        except PermissionDenied:
            return Outcome(DENIED)
        except ValidationError as error:
            return Outcome(INVALID, errors=frozenset(error.message_dict))
        return Outcome(OK, post and summary(post))

    def _post(self, post_id):
        return selectors.post_get(post_id=post_id, viewer=self.user)

    def list_posts(self, *, page=None, page_size=None, search=None, author=None):
        page = selectors.post_page(
            viewer=self.user,
            page=page or 1,
            page_size=page_size,
            search=search,
            author=author,
        )
        return Listing(
            ids=[post.pk for post in page.posts], count=page.count, has_next=page.has_next
        )

    def list_with_page_size(self, page_size):
        try:
            selectors.post_page(viewer=self.user, page_size=page_size)
        except ValidationError as error:
            return Outcome(INVALID, errors=frozenset(error.message_dict), answer=str(error))
        return Outcome(OK)

    def get_post(self, post_id):
        return self._call(lambda: self._post(post_id))

    def create_post(self, *, body, image=None):
        return self._call(lambda: services.post_create(author=self.user, body=body, image=image))

    def update_post(self, post_id, *, body):
        return self._call(
            lambda: services.post_update(post=self._post(post_id), actor=self.user, body=body)
        )

    def update_post_with_nothing(self, post_id):
        return self._call(lambda: services.post_update(post=self._post(post_id), actor=self.user))

    def delete_post(self, post_id):
        return self._call(lambda: services.post_delete(post=self._post(post_id), actor=self.user))

    def like(self, post_id):
        return self._call(lambda: services.post_like(post=self._post(post_id), user=self.user))

    def sign_up(self, *, email, password):
        # The domain returns the new account or None; no interface may show which.
        return self._call(lambda: user_signup(email=email, password=password) and None)

    def unlike(self, post_id):
        return self._call(lambda: services.post_unlike(post=self._post(post_id), user=self.user))
