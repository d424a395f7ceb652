"""Conversations between a client and a specialist."""

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from content import screening
from directory import limits
from directory.models import Specialist, User
from messaging import emails
from messaging.models import Block, Message, Thread
from outbox import sending

MESSAGES_PER_HOUR = 30
NEW_CONVERSATIONS_PER_DAY = 10


def _plain(text: str) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "").strip()


class MessagingError(Exception):
    """A messaging rule was broken; the message is safe to show."""


def _check_rate(*, sender: User, new_conversation: bool) -> None:
    if new_conversation and not limits.allow(
        scope="threads", key=sender.pk, limit=NEW_CONVERSATIONS_PER_DAY, window_seconds=86400
    ):
        raise MessagingError(
            _("You have started many conversations today. Please try again tomorrow.")
        )
    if not limits.allow(
        scope="messages", key=sender.pk, limit=MESSAGES_PER_HOUR, window_seconds=3600
    ):
        raise MessagingError(_("You are sending messages very quickly. Please wait a while."))


@transaction.atomic
def _post(*, thread: Thread, sender: User, body: str) -> Message:
    body = _plain(body)
    held = screening.needs_crisis_review(body)
    message = Message.objects.create(
        thread=thread,
        sender=sender,
        body=body,
        status=Message.Status.HELD if held else Message.Status.SENT,
    )
    if not held:
        _deliver(message)
    return message


def _deliver(message: Message) -> None:
    unread = (
        "specialist_unread" if message.thread.client_id == message.sender_id else "client_unread"
    )
    Thread.objects.filter(pk=message.thread_id).update(
        last_message_at=message.created_at, **{unread: F(unread) + 1}
    )
    sending.queue(notify_recipient, message_id=message.pk)


def message_specialist(*, client: User, specialist: Specialist, body: str) -> Message:
    """Write to a specialist, starting the conversation or adding to it.

    Crisis language holds the message for review (status HELD: not delivered yet).
    Raises MessagingError for one's own profile, a block, or too many messages.
    """
    if not specialist.is_listed:
        raise MessagingError(_("This specialist is not accepting messages."))
    if specialist.owner_id == client.pk:
        raise MessagingError(_("You cannot send a message to yourself."))
    if is_blocked(specialist_id=specialist.pk, client_id=client.pk):
        raise MessagingError(_("This specialist is not accepting messages from you."))
    thread = Thread.objects.filter(client=client, specialist=specialist).first()
    _check_rate(sender=client, new_conversation=thread is None)
    if thread is None:
        try:
            with transaction.atomic():
                thread = Thread.objects.create(client=client, specialist=specialist)
        except IntegrityError:  # two first messages at once: use the winner's thread
            thread = Thread.objects.get(client=client, specialist=specialist)
    return _post(thread=thread, sender=client, body=body)


def reply(*, thread: Thread, sender: User, body: str) -> Message:
    """Add a message to a conversation the sender takes part in, while the other side's
    account is open."""
    if not thread.is_party(sender):
        raise MessagingError(_("You are not part of this conversation."))
    if thread.is_client(sender) and is_blocked(
        specialist_id=thread.specialist_id, client_id=sender.pk
    ):
        raise MessagingError(_("This specialist is not accepting messages from you."))
    other = thread.specialist.owner if thread.is_client(sender) else thread.client
    if not other.is_active:
        raise MessagingError(_("This account was closed, so your message cannot reach them."))
    _check_rate(sender=sender, new_conversation=False)
    return _post(thread=thread, sender=sender, body=body)


def shown_to(*, thread: Thread, reader: User) -> list[Message]:
    """The messages of the conversation this person sees: those sent, and their own
    whatever their state (one held for review is theirs to see)."""
    return list(thread.messages.filter(Q(status=Message.Status.SENT) | Q(sender_id=reader.pk)))


# Shown in the navigation of every page a person sees logged in, so written out once: the
# ORM's aggregate with a CASE took longer to build than to run.
UNREAD_SQL = f"""
SELECT COALESCE(SUM(CASE WHEN thread.client_id = %s
                    THEN thread.client_unread ELSE thread.specialist_unread END), 0)
FROM {Thread._meta.db_table} thread
LEFT JOIN {Specialist._meta.db_table} specialist ON specialist.id = thread.specialist_id
WHERE thread.client_id = %s OR specialist.owner_id = %s
"""  # noqa: S608 - table names from the models; the ids are parameters


def unread_total(*, user: User) -> int:
    """Messages waiting for `user` across their conversations, as a client or a specialist."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user.pk, user.pk, user.pk])
        return int(cursor.fetchone()[0])


def mark_read(*, thread: Thread, reader: User) -> None:
    field = "client_unread" if thread.is_client(reader) else "specialist_unread"
    if thread.is_party(reader) and getattr(thread, field):
        Thread.objects.filter(pk=thread.pk).update(**{field: 0})
        setattr(thread, field, 0)


def is_blocked(*, specialist_id: int, client_id: int) -> bool:
    """Whether the specialist has blocked this client: nothing the client writes reaches them."""
    return Block.objects.filter(specialist_id=specialist_id, client_id=client_id).exists()


def block(*, specialist: Specialist, client: User) -> Block:
    """The specialist stops receiving messages from this client (idempotent)."""
    blocked, _created = Block.objects.get_or_create(specialist=specialist, client=client)
    return blocked


def unblock(*, specialist: Specialist, client: User) -> None:
    Block.objects.filter(specialist=specialist, client=client).delete()


def report(*, thread: Thread, reporter: User) -> Thread:
    """A party asks staff to look at the conversation; from now on staff may read it."""
    if not thread.is_party(reporter):
        raise MessagingError(_("You are not part of this conversation."))
    if thread.reported_at is None:
        thread.reported_at = timezone.now()
        thread.reported_by = reporter
        thread.save(update_fields=["reported_at", "reported_by"])
    return thread


@transaction.atomic
def release(*, message: Message) -> bool:
    """Staff deliver a held message after review. False when it was not held."""
    claimed = Message.objects.filter(pk=message.pk, status=Message.Status.HELD).update(
        status=Message.Status.SENT
    )
    if claimed:
        message.refresh_from_db()
        _deliver(message)
    return bool(claimed)


def notify_recipient(*, message_id: int) -> bool:
    """E-mail the other party that a message is waiting (never its content)."""
    message = (
        Message.objects.filter(pk=message_id, status=Message.Status.SENT)
        .select_related("thread__client", "thread__specialist__owner")
        .first()
    )
    if message is None:
        return False
    thread = message.thread
    recipient = thread.specialist.owner if thread.client_id == message.sender_id else thread.client
    if not recipient.is_active:
        return False
    emails.send_message_notice(to=recipient.email, name=recipient.display_name, thread_id=thread.pk)
    return True
