"""Each attack of issue 13, over HTTP against gunicorn with the production settings, asserting
the refusal (`nox -s abuse`). The unit tests in tests/security/ cover the same code paths."""

import secrets

import pytest

from domain.demo import DEMO_EMAIL as EMAIL

pytestmark = pytest.mark.abuse

STRONG = "correct horse battery staple 42"


def new_email():
    return f"abuse-{secrets.token_hex(6)}@example.com"


def test_a_new_x_forwarded_for_per_request_does_not_bypass_the_signup_throttle(http):
    statuses = [
        http.post(
            "/api/auth/signup/",
            json={"email": new_email(), "password": STRONG},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(8)
    ]

    assert statuses == [202] * 5 + [429] * 3


def test_a_new_x_forwarded_for_per_request_does_not_bypass_the_token_throttle(http):
    statuses = [
        http.post(
            "/api/token/",
            json={"email": f"nobody{n}@example.com", "password": "x"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(7)
    ]

    # The token throttle and the login lockout both stop it by the fifth guess.
    assert statuses[:4] == [401] * 4
    assert set(statuses[5:]) == {429}


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_password_guessing_on_the_login_pages_is_locked_out(http, url):
    statuses = [
        http.form(url, {"username": EMAIL, "password": f"guess-{n}"}).status_code for n in range(7)
    ]

    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}


@pytest.mark.parametrize(
    ("url", "data", "budget"),
    [
        ("/accounts/signup/", lambda: {"email": new_email(), "password": STRONG}, 5),
        ("/accounts/activate/resend/", lambda: {"email": new_email()}, 3),
        ("/mtv/fbv/posts/new/", lambda: {"body": "flood"}, 5),
        ("/mtv/cbv/posts/new/", lambda: {"body": "flood"}, 5),
    ],
    ids=["signup", "resend-activation", "anonymous-post-fbv", "anonymous-post-cbv"],
)
def test_web_floods_are_throttled(http, url, data, budget):
    statuses = [http.form(url, data()).status_code for _ in range(budget + 2)]

    assert statuses == [302] * budget + [429, 429]


def test_a_thousand_aliased_pages_are_refused_before_running(http):
    query = "{ %s }" % " ".join(
        f"a{n}: posts(pageSize: 100) {{ posts {{ id }} }}" for n in range(1000)
    )

    response = http.graphql(query)

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert (
        response.elapsed.total_seconds() < 5
    )  # refused, not run: a sanity bound, not a benchmark


def test_a_huge_graphql_body_is_refused(http):
    response = http.post(
        "/graphql/", data="{" + " " * 200_000 + "}", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413


def test_aliased_token_auth_mutations_each_count(http):
    fields = " ".join(
        f'a{n}: tokenAuth(email: "{EMAIL}", password: "wrong-{n}") {{ access }}' for n in range(8)
    )

    codes = [
        e["extensions"]["code"] for e in http.graphql(f"mutation {{ {fields} }}").json()["errors"]
    ]

    # At most the token budget (5) of password checks ran; then the throttle or the lockout.
    assert "THROTTLED" in codes
    assert codes.count("UNAUTHENTICATED") <= 5


@pytest.mark.parametrize(
    "url",
    [
        "/api/token/",
        "/api/token/refresh/",
        "/api/auth/signup/",
        "/api/auth/activate/",
        "/api/drf/fbv/posts/",
        "/api/drf/cbv/posts/",
        "/graphql/",
    ],
)
def test_deeply_nested_json_is_a_4xx(http, url):
    response = http.post(url, data="[" * 100_000, headers={"Content-Type": "application/json"})

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($s: String) { posts(search: $s) { count } }", {"s": "\ud800"}),
        ("mutation($b: String!) { createPost(body: $b) { post { id } } }", {"b": "\ud800"}),
        (
            'mutation($e: String!) { signUp(email: $e, password: "%s") { ok } }' % STRONG,
            {"e": "\ud800@example.com"},
        ),
    ],
    ids=["posts-search", "create-post", "sign-up"],
)
def test_a_lone_surrogate_is_bad_user_input(http, query, variables):
    response = http.graphql(query, variables)

    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_signup_does_not_tell_whether_an_account_exists(http):
    taken = http.post("/api/auth/signup/", json={"email": EMAIL, "password": STRONG})
    new = http.post("/api/auth/signup/", json={"email": new_email(), "password": STRONG})

    assert (
        (taken.status_code, taken.json())
        == (new.status_code, new.json())
        == (
            202,
            {"detail": "Check your email for a link to finish signing up."},
        )
    )


def test_ids_in_non_ascii_digits_name_no_post(http):
    assert http.get("/api/drf/fbv/posts/\u0663/").status_code == 404
    result = http.graphql('{ post(id: "\u0663") { id } }').json()
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_does_not_echo_python_errors(http):
    response = http.post("/graphql/", json={"query": 1})

    assert response.status_code == 400
    assert "len()" not in response.text


@pytest.mark.parametrize("url", ["/mtv/fbv/posts/", "/graphql/", "/api/docs/", "/admin/login/"])
def test_pages_run_no_script_but_the_sites_own_files(http, url):
    """A script that got into a page (an XSS hole) would not run: the production server sends
    the Content-Security-Policy, with no inline script and no eval."""
    response = http.get(url, headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert response.status_code == 200
    assert (directives["script-src"], directives["object-src"]) == ("'self'", "'none'")
