"""The contract spoken as JSON to both DRF flavours, signed in with a JWT like a real API client.

Active users get their token from /api/token/ (so the contract also covers it); an inactive
user cannot, so the adapter mints one with simplejwt and the API must refuse it.
"""

import json

from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import PASSWORD

from .base import DENIED, INVALID, NOT_FOUND, OK, Adapter, Listing, Outcome, post_summary

STATUSES = {400: INVALID, 401: DENIED, 403: DENIED, 404: NOT_FOUND}


def summary(data):
    return post_summary(
        id=data["id"],
        body=data["body"],
        author_id=data["author"] and data["author"]["id"],
        like_count=data["like_count"],
        liked=data["liked"],
        has_image=data["image"],
        has_thumbnail=data["thumbnail"],
    )


class RestAdapter(Adapter):
    prefix = ""

    def __init__(self, client):
        super().__init__(client)
        self.headers = {}

    def sign_in(self, user):
        if user.is_active:
            response = self.client.post(
                "/api/token/",
                {"email": user.email, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            token = response.json()["access"]
        else:
            token = str(AccessToken.for_user(user))
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def _url(self, post_id=None, like=False):
        url = f"{self.prefix}posts/"
        if post_id is not None:
            url += f"{post_id}/"
        return url + ("like/" if like else "")

    def _request(self, method, url, body=None, multipart=False):
        send = getattr(self.client, method)
        if multipart:
            return send(url, body, **self.headers)
        if body is None:
            return send(url, **self.headers)
        return send(url, json.dumps(body), content_type="application/json", **self.headers)

    def _outcome(self, response):
        if response.status_code in (200, 201):
            return Outcome(OK, summary(response.json()))
        if response.status_code == 204:
            return Outcome(OK)
        if response.status_code == 400:
            return Outcome(INVALID, errors=frozenset(response.json()))
        assert response.status_code in STATUSES, (response.status_code, response.content)
        return Outcome(STATUSES[response.status_code])

    def list_posts(self, *, page=None, page_size=None, search=None, author=None):
        params = {"page": page, "page_size": page_size, "search": search, "author": author}
        params = {name: value for name, value in params.items() if value is not None}
        response = self.client.get(self._url(), params, **self.headers)
        assert response.status_code == 200, response.content
        data = response.json()
        return Listing(
            ids=[post["id"] for post in data["results"]],
            count=data["count"],
            has_next=data["next"] is not None,
        )

    def list_with_page_size(self, page_size):
        response = self.client.get(self._url(), {"page_size": page_size}, **self.headers)
        if response.status_code == 200:
            return Outcome(OK)
        outcome = self._outcome(response)
        outcome.answer = response.content.decode()
        return outcome

    def get_post(self, post_id):
        return self._outcome(self._request("get", self._url(post_id)))

    def create_post(self, *, body, image=None):
        if image is None:
            return self._outcome(self._request("post", self._url(), {"body": body}))
        data = {"body": body, "image": image}
        return self._outcome(self._request("post", self._url(), data, multipart=True))

    def update_post(self, post_id, *, body):
        return self._outcome(self._request("patch", self._url(post_id), {"body": body}))

    def update_post_with_nothing(self, post_id):
        return self._outcome(self._request("patch", self._url(post_id), {}))

    def delete_post(self, post_id):
        return self._outcome(self._request("delete", self._url(post_id)))

    def _like(self, method, post_id):
        response = self._request(method, self._url(post_id, like=True))
        if response.status_code != 200:
            return self._outcome(response)
        outcome = self.get_post(post_id)
        outcome.post.update(response.json())
        return outcome

    def like(self, post_id):
        return self._like("post", post_id)

    def sign_up(self, *, email, password):
        response = self._request(
            "post", "/api/auth/signup/", {"email": email, "password": password}
        )
        if response.status_code == 202:
            outcome = Outcome(OK)
        else:
            outcome = self._outcome(response)
        outcome.answer = (response.status_code, response.json())
        return outcome

    def unlike(self, post_id):
        return self._like("delete", post_id)


class DrfFbvAdapter(RestAdapter):
    name = "drf_fbv"
    order = 30
    prefix = "/api/drf/fbv/"


class DrfCbvAdapter(RestAdapter):
    name = "drf_cbv"
    order = 40
    prefix = "/api/drf/cbv/"
