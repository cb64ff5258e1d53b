from django.urls import path

from . import views

# <str:pk>, not <int:pk>: a malformed id still reaches the API and gets its JSON 404.
urlpatterns = [
    path("posts/", views.post_list, name="post-list"),
    path("posts/<str:pk>/", views.post_detail, name="post-detail"),
    path("posts/<str:pk>/like/", views.post_like, name="post-like"),
]
