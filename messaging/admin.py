from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from messaging import conversations
from messaging.models import Block, ContactMessage, Message


@admin.register(Message)
class HeldMessageAdmin(admin.ModelAdmin):
    """Only held messages (crisis language) are shown to staff, to review and release."""

    list_display = ["__str__", "thread", "created_at", "status"]
    readonly_fields = ["thread", "sender", "body", "status", "created_at"]
    actions = ["release"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).filter(status=Message.Status.HELD)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Deliver the selected messages")
    def release(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        released = sum(conversations.release(message=m) for m in queryset)
        self.message_user(request, f"{released} delivered.", messages.SUCCESS)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "subject", "reply_to", "created_at", "emailed_at"]
    readonly_fields = ["sender", "reply_to", "subject", "body", "created_at", "emailed_at"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "specialist", "created_at"]
    raw_id_fields = ["specialist", "client"]
