from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "args", "created_at", "queued_at")
    list_filter = ("task",)
    readonly_fields = ("task", "args", "created_at", "queued_at")
