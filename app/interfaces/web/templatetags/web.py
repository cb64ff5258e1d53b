"""Template helpers that let one set of templates serve both flavours, and render a list page
without paying for every link and every post each time (docs/performance.md)."""

from datetime import timedelta
from functools import lru_cache

from django import template
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language

from domain.posts.permissions import can_edit_post
from interfaces.fragments import post_fragment

register = template.Library()

FLAVOURS = ("fbv", "cbv")


def flavour_of(request):
    """The namespace of the flavour serving this request; pages outside both (accounts, home,
    error pages) link to the function-based flavour."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return namespace if namespace in FLAVOURS else FLAVOURS[0]


# Digits, so that the ``<int:post_id>`` converter accepts it in place of a real id.
_ID_SLOT = "7310541139"


@lru_cache(maxsize=256)
def _url_parts(urlconf, script_prefix, viewname, arity):
    """The URL of ``viewname`` split where its ``arity`` integer arguments go: reversed once per
    process instead of once per link (a list page has a hundred links)."""
    return reverse(viewname, urlconf=urlconf, args=[_ID_SLOT] * arity).split(_ID_SLOT)


def fast_reverse(viewname, args=()):
    """``reverse(viewname, args=args)`` for whole-number arguments, from ``_url_parts``."""
    if not all(isinstance(arg, int) for arg in args):
        return reverse(viewname, args=args)
    parts = _url_parts(get_urlconf(), get_script_prefix(), viewname, len(args))
    url = parts[0]
    for arg, part in zip(args, parts[1:]):
        url += str(arg) + part
    return url


@register.simple_tag(takes_context=True)
def post_url(context, name, *args):
    """``{% post_url "post_detail" post.pk %}``: the URL of ``name`` in the current flavour."""
    return fast_reverse(f"{flavour_of(context['request'])}:{name}", args)


def age(moment, now=None):
    """ "just now", "5 minutes ago", "3 days ago": one unit is enough on a post."""
    now = now or timezone.now()
    # To the second: every request in that second shares the answer for a post (timesince,
    # with its translations, is a tenth of a list page's rendering otherwise).
    return _age(moment, now.replace(microsecond=0), get_language())


@lru_cache(maxsize=4096)
def _age(moment, now, language):
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


CARD_TEMPLATE = "web/posts/_post.html"
# What differs per request or per minute is rendered as these slots and filled in per request.
# Each holds a raw "<", which autoescaping never lets through from a post's own text.
AGE_SLOT, CSRF_SLOT, PATH_SLOT, QUERY_SLOT = (
    mark_safe(f"<ublog-slot {name}>") for name in ("age", "csrf", "path", "query")
)


@register.simple_tag(takes_context=True)
def post_card(context, post, full=False):
    """``{% post_card post %}``: web/posts/_post.html for ``post``, rendered once per version of
    the post and variant, then kept in the per-process "fragments" cache. The viewer's state
    (liked, may edit) picks the variant and is never cached per viewer; the request's CSRF
    token and path and the post's age are filled into each copy."""
    request = context["request"]
    can_edit = can_edit_post(request.user, post)
    flavour = flavour_of(request)

    def render():
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
    slots = _page_slots(context)
    return mark_safe(
        html.replace(AGE_SLOT, escape(age(post.created_at, slots["now"])))
        .replace(CSRF_SLOT, slots[CSRF_SLOT])
        .replace(PATH_SLOT, slots[PATH_SLOT])
        .replace(QUERY_SLOT, slots[QUERY_SLOT])
    )


def _page_slots(context):
    """What the cards of one page share, worked out for the first card of the page and kept in
    the render's own state for the others."""
    slots = context.render_context.get(_page_slots)
    if slots is None:
        request = context["request"]
        full_path = request.get_full_path()
        slots = context.render_context[_page_slots] = {
            "now": timezone.now(),
            # The page's one token (the context processor's), not a newly masked one per post.
            CSRF_SLOT: escape(context.get("csrf_token") or get_token(request)),
            PATH_SLOT: escape(full_path),
            QUERY_SLOT: escape(urlencode(full_path)),
        }
    return slots
