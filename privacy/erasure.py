"""Erasing an account: the person's data goes, the other side's records stay whole.

The user row is kept, anonymised, because the other side's consultations and
conversations point at it: their pages still render and the cancellation notices written
here are sent after the commit (to the other side: an inactive account gets none). What
only the person wrote or owned is deleted; free text they left on shared rows
is blanked. The README's "Privacy" section lists each choice.
"""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction

from bookings import privacy as bookings_privacy
from directory import privacy as directory_privacy
from directory.models import User
from privacy.contract import APPS

logger = logging.getLogger(__name__)

ERASED_EMAIL_DOMAIN = directory_privacy.ERASED_EMAIL_DOMAIN


@transaction.atomic
def erase_account(*, user: User, now: datetime) -> None:
    """Erase the person's personal data and close the account, all or nothing.

    Every app erases its own part, in the order of APPS, under the locks every booking
    change takes (the specialists, then the person, then the consultations), so that a
    booking in flight finishes first and nothing deadlocks. Upcoming consultations on
    either side are cancelled, so the other side gets the usual notice.
    """
    person = bookings_privacy.lock_for_erasure(user=user, now=now)
    for app in APPS:
        app.erase_user_data(user=person, now=now)
    transaction.on_commit(partial(logger.info, "account erased", extra={"user_id": person.pk}))
