"""Rate limits for what strangers can do in bulk: anonymous posts, signups, token requests.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env THROTTLE_*). DRF's throttles copy
that dict once, when their class is defined; these read it per request, so a changed setting
(a test's ``settings`` fixture, which reloads DRF's api_settings) applies at once.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class LiveRatesMixin:
    def __init__(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()


class AnonPostCreateThrottle(LiveRatesMixin, AnonRateThrottle):
    """Anonymous POSTs that create posts, per IP; members and reads are not limited."""

    scope = "anon_post_create"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class PerClientThrottle(LiveRatesMixin, SimpleRateThrottle):
    """Every request to the view counts, per IP, signed in or not."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupThrottle(PerClientThrottle):
    scope = "signup"


class TokenThrottle(PerClientThrottle):
    scope = "token"
