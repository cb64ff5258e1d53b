"""Who a client is, for the throttles and the login lockout: what the trusted proxies report
(settings.NUM_PROXIES), never what the client writes in X-Forwarded-For itself."""

import pytest
from django.test import RequestFactory

from interfaces.throttling import client_ip


def request(remote_addr="203.0.113.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


@pytest.mark.parametrize("forwarded", [None, "198.51.100.1", "1.2.3.4, 5.6.7.8"])
def test_without_proxies_the_client_is_the_peer(settings, forwarded):
    settings.NUM_PROXIES = 0

    assert client_ip(request(forwarded=forwarded)) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # One proxy appends the address it saw; what the client wrote before it is ignored.
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # Shorter than the proxy chain or not an address: it did not come through the proxies.
        (2, "198.51.100.7", "203.0.113.9"),
        (1, "", "203.0.113.9"),
        (1, "not-an-address", "203.0.113.9"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_client_is_what_the_outermost_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.NUM_PROXIES = proxies

    assert client_ip(request(forwarded=forwarded)) == expected


def test_a_new_x_forwarded_for_per_request_does_not_buy_a_new_budget(client, throttle_rates, db):
    """The bypass: each request claimed another address and was never throttled."""
    throttle_rates(signup="2/hour")

    statuses = [
        client.post(
            "/api/auth/signup/",
            {},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]

    assert statuses == [400, 400, 429, 429]


def test_behind_a_proxy_each_real_client_has_its_own_budget(client, settings, throttle_rates, db):
    settings.NUM_PROXIES = 1
    throttle_rates(signup="1/hour")

    def signup(forwarded):
        return client.post(
            "/api/auth/signup/",
            {},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert signup("198.51.100.1") == 400
    assert signup("6.6.6.6, 198.51.100.1") == 429
    assert signup("198.51.100.2") == 400
