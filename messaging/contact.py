"""The contact form to the platform's staff."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import limits
from directory.models import User
from messaging import emails, tasks
from messaging.models import ContactMessage

CONTACTS_PER_HOUR = 5


def _plain(text: str) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "").strip()


class ContactError(Exception):
    """The message could not be accepted; the message is safe to show."""


@transaction.atomic
def contact_staff(*, sender: User, subject: str, body: str) -> ContactMessage:
    """Store the message and e-mail it to staff after the commit."""
    if not limits.allow(
        scope="contact", key=sender.pk, limit=CONTACTS_PER_HOUR, window_seconds=3600
    ):
        raise ContactError(_("You have sent several messages already. Please try again later."))
    contact = ContactMessage.objects.create(
        sender=sender, reply_to=sender.email, subject=subject, body=_plain(body)
    )
    tasks.send_contact_message.delay_on_commit(contact.pk)  # type: ignore[attr-defined]
    return contact


def email_staff(*, contact_id: int) -> bool:
    """Send a stored contact message to staff. False when it was sent already.

    Marked after sending, so a failed send is retried rather than lost.
    """
    contact = ContactMessage.objects.filter(pk=contact_id, emailed_at=None).first()
    if contact is None:
        return False
    emails.send_contact_to_staff(contact)
    ContactMessage.objects.filter(pk=contact_id).update(emailed_at=timezone.now())
    return True
