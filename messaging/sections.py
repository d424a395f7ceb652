"""The "Send a message" section of the public profile page (no query)."""

from django.http import HttpRequest
from django.urls import reverse

from directory.models import Specialist
from directory.sections import Section


def send_a_message(specialist: Specialist, request: HttpRequest) -> Section | None:
    if request.user.is_authenticated and request.user.pk == specialist.owner_id:
        return None
    return Section(
        template="messaging/_profile_message.html",
        order=30,
        context={"url": reverse("messaging:new", kwargs={"slug": specialist.slug})},
    )


PROVIDERS = [send_a_message]
