"""The shortlist: specialists a person saved to compare side by side.

Logged out, it is a list of ids in the session; with an account, rows (ShortlistEntry). At
log-in the session's list moves to the account. Either holds at most MAX_ENTRIES, so that
what a person can save stays bounded; the page compares up to COMPARED at a time.
"""

from collections.abc import Sequence

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from directory.models import Specialist, User
from matching.models import ShortlistEntry

SESSION_KEY = "shortlist"
MAX_ENTRIES = 20
COMPARED = 4


class ShortlistError(Exception):
    """A shortlist rule was broken; the message is safe to show."""


def _full() -> ShortlistError:
    return ShortlistError(
        _("Your shortlist holds %(max)s specialists at most. Remove one to add another.")
        % {"max": MAX_ENTRIES}
    )


def session_ids(session: SessionBase) -> list[int]:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, list):
        return []
    return [value for value in stored if isinstance(value, int)][:MAX_ENTRIES]


# Read for the hearts on every results page a person sees logged in, so written out once: the
# ORM took longer to build this query than the database to run it.
IDS_SQL = f"""
SELECT specialist_id FROM {ShortlistEntry._meta.db_table}
WHERE user_id = %s ORDER BY added_at, id
"""  # noqa: S608 - a table name from the model; the id is a parameter


def ids_for(*, user: User | None, session: SessionBase) -> list[int]:
    """The shortlisted specialist ids, oldest first: one query with an account, none without."""
    if user is None:
        return session_ids(session)
    with connection.cursor() as cursor:
        cursor.execute(IDS_SQL, [user.pk])
        return [specialist_id for (specialist_id,) in cursor.fetchall()]


@transaction.atomic
def add(*, user: User | None, session: SessionBase, specialist: Specialist) -> None:
    """Save `specialist` (already there: nothing changes). Raises ShortlistError when full.

    With an account the count is read under the person's row lock, so two tabs adding at
    once cannot pass the limit together.
    """
    if user is None:
        ids = session_ids(session)
        if specialist.pk in ids:
            return
        if len(ids) >= MAX_ENTRIES:
            raise _full()
        session[SESSION_KEY] = [*ids, specialist.pk]
        return
    User.objects.select_for_update().filter(pk=user.pk).first()
    entries = ShortlistEntry.objects.filter(user=user)
    if entries.filter(specialist=specialist).exists():
        return
    if entries.count() >= MAX_ENTRIES:
        raise _full()
    try:
        with transaction.atomic():
            ShortlistEntry.objects.create(user=user, specialist=specialist)
    except IntegrityError:
        return  # the same specialist saved from another tab in between


def remove(*, user: User | None, session: SessionBase, specialist_id: int) -> None:
    if user is None:
        session[SESSION_KEY] = [pk for pk in session_ids(session) if pk != specialist_id]
        return
    ShortlistEntry.objects.filter(user=user, specialist_id=specialist_id).delete()


@transaction.atomic
def move_to_account(*, user: User, session: SessionBase) -> int:
    """Save the session's shortlist to `user`'s account in the order it was saved (up to
    the limit, the first saved first) and empty the session's. Returns how many of its
    specialists the account now holds."""
    ids = session_ids(session)
    session.pop(SESSION_KEY, None)
    listed = Specialist.objects.listed().in_bulk(ids)
    added = 0
    for specialist in (listed[pk] for pk in ids if pk in listed):
        try:
            add(user=user, session=session, specialist=specialist)
        except ShortlistError:
            break
        added += 1
    return added


def compared(ids: Sequence[int], chosen: Sequence[int]) -> list[int]:
    """The ids to compare: those chosen that are shortlisted, else the first ones. Pure."""
    picked = [pk for pk in chosen if pk in ids]
    return list(dict.fromkeys(picked or ids))[:COMPARED]


def move_at_login(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Receives `user_logged_in`: what was saved while logged out moves to the account."""
    if request is not None and hasattr(request, "session"):
        move_to_account(user=user, session=request.session)
