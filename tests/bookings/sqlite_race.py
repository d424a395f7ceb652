"""50 threads, each with its own connection to one SQLite file, book the same slot.

Run by test_races.py in a subprocess so that the database is a real file (the test
database is in memory) and prints one JSON line: how each attempt ended.
"""

import json
import os
import sys
from collections import Counter

os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ATTEMPTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50


def main() -> None:
    from bookings.models import Consultation
    from tests.bookings.conftest import free_slot, open_hours, race
    from tests.factories import SpecialistFactory, UserFactory

    call_command("migrate", verbosity=0, interactive=False)
    specialist = SpecialistFactory()
    open_hours(specialist)
    clients = [UserFactory() for _ in range(ATTEMPTS)]
    slot = free_slot(specialist, after=timedelta(days=2))
    outcomes = race(specialist=specialist, starts_at=slot.starts_at, clients=clients)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "database": str(connection.settings_dict["NAME"]),
                "outcomes": Counter(outcomes),
                "consultations": Consultation.objects.filter(
                    specialist=specialist, starts_at=slot.starts_at
                ).count(),
            }
        )
    )


if __name__ == "__main__":
    main()
