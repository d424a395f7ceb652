"""Who may do what with a consultation, one function per rule.

The domain functions decide with these under their locks; the pages ask the same functions
whether to offer an action, so a page never offers what the domain would refuse.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from bookings.models import Consultation
from directory.models import Specialist, User


def party_of(*, consultation: Consultation, user: User) -> str | None:
    """Which side of the consultation this person is on, or None for anyone else."""
    if user.pk == consultation.client_id:
        return Consultation.Party.CLIENT
    if user.pk == consultation.specialist.owner_id:
        return Consultation.Party.SPECIALIST
    return None


def change_refusal(*, consultation: Consultation, by: User, now: datetime) -> str | None:
    """Why this person may not cancel or move the consultation now, or None when they may:
    either side, while it is confirmed and has not started."""
    if party_of(consultation=consultation, user=by) is None:
        return _("This consultation is not yours to change.")
    if consultation.status != Consultation.Status.CONFIRMED:
        return _("This consultation is no longer active.")
    if consultation.starts_at <= now:
        return _("This consultation has already started.")
    return None


def can_change(*, consultation: Consultation, by: User, now: datetime) -> bool:
    return change_refusal(consultation=consultation, by=by, now=now) is None


def movable_consultation(
    *, client: User, specialist: Specialist, now: datetime
) -> Consultation | None:
    """The client's free consultation with the specialist while they may still move it (the
    one their waitlist looks for an earlier time for), or None. A client has at most one
    that is not cancelled with each specialist (a constraint)."""
    found = Consultation.objects.active().filter(client=client, specialist=specialist).first()
    if found is None or not can_change(consultation=found, by=client, now=now):
        return None
    return found


def close_refusal(*, consultation: Consultation, by: User, now: datetime) -> str | None:
    """Why this person may not mark how the consultation went, or None when they may: the
    specialist, once it has started, unless it was cancelled."""
    if party_of(consultation=consultation, user=by) != Consultation.Party.SPECIALIST:
        return _("Only the specialist can mark how a consultation went.")
    if consultation.status == Consultation.Status.CANCELLED:
        return _("This consultation was cancelled.")
    if consultation.starts_at > now:
        return _("This consultation has not started yet.")
    return None


def awaits_close(*, consultation: Consultation, by: User, now: datetime) -> bool:
    """The specialist may close it and has not yet."""
    return (
        consultation.status == Consultation.Status.CONFIRMED
        and close_refusal(consultation=consultation, by=by, now=now) is None
    )


def fit_refusal(*, consultation: Consultation, by: User, now: datetime) -> str | None:
    """Why this person may not say whether the specialist was a good fit, or None when they
    may: the client, once the consultation has ended, unless it was cancelled."""
    if consultation.client_id != by.pk:
        return _("This consultation is not yours.")
    if consultation.status == Consultation.Status.CANCELLED or consultation.ends_at > now:
        return _("You can answer after the consultation.")
    return None


def can_answer_fit(*, consultation: Consultation, by: User, now: datetime) -> bool:
    return fit_refusal(consultation=consultation, by=by, now=now) is None
