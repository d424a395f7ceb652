"""E-mails sent by content: subjects carry neutral words only, never question text."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from content.models import Answer
from directory.emails import subject_line


def send_answer_notice(answer: Answer) -> None:
    """Tell the asker that a specialist answered; the link leads to the public page."""
    context = {
        "url": settings.SITE_URL + answer.question.get_absolute_url(),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = subject_line("answer_posted", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/answer_posted/body.txt", context),
        to=[answer.question.asker.email],
    )
    message.attach_alternative(
        render_to_string("emails/answer_posted/body.html", context), "text/html"
    )
    message.send()
