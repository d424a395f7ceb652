"""E-mail backends for tests: the mail server is an edge, so tests may stand in for it."""

import smtplib
from collections.abc import Callable

from django.core.mail.backends.locmem import EmailBackend


class HookedBackend(EmailBackend):
    """The in-memory outbox, calling `before_send` with each message first; a message to an
    address under refused.example is refused as a real server would refuse it."""

    before_send: Callable[[object], None] | None = None

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            if any(to.endswith("@refused.example") for to in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            if HookedBackend.before_send is not None:
                HookedBackend.before_send(message)
        return super().send_messages(messages)
