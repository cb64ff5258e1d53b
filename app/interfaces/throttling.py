"""One throttling policy for every interface: the web pages, both REST flavours and GraphQL.

Each limit is a scope with one rate, read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(env ``THROTTLE_*``), and one budget per client: a signup through the web form, the REST API
or GraphQL spends the same counter, so no interface is a way around another.

The client is who the trusted proxies say it is (``client_ip``), never what it says itself.

The counters live in the default cache. With ``REDIS_URL`` set that is Redis, shared by every
process; without it, it is each process's local memory, so N gunicorn workers allow N times
each budget (fine for a laptop, not for production).

DRF's throttles copy the rates once, when their class is defined; these read them per request,
so a changed setting (a test's ``settings`` fixture, which reloads DRF's api_settings) applies
at once.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address, as the trusted proxies in front of μblog report it.

    ``settings.NUM_PROXIES`` says how many proxies append to ``X-Forwarded-For`` (0, the default:
    μblog faces clients directly, so ``REMOTE_ADDR`` is the client). With N proxies the client
    is the N-th address from the right: the one the outermost trusted proxy saw. Whatever the
    client put to the left of it is ignored, so a client cannot pick its own identity. A header
    shorter than N (or not an address) did not come through the proxies: ``REMOTE_ADDR`` counts.
    """
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.NUM_PROXIES
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return remote_addr


class RateThrottle(SimpleRateThrottle):
    """A scope's rate, read per request, counted per client (``client_ip``)."""

    def __init__(self) -> None:
        # The stubs type the rates as numbers; DRF reads strings ("5/min").
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        super().__init__()

    def get_ident(self, request: HttpRequest | Request) -> str:
        return client_ip(request)

    def get_cache_key(self, request: HttpRequest | Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonPostCreateThrottle(RateThrottle):
    """Posts created without an account; members and every other method are not limited."""

    scope = "anon_post_create"

    def get_cache_key(self, request: HttpRequest | Request, view: Any) -> str | None:
        if request.method != "POST" or request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class SignupThrottle(RateThrottle):
    scope = "signup"


class ResendActivationThrottle(RateThrottle):
    scope = "resend_activation"


class TokenThrottle(RateThrottle):
    """Password and refresh-token checks: the API token endpoints and GraphQL's mutations
    (the web login and /admin/ are guarded by django-axes' lockout instead)."""

    scope = "token"


ThrottleClass = type[RateThrottle]


def throttle_wait(request: HttpRequest, throttle_class: ThrottleClass) -> int | None:
    """Count ``request`` against ``throttle_class``'s budget: ``None`` when it is within it,
    otherwise the whole seconds to wait. For interfaces that are not DRF views."""
    throttle = throttle_class()
    # A plain HttpRequest and no view: these throttles read only what both kinds of request
    # have (META, method, user), and no view.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    return math.ceil(throttle.wait() or 0)


LOCKED_OUT = "Too many failed logins from this address: try again in {seconds} seconds."


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a client locked out by django-axes (settings.AXES_LOCKOUT_CALLABLE) gets, in its
    interface's own terms: GraphQL a THROTTLED error, the REST API a 429 with ``detail``, the
    web a page; each with ``Retry-After``."""
    seconds = math.ceil(get_cool_off(request).total_seconds())
    message = LOCKED_OUT.format(seconds=seconds)
    if request.path.startswith("/graphql/"):
        extensions = {"code": "THROTTLED", "retryAfter": seconds}
        response: HttpResponse = JsonResponse(
            {"errors": [{"message": message, "extensions": extensions}]}
        )
    elif request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"seconds": seconds, "failure_limit": settings.AXES_FAILURE_LIMIT}
        response = render(request, "web/accounts/locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
