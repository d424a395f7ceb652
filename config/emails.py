"""The one way the product writes an e-mail: `emails/<name>/subject.txt, body.txt, body.html`.

Every subject starts with the site's prefix ("[First Step] ") and carries neutral words only;
every message has a text body and an HTML alternative. Mail that follows a change in the
database is written to an outbox in the change's own transaction (`outbox.sending.queue`,
or the bookings' `Notice` rows) and sent after the commit by a sweep that reads the
database again first: nothing here is sent from inside a transaction, and nothing waits
on the broker.
"""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import linebreaks, urlize


def subject_line(name: str, context: Mapping[str, object]) -> str:
    """The subject of `emails/<name>/`, on one line, after the site's prefix."""
    subject = " ".join(render_to_string(f"emails/{name}/subject.txt", context).split())
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject


def render(name: str, context: Mapping[str, object]) -> tuple[str, str, str]:
    """The subject, text body and HTML body of `emails/<name>/`."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    return (
        subject_line(name, context),
        render_to_string(f"emails/{name}/body.txt", context),
        render_to_string(f"emails/{name}/body.html", context),
    )


def compose(
    *, subject: str, text: str, html: str, to: Sequence[str], reply_to: Sequence[str] = ()
) -> EmailMultiAlternatives:
    """A message from parts already rendered (a batch renders each template once)."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=list(to), reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    return message


def message(
    name: str,
    *,
    to: Sequence[str],
    context: Mapping[str, object],
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """The e-mail `emails/<name>/` renders for `to`, built and not sent."""
    subject, text, html = render(name, context)
    return compose(subject=subject, text=text, html=html, to=to, reply_to=reply_to)


def send(
    name: str,
    *,
    to: Sequence[str],
    context: Mapping[str, object],
    reply_to: Sequence[str] = (),
) -> None:
    """Send the e-mail `emails/<name>/` renders; called by the outbox's senders, after the
    commit."""
    message(name, to=to, context=context, reply_to=reply_to).send()


def html_from_text(text: str) -> str:
    """An HTML alternative for a message written as text only (allauth's account e-mails)."""
    return linebreaks(urlize(text, autoescape=True))
