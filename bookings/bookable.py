"""The specialist a booking page is for, read in one written-out query.

The slot picker, the booking form and the booking itself read it on every request, and the
ORM took longer to build the query (a profile row of fifty columns, its booking settings,
two EXISTS) than the database took to answer it. It reads what those pages and
bookings.booking use; any other field of the profile is loaded when first used, as
Django's deferred fields are.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models

from bookings.models import BookingSettings, Consultation, WaitlistEntry
from directory import local_time
from directory.models import Specialist, User

FIELDS = (
    "id",
    "owner_id",
    "slug",
    "status",
    "name",
    "titles",
    "time_zone",
    "offers_free_consultation",
    "meeting_link",
    "next_free_slot_at",
    "created_at",
)
SETTINGS_FIELDS = tuple(field.attname for field in BookingSettings._meta.concrete_fields)


def _columns(model: type[models.Model], names: tuple[str, ...], alias: str) -> str:
    columns = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(columns[name])}" for name in names)


# The WHERE clause is Specialist.objects.offering_free_consultations() written out (a test
# holds the two together); the EXISTS are sections.existing_consultation and the client's
# place on the waitlist.
_SQL = f"""
SELECT {_columns(Specialist, FIELDS, "s")}, {_columns(BookingSettings, SETTINGS_FIELDS, "b")},
    EXISTS (SELECT 1 FROM {Consultation._meta.db_table} c
            WHERE c.client_id = %(client)s AND c.specialist_id = s.id
              AND c.status <> %(cancelled)s),
    EXISTS (SELECT 1 FROM {WaitlistEntry._meta.db_table} w
            WHERE w.client_id = %(client)s AND w.specialist_id = s.id)
FROM {Specialist._meta.db_table} s
LEFT JOIN {BookingSettings._meta.db_table} b ON b.specialist_id = s.id
WHERE s.slug = %(slug)s AND s.status = %(published)s AND s.offers_free_consultation
"""  # noqa: S608 (table and column names only; every value is a parameter)


@dataclass(frozen=True)
class Bookable:
    """A specialist offering free consultations, their booking settings loaded (or known to
    be missing), and what the client has with them."""

    specialist: Specialist
    # The client has a free consultation with them that is not cancelled, booked or held:
    # they are shown it rather than times they could not book.
    has_consultation: bool
    # The client is on their waitlist.
    waiting: bool


def bookable(*, slug: str, client: User | AnonymousUser | None = None) -> Bookable | None:
    """The specialist with this slug when they offer free consultations, else None: one
    query."""
    client_id = client.pk if client is not None and client.is_authenticated else 0
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "slug": slug,
                "published": Specialist.Status.PUBLISHED.value,
                "client": client_id,
                "cancelled": Consultation.Status.CANCELLED.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(FIELDS, row[: len(FIELDS)], strict=True))
    values["offers_free_consultation"] = bool(values["offers_free_consultation"])
    values["next_free_slot_at"] = local_time.from_written_query(values["next_free_slot_at"])
    values["created_at"] = local_time.from_written_query(values["created_at"])
    specialist = Specialist.from_db(connection.alias, FIELDS, [values[name] for name in FIELDS])
    settings_row = dict(zip(SETTINGS_FIELDS, row[len(FIELDS) : -2], strict=True))
    if settings_row["specialist_id"] is None:
        # As select_related leaves it: reading it raises DoesNotExist, with no query.
        Specialist.booking_settings.related.set_cached_value(specialist, None)
    else:
        settings_row["link_by_email"] = bool(settings_row["link_by_email"])
        specialist.booking_settings = BookingSettings.from_db(
            connection.alias, SETTINGS_FIELDS, [settings_row[name] for name in SETTINGS_FIELDS]
        )
    has_consultation, waiting = row[-2:]
    return Bookable(
        specialist=specialist,
        has_consultation=bool(client_id and has_consultation),
        waiting=bool(client_id and waiting),
    )
