"""E-mails sent by content: subjects carry neutral words only, never question text."""

from django.conf import settings

from config import emails
from content.models import Answer


def send_answer_notice(answer: Answer) -> None:
    """Tell the asker that a specialist answered; the link leads to the public page."""
    url = settings.SITE_URL + answer.question.get_absolute_url()
    emails.send("answer_posted", to=[answer.question.asker.email], context={"url": url})
