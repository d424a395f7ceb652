"""Messaging's part of a person's export and erasure (privacy/ calls these in a fixed order)."""

from datetime import datetime
from typing import Any

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, Subquery

from directory.models import User
from messaging import retention
from messaging.models import Block, ContactMessage, Message, Thread

# The models with a foreign key to the user that erase_user_data handles.
ERASES: tuple[type[Model], ...] = (Message, Thread, ContactMessage)


def erase_user_data(*, user: User, now: datetime) -> None:
    """Their messages and messages to staff are deleted; the other side keeps theirs and the
    conversation, which goes only when nothing is left in it."""
    threads = Thread.objects.of_party(user)
    thread_ids = list(threads.values_list("pk", flat=True))
    Message.objects.filter(sender=user).delete()
    retention.clamp_unread_counters(thread_ids=thread_ids)
    delivered = Message.objects.filter(thread=OuterRef("pk"), status=Message.Status.SENT)
    Thread.objects.filter(pk__in=thread_ids).update(
        last_message_at=Subquery(delivered.order_by("-created_at").values("created_at")[:1])
    )
    Thread.objects.filter(pk__in=thread_ids).exclude(
        Exists(Message.objects.filter(thread=OuterRef("pk")))
    ).delete()
    # With the messages sent while logged out ("Can't log in?") from the account's address.
    ContactMessage.objects.filter(
        Q(sender=user) | Q(sender=None, reply_to__iexact=user.email)
    ).delete()


def export_user_data(*, user: User) -> dict[str, Any]:
    """Correspondence belongs to both correspondents: every delivered message of their
    conversations and their own held ones; their blocks, reports and messages to staff."""
    return {
        "conversations": _conversations(user),
        **_blocks(user),
        "messages_to_staff": [
            {
                "subject": contact.subject,
                "message": contact.body,
                "reply_to": contact.reply_to,
                "sent_at": contact.created_at,
            }
            for contact in ContactMessage.objects.filter(sender=user).order_by("created_at")
        ],
    }


def _conversations(user: User) -> list[dict[str, Any]]:
    threads = (
        Thread.objects.of_party(user)
        .select_related("client", "specialist")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    conversations = []
    for thread in threads:
        as_client = thread.client_id == user.pk
        reported_by_me = thread.reported_by_id == user.pk
        conversations.append(
            {
                "id": thread.pk,
                "as": "client" if as_client else "specialist",
                "with": thread.specialist.name if as_client else thread.client.display_name,
                "started_at": thread.created_at,
                "reported_by_me_at": thread.reported_at if reported_by_me else None,
                "messages": [
                    {
                        "from": "me" if message.sender_id == user.pk else "them",
                        "text": message.body,
                        "sent_at": message.created_at,
                        "held_for_review": message.status == Message.Status.HELD,
                    }
                    for message in thread.messages.all()
                    # The other side's held messages have not been delivered to this person.
                    if message.status == Message.Status.SENT or message.sender_id == user.pk
                ],
            }
        )
    return conversations


def _blocks(user: User) -> dict[str, Any]:
    made: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    for block in (
        Block.objects.filter(Q(client=user) | Q(specialist__owner=user))
        .select_related("client", "specialist")
        .order_by("created_at", "pk")
    ):
        if block.client_id == user.pk:
            received.append({"specialist": block.specialist.name, "since": block.created_at})
        else:
            made.append({"client": block.client.display_name, "since": block.created_at})
    return {"clients_i_blocked": made, "blocked_by_specialists": received}
