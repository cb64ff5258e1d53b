"""Posts as Django's generic class-based views (ListView, DetailView, FormView, DeleteView).
The generic views bring pagination, templates and the form dance; the hooks they offer
(``get_queryset``, ``get_object``, ``form_valid``, ``test_func``) call the domain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DeleteView, DetailView, FormView, ListView

if TYPE_CHECKING:
    from django.core.paginator import Page, Paginator, _SupportsPagination

from domain.posts.models import Post
from domain.posts.permissions import NOT_YOUR_POST, can_edit_post
from domain.posts.selectors import PostPage, PostPaginator, page_size_clean, post_get, post_list
from domain.posts.services import post_create, post_delete, post_update
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


class PostObjectMixin:
    """The post named by the URL, read once per request through the domain's selector."""

    # Set by View.setup() on the generic view this mixes into.
    request: HttpRequest
    kwargs: dict[str, Any]
    _post: Post

    def get_object(self, queryset: QuerySet[Post] | None = None) -> Post:
        if not hasattr(self, "_post"):
            try:
                self._post = post_get(post_id=self.kwargs["post_id"], viewer=self.request.user)
            except Post.DoesNotExist:
                raise Http404("No such post.")
        return self._post

    def get_success_url(self) -> str:
        return reverse("cbv:post_detail", args=[self.get_object().pk])


class CanEditPostMixin(PostObjectMixin, UserPassesTestMixin):
    """Visitors are sent to log in, members who may not edit get the 403 page."""

    permission_denied_message = NOT_YOUR_POST

    def test_func(self) -> bool:
        return can_edit_post(self.request.user, self.get_object())


class PostFormMixin:
    """A form with errors answers 400; only GET and POST: FormView would take PUT as a POST, and
    DeleteView's DELETE would delete the model without the domain's service."""

    http_method_names: Sequence[str] = ["get", "post"]
    # FormView's, which this mixes into.
    render_to_response: Callable[..., HttpResponse]
    get_context_data: Callable[..., dict[str, Any]]

    def form_invalid(self, form: BaseForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PostListView(ListView):
    template_name = LIST_TEMPLATE
    paginator_class = PostPaginator
    context_object_name = "posts"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except ValidationError as error:
            return bad_query(request, error)

    def get_queryset(self) -> QuerySet[Post]:
        query = self.request.GET
        return post_list(
            viewer=self.request.user,
            search=query.get("search", "").strip(),
            author=query.get("author"),
        )

    def get_paginate_by(self, queryset: QuerySet[Post]) -> int:
        return page_size_clean(self.request.GET.get("page_size") or None)  # empty: not asked

    def paginate_queryset(
        self, queryset: _SupportsPagination[Post], page_size: int
    ) -> tuple[Paginator[Any], Page[Any], _SupportsPagination[Post], bool]:
        # ListView answers a page out of range with a bare 404; the list says what went wrong.
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404 as error:
            raise ValidationError({"page": [str(error)]})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The same page summary the function-based flavour gets from ``post_page``; its rows
        # are a list, evaluated once, as the template reads them more than once.
        context["page"] = page = PostPage.of(context["page_obj"])
        context["posts"] = context["object_list"] = page.posts
        return context


class PostDetailView(PostObjectMixin, DetailView):
    template_name = "web/posts/detail.html"
    context_object_name = "post"


@method_decorator(throttle_posts(AnonPostCreateThrottle), name="dispatch")
class PostCreateView(PostFormMixin, FormView):
    template_name = "web/posts/form.html"
    form_class = PostForm

    def form_valid(self, form: PostForm) -> HttpResponse:
        try:
            self._post = post_create(
                author=self.request.user,
                body=form.cleaned_data["body"],
                image=form.cleaned_data["image"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your post is published.")
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return reverse("cbv:post_detail", args=[self._post.pk])


class PostUpdateView(CanEditPostMixin, PostFormMixin, FormView):
    template_name = "web/posts/form.html"
    form_class = PostEditForm

    def get_initial(self) -> dict[str, Any]:
        return {"body": self.get_object().body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(post=self.get_object(), **kwargs)

    def form_valid(self, form: PostEditForm) -> HttpResponse:
        try:
            with gone_is_404():
                post_update(
                    post=self.get_object(),
                    actor=self.request.user,
                    body=form.cleaned_data["body"],
                    image=form.cleaned_data["image"],
                    remove_image=form.cleaned_data["remove_image"],
                )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your post is updated.")
        return super().form_valid(form)


class PostDeleteView(CanEditPostMixin, DeleteView):
    http_method_names = PostFormMixin.http_method_names
    template_name = "web/posts/confirm_delete.html"
    context_object_name = "post"

    def form_valid(self, form: BaseForm) -> HttpResponse:
        # DeleteView would call ``Post.delete()``; the domain's service deletes (and its files).
        with gone_is_404():
            post_delete(post=self.get_object(), actor=self.request.user)
        messages.success(self.request, "Your post is deleted.")
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("cbv:post_list")


class PostLikeView(PostObjectMixin, View):
    """POST likes (``service = post_like``) or unlikes the post; JSON for the Vue button."""

    http_method_names = ["post"]
    service: Callable[..., Post] | None = None  # as_view(service=...) in urls.py names it

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.service is not None, "PostLikeView.as_view(service=...) names the service"
        post = self.get_object()
        try:
            with gone_is_404():
                post = self.service(post=post, user=request.user)
        except PermissionDenied as error:
            return denied(request, error, back_to=self.get_success_url())
        return like_response(request, post, self.get_success_url())
