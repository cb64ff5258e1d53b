"""GraphQL at /graphql/, spoken as a client would: JSON POSTs, and multipart requests (GraphQL
multipart request spec) for images. Errors are read from ``extensions.code``, never from
message text. Signing in uses the session, which the endpoint accepts like the REST API does."""

import json
import re

from tests.helpers import GRAPHQL_URL, graphql_multipart

from .base import DENIED, INVALID, NOT_FOUND, OK, Adapter, Listing, Outcome, post_summary

POST_FIELDS = """
    id body image thumbnail likeCount liked canEdit createdAt updatedAt
    author { id displayName }
"""

STATUS_BY_CODE = {
    "BAD_USER_INPUT": INVALID,
    "FORBIDDEN": DENIED,
    "UNAUTHENTICATED": DENIED,
    "NOT_FOUND": NOT_FOUND,
}


def snake_case(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def summary(post):
    return post_summary(
        id=post["id"],
        body=post["body"],
        author_id=post["author"] and post["author"]["id"],
        like_count=post["likeCount"],
        liked=post["liked"],
        has_image=post["image"],
        has_thumbnail=post["thumbnail"],
    )


class GraphQLAdapter(Adapter):
    name = "graphql"
    order = 50

    def execute(self, query, variables=None, files=None):
        """Run one operation; ``files`` maps variable names to uploads (multipart request)."""
        if files:
            body = graphql_multipart(query, variables or {}, files)
            response = self.client.post(GRAPHQL_URL, body)
        else:
            operation = {"query": query, "variables": variables or {}}
            response = self.client.post(
                GRAPHQL_URL, json.dumps(operation), content_type="application/json"
            )
        assert response.status_code in (200, 400), response.content
        return response.json()

    def _outcome(self, result, field):
        if result.get("errors"):
            extensions = result["errors"][0].get("extensions", {})
            status = STATUS_BY_CODE[extensions["code"]]
            fields = frozenset(snake_case(name) for name in extensions.get("fields", {}))
            return Outcome(status, errors=fields)
        payload = result["data"][field]
        post = payload.get("post") if payload and "post" in payload else None
        return Outcome(OK, post and summary(post))

    def _mutate_post(self, mutation, post_id):
        result = self.execute(
            f"mutation($id: ID!) {{ {mutation}(id: $id) {{ post {{ {POST_FIELDS} }} }} }}",
            {"id": post_id},
        )
        return self._outcome(result, mutation)

    def list_posts(self, *, page=None, page_size=None, search=None, author=None):
        variables = {"page": page, "pageSize": page_size, "search": search, "author": author}
        variables = {name: value for name, value in variables.items() if value is not None}
        result = self.execute(
            """query($page: Int, $pageSize: Int, $search: String, $author: ID) {
                posts(page: $page, pageSize: $pageSize, search: $search, author: $author) {
                    count page pages hasNext hasPrev posts { %s }
                }
            }""" % POST_FIELDS,
            {name: str(value) if name == "author" else value for name, value in variables.items()},
        )
        assert not result.get("errors"), result
        page_data = result["data"]["posts"]
        return Listing(
            ids=[int(post["id"]) for post in page_data["posts"]],
            count=page_data["count"],
            has_next=page_data["hasNext"],
        )

    def list_with_page_size(self, page_size):
        result = self.execute(
            "query($pageSize: Int) { posts(pageSize: $pageSize) { count } }",
            {"pageSize": page_size},
        )
        outcome = self._outcome(result, "posts")
        outcome.answer = json.dumps(result.get("errors"))
        return outcome

    def get_post(self, post_id):
        result = self.execute(
            f"query($id: ID!) {{ post(id: $id) {{ {POST_FIELDS} }} }}", {"id": post_id}
        )
        if result.get("errors"):
            return self._outcome(result, "post")
        return Outcome(OK, summary(result["data"]["post"]))

    def create_post(self, *, body, image=None):
        query = f"""mutation($body: String!, $image: Upload) {{
            createPost(body: $body, image: $image) {{ post {{ {POST_FIELDS} }} }}
        }}"""
        files = {"image": image} if image is not None else None
        return self._outcome(self.execute(query, {"body": body}, files), "createPost")

    def update_post(self, post_id, *, body):
        result = self.execute(
            f"""mutation($id: ID!, $body: String) {{
                updatePost(id: $id, body: $body) {{ post {{ {POST_FIELDS} }} }}
            }}""",
            {"id": post_id, "body": body},
        )
        return self._outcome(result, "updatePost")

    def update_post_with_nothing(self, post_id):
        result = self.execute(
            f"mutation($id: ID!) {{ updatePost(id: $id) {{ post {{ {POST_FIELDS} }} }} }}",
            {"id": post_id},
        )
        return self._outcome(result, "updatePost")

    def delete_post(self, post_id):
        result = self.execute(
            "mutation($id: ID!) { deletePost(id: $id) { deletedId } }", {"id": post_id}
        )
        return self._outcome(result, "deletePost")

    def like(self, post_id):
        return self._mutate_post("likePost", post_id)

    def sign_up(self, *, email, password):
        result = self.execute(
            "mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { ok } }",
            {"e": email, "p": password},
        )
        outcome = self._outcome(result, "signUp")
        outcome.answer = result
        return outcome

    def unlike(self, post_id):
        return self._mutate_post("unlikePost", post_id)
