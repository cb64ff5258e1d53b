"""What the two flavours of web views share: how a domain outcome becomes an HTTP response."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from domain.posts.models import Post
from interfaces.throttling import ThrottleClass, throttle_wait

LIST_TEMPLATE = "web/posts/list.html"


def wants_json(request: HttpRequest) -> bool:
    """AJAX callers (the Vue like button) ask for JSON explicitly. A browser's form POST also
    accepts ``*/*``, so ``request.accepts()`` would say yes to both."""
    accept = request.headers.get("Accept", "")
    return (
        "application/json" in accept or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def next_url(request: HttpRequest, fallback: str) -> str:
    """Where a form POST returns to: the posted ``next`` if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@contextmanager
def gone_is_404() -> Iterator[None]:
    """A post deleted between the view's read and the service's write (the service raises
    ``Post.DoesNotExist``) is a 404, as if the read had missed it."""
    try:
        yield
    except Post.DoesNotExist:
        raise Http404("No such post.")


def denied(
    request: HttpRequest, error: PermissionDenied, *, back_to: str | None = None
) -> HttpResponse:
    """The domain said no. Visitors are sent to log in; members get the 403 page (or JSON)."""
    if wants_json(request):
        return JsonResponse({"detail": str(error)}, status=403)
    if not request.user.is_authenticated:
        messages.info(request, str(error))
        return redirect_to_login(back_to or request.get_full_path())
    raise PermissionDenied(error)


def like_response(request: HttpRequest, post: Post, fallback: str) -> HttpResponse:
    """The like endpoints answer JSON to the Vue button and redirect a plain form POST back."""
    if wants_json(request):
        return JsonResponse({"like_count": post.like_count, "liked": post.liked})
    messages.success(request, "You like this post." if post.liked else "Like taken back.")
    return redirect(next_url(request, fallback))


def bad_query(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A list request with a bad page, page size or author: say so, never a 500."""
    problems = [
        f"{field.replace('_', ' ')}: {message}"
        for field, field_messages in error.message_dict.items()
        for message in field_messages
    ]
    context = {"posts": [], "page": None, "query_errors": problems}
    return render(request, LIST_TEMPLATE, context, status=400)


def add_errors(form: BaseForm, error: ValidationError) -> None:
    """Copy a domain ``ValidationError`` onto a form, field by field where the form has it."""
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


View = Callable[..., HttpResponseBase]


def throttle_posts(throttle_class: ThrottleClass) -> Callable[[View], View]:
    """Count each POST to the view against ``throttle_class``'s budget (the one the REST API
    and GraphQL spend too); over it, the 429 page with ``Retry-After``. GETs are free."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                seconds = throttle_wait(request, throttle_class)
                if seconds is not None:
                    response = render(request, "429.html", {"seconds": seconds}, status=429)
                    response["Retry-After"] = str(seconds)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
