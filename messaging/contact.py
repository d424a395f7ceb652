"""Messages to the platform's staff: the contact form for people who are logged in, and
"Can't log in?" for people who cannot get in.

"Can't log in?" is open to anyone, so it is limited per IP address and per e-mail address
(on the shared cache, like log-in failures), and the only e-mail it sends to the address
typed is a fixed acknowledgement that carries none of the text written, so it cannot be
used to send anything to someone else.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import accounts, limits
from directory.models import User
from messaging import emails
from messaging.models import ContactMessage
from outbox import sending

CONTACTS_PER_HOUR = 5
LOCKED_OUT_PER_IP_PER_HOUR = 5
LOCKED_OUT_PER_EMAIL_PER_DAY = 3


def _plain(text: str) -> str:
    """Text as stored: trimmed, without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "").strip()


class ContactError(Exception):
    """The message could not be accepted; the message is safe to show."""


class TooManyMessages(ContactError):
    """The sender has reached a limit; trying again later will work."""


@transaction.atomic
def contact_staff(*, sender: User, subject: str, body: str) -> ContactMessage:
    """Store the message and e-mail it to staff after the commit."""
    if not limits.allow(
        scope="contact", key=sender.pk, limit=CONTACTS_PER_HOUR, window_seconds=3600
    ):
        raise TooManyMessages(_("You have sent several messages already. Please try again later."))
    contact = ContactMessage.objects.create(
        sender=sender, reply_to=sender.email, subject=subject, body=_plain(body)
    )
    sending.queue(email_staff, contact_id=contact.pk)
    return contact


@transaction.atomic
def write_while_logged_out(*, email: str, body: str, ip: str) -> ContactMessage:
    """Store a message from someone who cannot log in; after the commit it goes to staff and
    the address given gets an acknowledgement.

    Raises TooManyMessages past LOCKED_OUT_PER_IP_PER_HOUR from one IP address or
    LOCKED_OUT_PER_EMAIL_PER_DAY for one e-mail address.
    """
    if not limits.allow(
        scope="cant-log-in-ip", key=ip, limit=LOCKED_OUT_PER_IP_PER_HOUR, window_seconds=3600
    ) or not limits.allow(
        scope="cant-log-in-email",
        key=accounts.email_key(email),
        limit=LOCKED_OUT_PER_EMAIL_PER_DAY,
        window_seconds=24 * 3600,
    ):
        raise TooManyMessages(
            _(
                "We have had several messages like this in a short time, so this one was "
                "not sent. Please try again later; what you wrote is still here."
            )
        )
    contact = ContactMessage.objects.create(
        sender=None,
        reply_to=email.strip(),
        subject=ContactMessage.Subject.CANT_LOG_IN,
        body=_plain(body),
    )
    sending.queue(email_staff, contact_id=contact.pk)
    sending.queue(acknowledge, contact_id=contact.pk)
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


def acknowledge(*, contact_id: int) -> bool:
    """Tell someone who wrote while logged out that their message arrived. False when there
    is nothing to do (told already, or a message from the contact form).

    Marked after sending, so a failed send is retried rather than lost.
    """
    contact = ContactMessage.objects.filter(
        pk=contact_id, sender=None, acknowledged_at=None, subject=ContactMessage.Subject.CANT_LOG_IN
    ).first()
    if contact is None:
        return False
    emails.send_contact_acknowledgement(contact)
    ContactMessage.objects.filter(pk=contact_id).update(acknowledged_at=timezone.now())
    return True
