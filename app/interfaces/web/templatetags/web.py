"""Template helpers that let one set of templates serve both flavours."""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from domain.posts.permissions import can_edit_post

register = template.Library()

FLAVOURS = ("fbv", "cbv")


def flavour_of(request):
    """The namespace of the flavour serving this request; pages outside both (accounts, home,
    error pages) link to the function-based flavour."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return namespace if namespace in FLAVOURS else FLAVOURS[0]


@register.simple_tag(takes_context=True)
def post_url(context, name, *args):
    """``{% post_url "post_detail" post.pk %}``: reverse ``name`` in the current flavour."""
    return reverse(f"{flavour_of(context['request'])}:{name}", args=args)


@register.filter
def can_edit(user, post):
    """``{% if request.user|can_edit:post %}``: the domain's answer, for showing links."""
    return can_edit_post(user, post)


@register.filter
def age(moment):
    """ "just now", "5 minutes ago", "3 days ago": one unit is enough on a post."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
