"""The bench's steps that run inside μblog's Django, started by run.py with the app directory as
working directory and the bench's settings in the environment:

    python inprocess.py seed SIZE          # fill the (empty, migrated) database, print facts
    python inprocess.py probe PLAN.json    # per endpoint: SQL queries and in-process time

Seeding is bulk SQL, deterministic (the same SIZE gives the same rows on every run): 200 users,
every tenth post anonymous, about five likes per post, and the bench user (the first) liking
every third post so that signed-in pages show liked posts. It talks to the tables, not to the
services, so it also seeds an older checkout of μblog for a before/after comparison.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django

if TYPE_CHECKING:
    from django.http.response import HttpResponseBase

USERS = 200
BENCH_EMAIL = "bench-000@example.com"
BENCH_PASSWORD = "bench-password-not-secret"
# The search word is in one post in forty, and the bench author (the second user) writes one post
# in forty: at every size both filters fill a page (25 posts at 1,000), so 1k and 100k compare
# pages of the same 20 posts, not 5 against 20.
SEARCH_WORD = "zephyr"
FILTERED_ONE_IN = 40
WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu coffee tea "
    "river mountain city garden music morning evening window street bridge cloud harbour"
).split()

# Post g (1..size) is g minutes after 2026-01-01, so newest first is g descending; its author is
# one of the users (none for every tenth, the bench author for one in FILTERED_ONE_IN) and its
# body four words of WORDS and its number (and the search word in one in FILTERED_ONE_IN).
INSERT_POSTS = """
INSERT INTO posts_post (author_id, body, image, thumbnail, like_count, created_at, updated_at)
SELECT CASE WHEN g %% 10 = 0 THEN NULL WHEN g %% %(one_in)s = 5 THEN u[2]
            ELSE u[(g * 7) %% cardinality(u) + 1] END,
       initcap(w[(g * 3) %% n + 1]) || ' ' || w[(g * 7 + 1) %% n + 1] || ' '
       || w[(g * 11 + 2) %% n + 1] || ' ' || w[(g * 13 + 5) %% n + 1]
       || CASE WHEN g %% %(one_in)s = 20 THEN ' ' || %(word)s ELSE '' END
       || ', post number ' || g || '.',
       '', '', 0, ts, ts
FROM generate_series(1, %(size)s) AS g,
     LATERAL (SELECT %(users)s::bigint[] AS u, %(words)s::text[] AS w,
                     cardinality(%(words)s::text[]) AS n,
                     timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' AS ts) c
"""
# g mod 11 likes on post g (five on average) from distinct users (17 and 200 are coprime), and
# the bench user's like on every third post.
INSERT_LIKES = """
WITH numbered AS (
    SELECT id, created_at, row_number() OVER (ORDER BY id) AS g FROM posts_post
)
INSERT INTO posts_like (user_id, post_id, created_at)
SELECT (%(users)s::bigint[])[(p.g * 13 + j * 17) %% 200 + 1], p.id, p.created_at
FROM numbered p CROSS JOIN LATERAL generate_series(0, (p.g %% 11)::int - 1) AS j
UNION
SELECT %(bench)s, p.id, p.created_at FROM numbered p WHERE p.g %% 3 = 0
"""


def seed(size: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    User = get_user_model()
    password = make_password(BENCH_PASSWORD)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"bench-{number:03}@example.com",
                display_name=f"Bencher {number}",
                password=password,
                is_active=True,
            )
            for number in range(USERS)
        )
        user_ids = [user.pk for user in users]
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_POSTS,
                {
                    "users": user_ids,
                    "words": WORDS,
                    "word": SEARCH_WORD,
                    "one_in": FILTERED_ONE_IN,
                    "size": size,
                },
            )
            cursor.execute(INSERT_LIKES, {"users": user_ids, "bench": user_ids[0]})
            cursor.execute("""
                UPDATE posts_post SET like_count = likes.n
                FROM (SELECT post_id, count(*) AS n FROM posts_like GROUP BY post_id) likes
                WHERE posts_post.id = likes.post_id
                """)
    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as a long-running database would have.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM posts_like")
        likes = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM posts_post ORDER BY created_at DESC, id DESC LIMIT 1")
        newest = cursor.fetchone()[0]
    _forget_cached_counts()
    return {
        "posts": size,
        "users": USERS,
        "likes": likes,
        "newest_post_id": newest,
        "author_id": user_ids[1],
        "search": SEARCH_WORD,
    }


def _forget_cached_counts() -> None:
    """Bulk SQL bypasses the services, so a count cached for an earlier seed is stale."""
    try:
        from domain.posts.selectors import post_count_forget
    except ImportError:  # a checkout from before the maintained count has nothing cached
        return
    post_count_forget()


def credentials() -> dict[str, str]:
    """A session key (web) and a JWT access token (REST, GraphQL) for the bench user."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    user = get_user_model().objects.get(email=BENCH_EMAIL)
    client = Client()
    client.force_login(user)
    client.get("/healthz")
    return {
        "sessionid": client.cookies["sessionid"].value,
        "access": str(RefreshToken.for_user(user).access_token),
    }


def probe(plan: list[dict[str, Any]], repeat: int) -> dict[str, dict[str, Any]]:
    """Per endpoint of ``plan``: status, SQL statements and the in-process time (median of
    ``repeat`` requests through the test client, after a warm-up request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results: dict[str, dict[str, Any]] = {}
    for endpoint in plan:
        client = Client(HTTP_HOST="127.0.0.1")
        headers = endpoint.get("headers", {})
        extra = {
            f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
        }
        if "Cookie" in headers:
            for part in headers["Cookie"].split("; "):
                name, value = part.split("=", 1)
                client.cookies[name] = value
            extra.pop("HTTP_COOKIE")

        def request() -> HttpResponseBase:
            if endpoint["method"] == "POST":
                return client.post(
                    endpoint["path"],
                    data=endpoint["body"],
                    content_type="application/json",
                    **extra,
                )
            return client.get(endpoint["path"], **extra)

        request()
        with CaptureQueriesContext(connection) as queries:
            response = request()
        # Read now: the next request empties the connection's query log.
        sql = [query["sql"] for query in queries.captured_queries]
        timings: list[float] = []
        for _ in range(repeat):
            started = time.perf_counter()
            request()
            timings.append((time.perf_counter() - started) * 1000)
        results[endpoint["key"]] = {
            "status": response.status_code,
            "queries": len(sql),
            "sql": sql,
            "inprocess_ms": statistics.median(timings),
        }
    return results


def main(argv: list[str]) -> None:
    # Run as a script from the app directory, which holds the ``config`` package.
    sys.path.insert(0, os.getcwd())
    django.setup()
    if argv[0] == "seed":
        facts = seed(int(argv[1]))
        facts.update(credentials())
        print(json.dumps(facts))
    else:
        plan = json.loads(Path(argv[1]).read_text())
        print(json.dumps(probe(plan, int(argv[2]))))


if __name__ == "__main__":
    main(sys.argv[1:])
