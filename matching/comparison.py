"""What the shortlist page compares for each specialist: one column of plain strings."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory import cards, local_time, profiles
from directory.models import Specialist
from matching import trust


@dataclass(frozen=True)
class Column:
    specialist: Specialist
    facts: list[tuple[str, str]]  # (label, value), in the order of LABELS


def labels() -> list[str]:
    return [
        _("Specialties"),
        _("Approaches"),
        _("Languages"),
        _("Sessions"),
        _("Fee"),
        _("Insurance and payers"),
        _("Next free consultation"),
        _("Replies"),
        _("Experience"),
        _("License"),
    ]


def rows(columns: list[Column]) -> list[tuple[str, list[str]]]:
    """The table's rows: each label with every column's value. Pure."""
    return [
        (label, [column.facts[index][1] for column in columns])
        for index, label in enumerate(labels())
    ]


def column(specialist: Specialist, *, now: datetime, reader: ZoneInfo | None) -> Column:
    """One specialist's column (two queries: their lists and their reply times); times in the
    reader's zone when known, else the specialist's."""
    hours = trust.reply_hours(trust.recent_replies(specialist=specialist, now=now))
    lists = profiles.lists_for(specialist_id=specialist.pk)
    sessions = cards.places(specialist)
    if specialist.offers_in_person and specialist.location:
        sessions = f"{sessions} · {specialist.location}"
    upcoming = specialist.next_free_slot_at is not None and specialist.next_free_slot_at >= now
    values = [
        ", ".join(lists.specialties) or _("None listed"),
        ", ".join(lists.approaches) or _("None listed"),
        ", ".join(lists.languages) or _("None listed"),
        sessions,
        cards.fee(specialist) or specialist.fees or _("Not given"),
        ", ".join(lists.payers) or _("None listed"),
        _next_free(specialist, reader=reader)
        if upcoming and specialist.offers_free_consultation
        else _("None offered at the moment"),
        ngettext("Usually within %(hours)s hour", "Usually within %(hours)s hours", hours)
        % {"hours": hours}
        if hours
        else _("Not enough messages yet"),
        _("%(years)s years") % {"years": specialist.years_experience}
        if specialist.years_experience
        else _("Not given"),
        _("Verified by us on %(date)s")
        % {"date": date_format(timezone.localtime(specialist.license_verified_at), "j F Y")}
        if specialist.license_verified_at
        else _("Not verified yet"),
    ]
    return Column(specialist=specialist, facts=list(zip(labels(), values, strict=True)))


def _next_free(specialist: Specialist, *, reader: ZoneInfo | None) -> str:
    """The next free time labelled in words, as the cards say it: "your time", or the
    specialist's place when the reader's zone is not known."""
    when = cards.next_free(specialist, reader=reader)
    if reader is not None:
        return _("%(when)s (your time)") % {"when": when}
    return _("%(when)s (%(place)s time)") % {
        "when": when,
        "place": local_time.place(specialist.time_zone),
    }
