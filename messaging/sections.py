"""The "Send a message" section of the public profile page (no query)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from directory.models import Specialist
from directory.sections import Section, drawn

TEMPLATE = "messaging/_profile_message.html"


def send_a_message(specialist: Specialist, request: HttpRequest) -> Section | None:
    if request.user.is_authenticated and request.user.pk == specialist.owner_id:
        return None
    url = reverse("messaging:new", kwargs={"slug": specialist.slug})
    html = drawn(
        templates=(TEMPLATE,),
        shown=url,
        draw=lambda: render_to_string(TEMPLATE, {"section": {"url": url}}),
    )
    return Section(template="", order=30, html=mark_safe(html))  # noqa: S308 - our template's


PROVIDERS = [send_a_message]
