"""Redis down: the throttles cannot count, so they let requests through (fail open, logged)
instead of answering 500. The cache is the production one (``redis_cache``), pointed at a port
where nothing listens (the ``redis_down`` fixture)."""

from tests.factories import PASSWORD


def test_token_signup_and_anonymous_post_answer_normally(api_client, user, redis_down):
    token = api_client.post("/api/token/", {"email": user.email, "password": PASSWORD})
    signup = api_client.post(
        "/api/auth/signup/", {"email": "outage@example.com", "password": PASSWORD}
    )
    post = api_client.post("/api/drf/cbv/posts/", {"body": "Redis is down"})

    assert (token.status_code, signup.status_code, post.status_code) == (200, 202, 201)
    assert "access" in token.json()
    assert any(record.name == "django_redis.cache" for record in redis_down.records)


def test_a_list_counts_its_posts_itself(api_client, post, redis_down):
    """The cached count's one read (a multiple read) is answered empty, so the list counts."""
    listed = api_client.get("/api/drf/cbv/posts/")

    assert listed.status_code == 200
    assert (listed.json()["count"], listed.json()["results"][0]["id"]) == (1, post.pk)
    assert any(record.name == "django_redis.cache" for record in redis_down.records)
