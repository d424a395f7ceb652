import logging
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings import availability
from bookings.models import BookingSettings, BusyTime
from calendars import connections, sync
from calendars.models import CalendarConnection
from privacy.erasure import erase_account
from tests.bookings.conftest import open_hours
from tests.calendars.servers import Route
from tests.factories import SpecialistFactory
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db


def ics(*events: tuple[timezone.datetime, timezone.datetime]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n, (start, end) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{n}@test",
            "DTSTAMP:20261201T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            "SUMMARY:Therapy with a private client",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def hour(days: int, at: int = 15) -> tuple:
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=at, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=1)


@pytest.fixture
def subscribed(ics_server):
    ics_server.routes["/secret-token/basic.ics"] = Route(body=ics(hour(2), hour(3), hour(40)))
    specialist = SpecialistFactory()
    connection = connections.add_subscription(
        specialist=specialist,
        url=ics_server.url("/secret-token/basic.ics"),
        now=timezone.now(),
    )
    return connection


def busy_of(connection):
    return list(
        BusyTime.objects.filter(source=connection.source).values_list("starts_at", "ends_at")
    )


def test_a_sync_stores_the_busy_times_within_the_horizon_and_the_status(subscribed):
    now = timezone.now()

    assert sync.sync_connection(connection_id=subscribed.pk, now=now)

    subscribed.refresh_from_db()
    assert busy_of(subscribed) == [hour(2), hour(3)]  # day 40 is past the 30-day horizon
    assert subscribed.last_success_at == now
    assert subscribed.busy_count == 2
    assert subscribed.last_error == ""
    assert subscribed.etag


def test_the_specialists_own_horizon_is_expanded(subscribed):
    BookingSettings.objects.create(specialist=subscribed.specialist, horizon_days=60)

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert len(busy_of(subscribed)) == 3


def test_an_unchanged_calendar_answers_304_and_keeps_its_busy_times(subscribed, ics_server):
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    later = timezone.now() + timedelta(minutes=10)

    sync.sync_connection(connection_id=subscribed.pk, now=later)

    subscribed.refresh_from_db()
    assert ics_server.not_modified == 1
    assert subscribed.last_success_at == later
    assert len(busy_of(subscribed)) == 2


def test_a_changed_calendar_replaces_its_busy_times(subscribed, ics_server):
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    ics_server.routes["/secret-token/basic.ics"] = Route(body=ics(hour(5)))

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert busy_of(subscribed) == [hour(5)]


def test_a_feed_whose_busy_times_are_the_same_is_not_written_again(subscribed, ics_server):
    """Google stamps its feed anew on every fetch: new bytes, the same busy times."""
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    before = list(BusyTime.objects.order_by("pk").values_list("pk", flat=True))
    body = ics(hour(2), hour(3), hour(40)).replace(b"DTSTAMP:20261201", b"DTSTAMP:20261205")
    ics_server.routes["/secret-token/basic.ics"] = Route(body=body)

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert list(BusyTime.objects.order_by("pk").values_list("pk", flat=True)) == before
    subscribed.refresh_from_db()
    assert subscribed.busy_count == 2
    assert subscribed.content_hash == sync.hashlib.sha256(body).hexdigest()


def test_a_batch_claims_its_connections_at_once_and_skips_those_another_worker_holds(
    subscribed, ics_server
):
    ics_server.routes["/other.ics"] = Route(body=ics(hour(4)))
    other = connections.add_subscription(
        specialist=SpecialistFactory(), url=ics_server.url("/other.ics"), now=timezone.now()
    )
    CalendarConnection.objects.filter(pk=other.pk).update(
        claimed_at=timezone.now(), claim="another-worker"
    )

    assert sync.sync_connections(connection_ids=[subscribed.pk, other.pk], now=timezone.now()) == 1

    assert len(busy_of(subscribed)) == 2
    assert busy_of(other) == []
    assert CalendarConnection.objects.get(pk=other.pk).claim == "another-worker"


def test_the_address_is_stored_sealed_and_shown_masked(subscribed):
    stored = CalendarConnection.objects.values_list("url_sealed", flat=True).get()

    assert "secret-token" not in stored
    assert subscribed.masked_url == "http://127.0.0.1/…"


def test_a_404_keeps_the_last_busy_times_and_says_so_in_plain_words(subscribed, ics_server):
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    del ics_server.routes["/secret-token/basic.ics"]

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    subscribed.refresh_from_db()
    assert subscribed.last_error == "The calendar address returned 404."
    assert subscribed.failing_since is not None
    assert len(busy_of(subscribed)) == 2
    send_outbox()
    assert mail.outbox == []


def test_a_web_page_instead_of_a_calendar_is_not_an_icalendar_file(subscribed, ics_server):
    ics_server.routes["/secret-token/basic.ics"] = Route(body=b"<html>Sign in</html>")

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    subscribed.refresh_from_db()
    assert subscribed.last_error == "Not an iCalendar file."


def test_after_a_day_of_failures_the_busy_times_go_and_the_specialist_is_emailed_once(
    subscribed, ics_server
):
    now = timezone.now()
    sync.sync_connection(connection_id=subscribed.pk, now=now)
    del ics_server.routes["/secret-token/basic.ics"]
    sync.sync_connection(connection_id=subscribed.pk, now=now + timedelta(minutes=10))

    sync.sync_connection(connection_id=subscribed.pk, now=now + timedelta(hours=24, minutes=10))
    sync.sync_connection(connection_id=subscribed.pk, now=now + timedelta(hours=24, minutes=20))

    assert busy_of(subscribed) == []
    assert send_outbox() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [subscribed.specialist.owner.email]
    assert message.subject == "[First Step] One of your calendars could not be read for a day"
    assert "secret-token" not in message.body
    assert "returned 404" in message.body


def test_a_calendar_that_recovers_before_its_e_mail_goes_out_is_not_reported(
    subscribed, ics_server
):
    now = timezone.now()
    del ics_server.routes["/secret-token/basic.ics"]
    sync.sync_connection(connection_id=subscribed.pk, now=now)
    sync.sync_connection(connection_id=subscribed.pk, now=now + timedelta(hours=24, minutes=10))
    ics_server.routes["/secret-token/basic.ics"] = Route(body=ics(hour(2)))
    sync.sync_connection(connection_id=subscribed.pk, now=now + timedelta(hours=24, minutes=20))

    assert send_outbox() == 1  # the sender read the connection again: nothing left to tell
    assert mail.outbox == []


def test_a_recovered_calendar_clears_the_error(subscribed, ics_server):
    del ics_server.routes["/secret-token/basic.ics"]
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    ics_server.routes["/secret-token/basic.ics"] = Route(body=ics(hour(2)))

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    subscribed.refresh_from_db()
    assert subscribed.last_error == ""
    assert subscribed.failing_since is None
    assert subscribed.busy_count == 1


def test_a_connection_another_worker_holds_is_left_alone(subscribed):
    now = timezone.now()
    CalendarConnection.objects.filter(pk=subscribed.pk).update(claimed_at=now, claim="other")

    assert not sync.sync_connection(connection_id=subscribed.pk, now=now)
    assert busy_of(subscribed) == []


def test_the_secret_address_never_reaches_the_logs(subscribed, ics_server, caplog):
    caplog.set_level(logging.DEBUG)
    del ics_server.routes["/secret-token/basic.ics"]

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert "secret-token" not in caplog.text


def test_due_connections_are_handed_out_once_and_due_again_ten_minutes_later(subscribed):
    now = timezone.now()

    assert sync.due_batches(now=now) == [[subscribed.pk]]
    assert sync.due_batches(now=now + timedelta(minutes=9)) == []
    assert sync.due_batches(now=now + timedelta(minutes=10)) == [[subscribed.pk]]


def test_removing_a_connection_forgets_its_busy_times(subscribed):
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    connections.remove_connection(connection=subscribed, now=timezone.now())

    assert BusyTime.objects.count() == 0


def test_a_sync_finishing_after_the_removal_stores_nothing(subscribed, monkeypatch):
    """The removal runs between the fetch and the write."""
    real_read = sync._read_subscription

    def read_then_removed(read, now):
        real_read(read, now)
        connections.remove_connection(
            connection=CalendarConnection.objects.get(pk=read.connection.pk), now=now
        )

    monkeypatch.setattr(sync, "_read_subscription", read_then_removed)

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert BusyTime.objects.count() == 0


def test_sync_now_makes_the_connection_due_at_most_once_a_minute(subscribed):
    now = timezone.now()
    CalendarConnection.objects.filter(pk=subscribed.pk).update(
        next_sync_at=now + timedelta(minutes=5)
    )
    sync.sync_connection(connection_id=subscribed.pk, now=now - timedelta(minutes=2))

    connections.request_sync(connection=subscribed, now=now)
    with pytest.raises(connections.CalendarError):
        connections.request_sync(connection=subscribed, now=now)
    assert sync.due_batches(now=now) == [[subscribed.pk]]


def test_a_client_no_longer_sees_the_slots_the_calendar_blocks(subscribed, ics_server):
    specialist = subscribed.specialist
    open_hours(specialist, starts=time(0, 0), ends=time(0, 0))
    now = timezone.now()
    window = {"specialist": specialist, "now": now, "starts": now, "ends": now + timedelta(days=7)}
    before = {slot.starts_at for slot in availability.slots_for(**window)}
    blocked = {start + timedelta(minutes=m) for start, _end in (hour(2), hour(3)) for m in (0, 30)}
    assert blocked <= before

    sync.sync_connection(connection_id=subscribed.pk, now=now)

    after = {slot.starts_at for slot in availability.slots_for(**window)}
    assert before - after == blocked


def test_erasing_the_specialists_account_deletes_their_connections_and_busy_times(subscribed):
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    assert BusyTime.objects.count() == 2

    erase_account(user=subscribed.specialist.owner, now=timezone.now())

    assert CalendarConnection.objects.count() == 0
    assert BusyTime.objects.count() == 0


def test_the_same_bytes_from_a_server_without_etags_are_not_parsed_again(
    subscribed, ics_server, monkeypatch
):
    ics_server.routes["/secret-token/basic.ics"].conditional = False
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    parsed = []
    real_parse = sync.parsing.busy_intervals
    monkeypatch.setattr(
        sync.parsing, "busy_intervals", lambda **kw: parsed.append(1) or real_parse(**kw)
    )

    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())
    ics_server.routes["/secret-token/basic.ics"] = Route(body=ics(hour(4)), conditional=False)
    sync.sync_connection(connection_id=subscribed.pk, now=timezone.now())

    assert ics_server.not_modified == 0
    assert parsed == [1]
    assert busy_of(subscribed) == [hour(4)]
