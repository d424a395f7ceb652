"""Development e-mail: every message becomes a readable `.eml` file in `var/mail/`."""

import email
import email.policy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class MailboxBackend(BaseEmailBackend):
    """Writes each message to its own file so a person can open it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class StoredMail:
    name: str
    subject: str
    to: str
    sent: str
    text: str
    html: str | None


def list_mail(*, limit: int = 100) -> list[StoredMail]:
    """The newest stored messages first."""
    folder = Path(settings.MAILBOX_DIR)
    if not folder.exists():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [read_mail(name=path.name) for path in paths]


def read_mail(*, name: str) -> StoredMail:
    """One stored message. Raises FileNotFoundError for an unknown or unsafe name."""
    folder = Path(settings.MAILBOX_DIR)
    path = folder / Path(name).name
    if path.suffix != ".eml" or not path.is_file():
        raise FileNotFoundError(name)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return StoredMail(
        name=path.name,
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sent=str(message["Date"] or ""),
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else None,
    )
