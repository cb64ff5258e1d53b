"""Routes of the function-based flavour (namespace "fbv"); the same names as the "cbv" one."""

from django.urls import path

from . import views

urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:post_id>/", views.post_detail, name="post_detail"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete_view, name="post_delete"),
    path("posts/<int:post_id>/like/", views.post_like_view, name="post_like"),
    path("posts/<int:post_id>/unlike/", views.post_unlike_view, name="post_unlike"),
]
