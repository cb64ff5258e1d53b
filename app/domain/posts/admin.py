from django.contrib import admin

from .models import Like, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("id", "body", "author", "like_count", "created_at")
    list_select_related = ("author",)
    search_fields = ("body", "author__display_name", "author__email")
    readonly_fields = ("like_count", "thumbnail", "created_at", "updated_at")
    raw_id_fields = ("author",)
    date_hierarchy = "created_at"


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "post", "created_at")
    list_select_related = ("user", "post")
    raw_id_fields = ("user", "post")
