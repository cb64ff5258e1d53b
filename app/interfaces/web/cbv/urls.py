"""Routes of the class-based flavour (namespace "cbv"); the same names as the "fbv" one."""

from django.urls import path

from domain.posts.services import post_like, post_unlike

from . import views

urlpatterns = [
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_new"),
    path("posts/<int:post_id>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:post_id>/edit/", views.PostUpdateView.as_view(), name="post_edit"),
    path("posts/<int:post_id>/delete/", views.PostDeleteView.as_view(), name="post_delete"),
    path(
        "posts/<int:post_id>/like/",
        views.PostLikeView.as_view(service=post_like),
        name="post_like",
    ),
    path(
        "posts/<int:post_id>/unlike/",
        views.PostLikeView.as_view(service=post_unlike),
        name="post_unlike",
    ),
]
