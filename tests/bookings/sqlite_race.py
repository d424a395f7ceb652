"""50 threads, each with its own connection to one SQLite file, book the same slot.

Run by test_races.py in a subprocess so that the database is a real file (the test
database is in memory) and prints one JSON line: how each attempt ended.
"""

import json
import os
import sys
import threading
from collections import Counter

os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ATTEMPTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50


def main() -> None:
    from bookings import booking
    from bookings.models import Consultation
    from tests.bookings.conftest import free_slot, open_hours
    from tests.factories import SpecialistFactory, UserFactory

    call_command("migrate", verbosity=0, interactive=False)
    specialist = SpecialistFactory()
    open_hours(specialist)
    clients = [UserFactory() for _ in range(ATTEMPTS)]
    slot = free_slot(specialist, after=timedelta(days=2))
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(client) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            booking.book(
                client=client,
                specialist=specialist,
                starts_at=slot.starts_at,
                mode="video",
                now=timezone.now(),
            )
            outcome = "booked"
        except booking.BookingError as error:
            outcome = f"refused: {error}"
        except Exception as error:
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
