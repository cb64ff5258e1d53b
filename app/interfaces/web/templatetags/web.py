"""Template helpers that let one set of templates serve both flavours, and render a list page
without paying for every link and every post each time (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language

from domain.posts.models import Post
from domain.posts.permissions import post_editor
from interfaces.fragments import post_fragment

register = template.Library()

FLAVOURS = ("fbv", "cbv")


def flavour_of(request: HttpRequest | None) -> str:
    """The namespace of the flavour serving this request; pages outside both (accounts, home,
    error pages) link to the function-based flavour."""
    match = getattr(request, "resolver_match", None)
    namespace: str = match.namespace if match else ""
    return namespace if namespace in FLAVOURS else FLAVOURS[0]


# Digits, so that the ``<int:post_id>`` converter accepts it in place of a real id.
_ID_SLOT = "7310541139"


@lru_cache(maxsize=256)
def _url_parts(urlconf: str | None, script_prefix: str, viewname: str, arity: int) -> list[str]:
    """The URL of ``viewname`` split where its ``arity`` integer arguments go: reversed once per
    process instead of once per link (a list page has a hundred links)."""
    return reverse(viewname, urlconf=urlconf, args=[_ID_SLOT] * arity).split(_ID_SLOT)


def fast_reverse(viewname: str, args: Sequence[object] = ()) -> str:
    """``reverse(viewname, args=args)`` for whole-number arguments, from ``_url_parts``."""
    if not all(isinstance(arg, int) for arg in args):
        return reverse(viewname, args=args)
    parts = _url_parts(get_urlconf(), get_script_prefix(), viewname, len(args))
    url = parts[0]
    for arg, part in zip(args, parts[1:]):
        url += str(arg) + part
    return url


@lru_cache(maxsize=64)
def _static_url(path: str, script_prefix: str) -> str:
    # ``script_prefix`` only keys the cache: a relative STATIC_URL starts with it.
    return static(path)


@register.simple_tag
def static_url(path: str) -> str:
    """``{% static_url "web/ublog.css" %}``: ``{% static %}``'s URL, worked out once per process
    and file instead of once per page (a page links seven; each asked the storage's manifest
    and joined URLs again). The manifest is read once per process anyway; a changed setting
    (tests) empties the cache."""
    return _static_url(path, get_script_prefix())


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs: object) -> None:
    if setting in {"STORAGES", "STATIC_ROOT", "STATIC_URL", "DEBUG"}:
        _static_url.cache_clear()


@register.simple_tag(takes_context=True)
def post_url(context: template.Context, name: str, *args: object) -> str:
    """``{% post_url "post_detail" post.pk %}``: the URL of ``name`` in the current flavour."""
    return fast_reverse(f"{flavour_of(context['request'])}:{name}", args)


@lru_cache(maxsize=4096)
def age(moment: datetime, now: datetime, language: str) -> str:
    """ "just now", "5 minutes ago", "3 days ago" (one unit is enough on a post) as told at
    ``now`` in ``language``, escaped for HTML. ``now`` is to the second (the page's slots), so
    every request in that second shares the answer for a post: timesince, with its
    translations, was a tenth of a list page's rendering otherwise."""
    if now - moment < timedelta(minutes=1):
        return "just now"
    return escape(f"{timesince(moment, now, depth=1)} ago")


CARD_TEMPLATE = "web/posts/_post.html"
# What differs per request or per minute is rendered as these slots and filled in per request.
# Each holds a raw "<", which autoescaping never lets through from a post's own text.
AGE_SLOT, CSRF_SLOT, PATH_SLOT, QUERY_SLOT = (
    mark_safe(f"<ublog-slot {name}>") for name in ("age", "csrf", "path", "query")
)


@register.simple_tag(takes_context=True)
def post_card(context: template.Context, post: Post, full: bool = False) -> SafeString:
    """``{% post_card post %}``: web/posts/_post.html for ``post``, rendered once per version of
    the post and variant, then kept in the per-process "fragments" cache. The viewer's state
    (liked, may edit) picks the variant and is never cached per viewer; the request's CSRF
    token and path and the post's age are filled into each copy."""
    request = context["request"]
    slots = _page_slots(context)
    can_edit = slots.editor(post)
    flavour = flavour_of(request)

    def render() -> str:
        assert context.template is not None  # set while a template renders this tag
        card = context.template.engine.get_template(CARD_TEMPLATE)
        return card.render(
            template.Context(
                {
                    "request": request,
                    "post": post,
                    "full": full,
                    "can_edit": can_edit,
                    "login_url": fast_reverse("login"),
                    "age": AGE_SLOT,
                    "csrf_token": CSRF_SLOT,
                    "full_path": PATH_SLOT,
                    "next_query": QUERY_SLOT,
                },
                autoescape=context.autoescape,
            )
        )

    html = post_fragment(
        "web-card", post, render, flavour=flavour, full=full, can_edit=can_edit, liked=post.liked
    )
    return mark_safe(
        html.replace(AGE_SLOT, age(post.created_at, slots.now, slots.language))
        .replace(CSRF_SLOT, slots.csrf_token)
        .replace(PATH_SLOT, slots.full_path)
        .replace(QUERY_SLOT, slots.next_query)
    )


PAGE_SLOTS = "web:page-slots"  # where a page's render keeps them


@dataclass(frozen=True)
class _PageSlots:
    """What the cards of one page share: the escaped slots, the moment (to the second) and
    language their ages are told in, and whether the viewer may edit a post."""

    now: datetime
    language: str
    editor: Callable[[Post], bool]
    csrf_token: str
    full_path: str
    next_query: str


def _page_slots(context: template.Context) -> _PageSlots:
    """The page's slots, worked out for its first card and kept in the render's own state for
    the others."""
    slots: _PageSlots | None = context.render_context.get(PAGE_SLOTS)
    if slots is None:
        request = context["request"]
        full_path = request.get_full_path()
        slots = context.render_context[PAGE_SLOTS] = _PageSlots(
            now=timezone.now().replace(microsecond=0),
            language=get_language(),
            editor=post_editor(request.user),
            # The page's one token (the context processor's), not a newly masked one per post.
            csrf_token=escape(context.get("csrf_token") or get_token(request)),
            full_path=escape(full_path),
            next_query=escape(urlencode(full_path)),
        )
    return slots
