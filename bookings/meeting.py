"""How the two people of a consultation meet: the one owner of which ways a client may book
and of the sentence every page, e-mail, reminder and invitation uses to say it.

A video consultation needs a meeting link (the booking settings' or the profile's) or the
specialist's promise to e-mail one; without either, video is not offered. A phone
consultation is always the specialist calling the client on the number the client gave.
"""

from django.utils.translation import gettext as _

from bookings.models import BookingSettings, Consultation
from directory.models import Specialist


def video_link(*, specialist: Specialist, booking_settings: BookingSettings | None) -> str:
    if booking_settings is not None and booking_settings.meeting_link:
        return booking_settings.meeting_link
    return specialist.meeting_link


def offers_video(*, specialist: Specialist, booking_settings: BookingSettings | None) -> bool:
    return bool(video_link(specialist=specialist, booking_settings=booking_settings)) or bool(
        booking_settings is not None and booking_settings.link_by_email
    )


def modes(
    *, specialist: Specialist, booking_settings: BookingSettings | None
) -> list[tuple[str, str]]:
    """The ways a client may book, the first being the default: never one without a way in."""
    phone = (Consultation.Mode.PHONE.value, str(Consultation.Mode.PHONE.label))
    if offers_video(specialist=specialist, booking_settings=booking_settings):
        return [(Consultation.Mode.VIDEO.value, str(Consultation.Mode.VIDEO.label)), phone]
    return [phone]


def promise(*, specialist: Specialist, booking_settings: BookingSettings | None) -> str:
    """What the booking form tells the client about each way in, before they choose."""
    parts = []
    if video_link(specialist=specialist, booking_settings=booking_settings):
        parts.append(_("Video: you get the meeting link in your confirmation."))
    elif offers_video(specialist=specialist, booking_settings=booking_settings):
        parts.append(
            _("Video: %(name)s will e-mail you the link before the call.")
            % {"name": specialist.name}
        )
    parts.append(
        _("Phone: %(name)s will call you on the number you give.") % {"name": specialist.name}
    )
    return " ".join(parts)


def link(consultation: Consultation, booking_settings: BookingSettings | None) -> str:
    """The link to join a video consultation; empty for a phone call or when none is given."""
    if consultation.mode != Consultation.Mode.VIDEO:
        return ""
    return video_link(specialist=consultation.specialist, booking_settings=booking_settings)


def how(consultation: Consultation, booking_settings: BookingSettings | None, *, party: str) -> str:
    """One sentence for one side: how they will meet (the link itself is shown beside it)."""
    specialist = consultation.specialist.name
    client = consultation.client.display_name
    to_client = party == Consultation.Party.CLIENT
    if consultation.mode == Consultation.Mode.PHONE:
        if to_client:
            return _("Phone call: %(name)s will call you on %(phone)s.") % {
                "name": specialist,
                "phone": consultation.phone,
            }
        return _("Phone call: please call %(name)s on %(phone)s.") % {
            "name": client,
            "phone": consultation.phone,
        }
    if link(consultation, booking_settings):
        return _("Video call: join with the meeting link.")
    if booking_settings is not None and booking_settings.link_by_email:
        if to_client:
            return _("Video call: %(name)s will e-mail you the link before the call.") % {
                "name": specialist
            }
        return _("Video call: please e-mail %(name)s the link before the call.") % {"name": client}
    if to_client:
        return _(
            "Video call: %(name)s has not given a link yet. If it has not arrived by the day "
            "before, send them a message."
        ) % {"name": specialist}
    return _(
        "Video call: you have not given a meeting link. Please e-mail %(name)s one, or add "
        "one under Availability."
    ) % {"name": client}
