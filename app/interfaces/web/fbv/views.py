"""Posts as Django function-based views: each view reads the request, calls the domain and picks
a response. Compare with ../cbv/views.py, which does the same with generic class-based views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from domain.posts.models import Post
from domain.posts.permissions import NOT_YOUR_POST, can_edit_post
from domain.posts.selectors import post_get, post_page
from domain.posts.services import (
    post_create,
    post_delete,
    post_like,
    post_unlike,
    post_update,
)
from interfaces.throttling import AnonPostCreateThrottle

from ..common import (
    LIST_TEMPLATE,
    add_errors,
    bad_query,
    denied,
    gone_is_404,
    like_response,
    throttle_posts,
)
from ..forms import PostEditForm, PostForm


def _get_post_or_404(request: HttpRequest, post_id: int) -> Post:
    try:
        return post_get(post_id=post_id, viewer=request.user)
    except Post.DoesNotExist:
        raise Http404("No such post.")


def _detail_url(post: Post) -> str:
    return reverse("fbv:post_detail", args=[post.pk])


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    try:
        page = post_page(
            viewer=request.user,
            search=query.get("search", "").strip(),
            author=query.get("author"),
            page=query.get("page"),
            page_size=query.get("page_size") or None,  # an empty field: not asked
        )
    except ValidationError as error:
        return bad_query(request, error)
    return render(request, LIST_TEMPLATE, {"page": page, "posts": page.posts})


@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _get_post_or_404(request, post_id)
    return render(request, "web/posts/detail.html", {"post": post})


@require_http_methods(["GET", "POST"])
@throttle_posts(AnonPostCreateThrottle)
def post_new(request: HttpRequest) -> HttpResponse:
    form = PostForm(*_form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            post = post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                image=form.cleaned_data["image"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your post is published.")
            return redirect(_detail_url(post))
    return render(request, "web/posts/form.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _get_post_or_404(request, post_id)
    if not can_edit_post(request.user, post):
        return denied(request, PermissionDenied(NOT_YOUR_POST))
    form = PostEditForm(*_form_data(request), initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            with gone_is_404():
                post = post_update(
                    post=post,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    image=form.cleaned_data["image"],
                    remove_image=form.cleaned_data["remove_image"],
                )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your post is updated.")
            return redirect(_detail_url(post))
    context = {"form": form, "post": post}
    return render(request, "web/posts/form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def post_delete_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _get_post_or_404(request, post_id)
    if not can_edit_post(request.user, post):
        return denied(request, PermissionDenied(NOT_YOUR_POST))
    if request.method == "POST":
        with gone_is_404():
            post_delete(post=post, actor=request.user)
        messages.success(request, "Your post is deleted.")
        return redirect("fbv:post_list")
    return render(request, "web/posts/confirm_delete.html", {"post": post})


@require_POST
def post_like_view(request: HttpRequest, post_id: int) -> HttpResponse:
    return _toggle_like(request, post_id, post_like)


@require_POST
def post_unlike_view(request: HttpRequest, post_id: int) -> HttpResponse:
    return _toggle_like(request, post_id, post_unlike)


def _toggle_like(request: HttpRequest, post_id: int, service: Callable[..., Post]) -> HttpResponse:
    post = _get_post_or_404(request, post_id)
    try:
        with gone_is_404():
            post = service(post=post, user=request.user)
    except PermissionDenied as error:
        return denied(request, error, back_to=_detail_url(post))
    return like_response(request, post, _detail_url(post))


def _form_data(
    request: HttpRequest,
) -> tuple[MultiValueDict[str, str] | None, MultiValueDict[str, Any] | None]:
    # Bound on POST even when the POST is empty, so an empty submission shows its errors.
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _status(form: BaseForm) -> int:
    # A re-displayed form with errors says so to scripts and tests, not only to eyes.
    return 400 if form.is_bound and form.errors else 200
