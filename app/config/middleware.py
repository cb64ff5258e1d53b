"""Project-wide middleware: the health check, answered before anything reads the Host header."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTHZ_PATH = "/healthz"


def healthz(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Answer GET/HEAD /healthz for any Host, without the database.

    Engines and load balancers call the check by the container's IP address, which is not (and
    should not be) in ALLOWED_HOSTS. This middleware comes first, so neither the host validation
    (`request.get_host()`, called by the middleware after it) nor the HTTPS redirect runs for
    this one path; every other path still gets a 400 for a host it does not serve.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH and request.method in {"GET", "HEAD"}:
            return JsonResponse({"status": "ok"})
        return get_response(request)

    return middleware
