from django.contrib import admin
from django.http import HttpRequest

from outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What waits to be sent, and what was given up on: senders and ids, never content."""

    list_display = ("sender", "args", "created_at", "due_at", "attempts", "failed_at")
    list_filter = (("failed_at", admin.EmptyFieldListFilter),)
    ordering = ("due_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False
