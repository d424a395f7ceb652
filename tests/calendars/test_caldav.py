"""CalDAV against a real Radicale server started for each test."""

from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from caldav.collection import Principal
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from bookings import booking
from bookings.models import BusyTime
from calendars import caldav_sync, connections, sync, writeback
from calendars.models import CalendarConnection, RemoteCalendar, WrittenEvent
from privacy.erasure import erase_account
from tests.bookings.conftest import free_slot, open_hours
from tests.calendars.servers import Radicale
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "app-pass-1"


@pytest.fixture
def radicale(tmp_path, settings):
    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Radicale(tmp_path, {"alice": PASSWORD})
    client = caldav_sync.open_client(url=server.url, username="alice", password=PASSWORD)
    principal = client.principal()
    server.work = principal.make_calendar(name="Work")
    server.family = principal.make_calendar(name="Family")
    yield server
    server.stop()


@pytest.fixture
def specialist():
    specialist = SpecialistFactory()
    open_hours(specialist)
    return specialist


def connect(specialist, radicale, password=PASSWORD):
    return connections.add_caldav_account(
        specialist=specialist,
        url=radicale.url,
        username="alice",
        password=password,
        now=timezone.now(),
    )


def put_event(calendar, start, *, uid="dentist@test", transparent=False):
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261201T000000Z",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
        "SUMMARY:Dentist",
        *(["TRANSP:TRANSPARENT"] if transparent else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    calendar.save_event("\r\n".join(lines) + "\r\n")


def in_two_days(at=15):
    return (timezone.now() + timedelta(days=2)).replace(hour=at, minute=0, second=0, microsecond=0)


def events_of(calendar):
    return [icalendar.Calendar.from_ical(event.data) for event in calendar.events()]


def test_connecting_lists_the_calendars_and_the_first_receives_consultations(specialist, radicale):
    connection = connect(specialist, radicale)

    calendars = list(connection.calendars.order_by("name"))
    assert [(c.name, c.read_busy) for c in calendars] == [("Family", True), ("Work", True)]
    assert sum(c.receives_consultations for c in calendars) == 1
    stored = CalendarConnection.objects.values_list("password_sealed", flat=True).get()
    assert PASSWORD not in stored


def test_a_wrong_password_is_said_in_plain_words(specialist, radicale):
    with pytest.raises(connections.CalendarError, match="Wrong user name or password"):
        connect(specialist, radicale, password="wrong")
    assert CalendarConnection.objects.count() == 0


def test_a_password_changed_later_shows_as_the_last_error(specialist, radicale):
    connection = connect(specialist, radicale)
    CalendarConnection.objects.filter(pk=connection.pk).update(
        password_sealed=connections.sealing.seal("changed", purpose="password")
    )

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    connection.refresh_from_db()
    assert connection.last_error == "Wrong user name or password."


def test_busy_times_are_read_from_the_chosen_calendars_only(specialist, radicale):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    put_event(radicale.family, in_two_days(18), uid="family@test")
    put_event(radicale.work, in_two_days(20), uid="free@test", transparent=True)
    connection = connect(specialist, radicale)
    family = connection.calendars.get(name="Family")
    work = connection.calendars.get(name="Work")
    connections.choose_calendars(
        connection=connection, read_busy={work.pk}, receiving=work.pk, now=timezone.now()
    )

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert list(BusyTime.objects.values_list("starts_at", flat=True)) == [in_two_days(15)]
    connection.refresh_from_db()
    assert connection.busy_count == 1
    assert connection.last_error == ""
    assert not RemoteCalendar.objects.get(pk=family.pk).read_busy


def test_only_one_calendar_of_a_specialist_receives_consultations(specialist, radicale):
    connection = connect(specialist, radicale)
    work = connection.calendars.get(name="Work")
    family = connection.calendars.get(name="Family")
    connections.choose_calendars(
        connection=connection, read_busy=set(), receiving=family.pk, now=timezone.now()
    )

    assert list(
        RemoteCalendar.objects.filter(receives_consultations=True).values_list("name", flat=True)
    ) == ["Family"]
    with pytest.raises(IntegrityError):
        RemoteCalendar.objects.filter(pk=work.pk).update(receives_consultations=True)


def write_all():
    now = timezone.now()
    return sum(
        writeback.write_event(event_id=pk, now=now)
        for batch in writeback.due_batches(now=now)
        for pk in batch
    )


def test_a_booking_is_written_moved_and_removed_with_a_neutral_title(specialist, radicale):
    connection = connect(specialist, radicale)
    work = connection.calendars.get(name="Work")
    connections.choose_calendars(
        connection=connection, read_busy={work.pk}, receiving=work.pk, now=timezone.now()
    )
    client = UserFactory()
    consultation = booking.book(
        client=client,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        note="panic attacks at night",
        now=timezone.now(),
    )

    assert write_all() == 1
    [written] = events_of(radicale.work)
    event = written.events[0]
    assert str(event["SUMMARY"]) == "Free consultation — First Step"
    assert event.start == consultation.starts_at
    assert b"panic" not in written.to_ical()
    assert client.email.encode() not in written.to_ical()
    assert write_all() == 0  # current: nothing to do

    # Our own event is not read back as a busy time.
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    assert BusyTime.objects.count() == 0

    new_start = free_slot(specialist, index=3).starts_at
    booking.reschedule(
        consultation=consultation, by=client, starts_at=new_start, now=timezone.now()
    )
    assert write_all() == 1
    [moved] = events_of(radicale.work)
    assert moved.events[0].start == new_start
    assert str(moved.events[0]["UID"]) == str(event["UID"])

    consultation.refresh_from_db()
    booking.cancel(consultation=consultation, by=client, now=timezone.now())
    assert write_all() == 1
    assert events_of(radicale.work) == []
    assert write_all() == 0


def test_two_workers_never_write_the_same_event_twice(specialist, radicale):
    connect(specialist, radicale)
    booking.book(
        client=UserFactory(),
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        now=timezone.now(),
    )
    now = timezone.now()
    [[event_id]] = writeback.due_batches(now=now)
    WrittenEvent.objects.filter(pk=event_id).update(claimed_at=now, claim="other-worker")

    assert not writeback.write_event(event_id=event_id, now=now)
    assert writeback.due_batches(now=now) == []  # held: the sweep does not hand it out
    assert writeback.due_batches(now=now + timedelta(minutes=11)) == [[event_id]]  # stale


def test_a_server_that_is_down_leaves_the_event_to_a_later_sweep(specialist, radicale):
    connect(specialist, radicale)
    booking.book(
        client=UserFactory(),
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode="video",
        now=timezone.now(),
    )
    radicale.stop()

    assert write_all() == 1

    row = WrittenEvent.objects.get()
    assert row.written_sequence is None
    assert row.last_error == "The CalDAV server could not be reached."
    assert row.claim == ""


@pytest.fixture
def requests_made(monkeypatch):
    """The (method, path) of every request the CalDAV client sends."""
    made = []
    real_request = caldav_sync.DAVClient.request

    def request(self, url, method="GET", *args, **kwargs):
        made.append((method, str(url).rsplit("/", 2)[-2]))
        return real_request(self, url, method, *args, **kwargs)

    monkeypatch.setattr(caldav_sync.DAVClient, "request", request)
    return made


def busy_starts():
    return sorted(BusyTime.objects.values_list("starts_at", flat=True))


def test_an_unchanged_caldav_calendar_costs_one_small_request_each(
    specialist, radicale, requests_made
):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    connection = connect(specialist, radicale)
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    assert all(c.sync_token for c in connection.calendars.all())
    requests_made.clear()

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert sorted(method for method, _ in requests_made) == ["REPORT", "REPORT"]
    assert busy_starts() == [in_two_days(15)]
    connection.refresh_from_db()
    assert connection.last_success_at is not None
    assert connection.last_error == ""


def test_a_changed_caldav_calendar_fetches_only_what_changed(specialist, radicale, requests_made):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    put_event(radicale.work, in_two_days(17), uid="gym@test")
    connection = connect(specialist, radicale)
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    put_event(radicale.family, in_two_days(18), uid="family@test")
    radicale.work.event_by_uid("gym@test").delete()
    requests_made.clear()

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert busy_starts() == [in_two_days(15), in_two_days(18)]
    gets = [path for method, path in requests_made if method == "GET"]
    assert len(gets) == 1  # the new event only; nothing is searched again
    assert all(method in {"REPORT", "GET"} for method, _ in requests_made)


def test_a_token_the_server_no_longer_accepts_falls_back_to_a_full_read(specialist, radicale):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    connection = connect(specialist, radicale)
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    put_event(radicale.family, in_two_days(18), uid="family@test")
    connection.calendars.update(sync_token="http://radicale.org/ns/sync/0000-expired")

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert busy_starts() == [in_two_days(15), in_two_days(18)]
    assert not connection.calendars.filter(sync_token__endswith="expired").exists()
    connection.refresh_from_db()
    assert connection.last_error == ""


def test_a_server_without_sync_tokens_is_read_in_full_each_time(specialist, radicale, monkeypatch):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    connection = connect(specialist, radicale)
    monkeypatch.setattr(caldav_sync, "_sync_token", lambda calendar: "")
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    put_event(radicale.family, in_two_days(18), uid="family@test")

    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert busy_starts() == [in_two_days(15), in_two_days(18)]


def test_a_calendar_no_longer_chosen_stops_blocking_at_the_next_sync(specialist, radicale):
    put_event(radicale.work, in_two_days(15), uid="work@test")
    put_event(radicale.family, in_two_days(18), uid="family@test")
    connection = connect(specialist, radicale)
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())
    assert BusyTime.objects.count() == 2
    work = connection.calendars.get(name="Work")

    connections.choose_calendars(
        connection=connection, read_busy={work.pk}, receiving=work.pk, now=timezone.now()
    )
    sync.sync_connection(connection_id=connection.pk, now=timezone.now())

    assert list(BusyTime.objects.values_list("starts_at", flat=True)) == [in_two_days(15)]


def test_calendars_the_server_places_on_another_host_are_left_out(
    specialist, radicale, monkeypatch
):
    real_calendars = Principal.calendars

    def with_a_foreign_one(self):
        found = real_calendars(self)
        foreign = SimpleNamespace(url="http://169.254.169.254/x/", get_display_name=lambda: "X")
        return [*found, foreign]

    monkeypatch.setattr(Principal, "calendars", with_a_foreign_one)

    connection = connect(specialist, radicale)

    assert sorted(connection.calendars.values_list("name", flat=True)) == ["Family", "Work"]


def book_two(specialist):
    client = UserFactory()
    return [
        booking.book(
            client=UserFactory() if index else client,
            specialist=specialist,
            starts_at=free_slot(specialist, index=index * 3).starts_at,
            mode="video",
            now=timezone.now(),
        )
        for index in range(2)
    ]


def test_upcoming_consultations_move_to_the_calendar_newly_chosen(specialist, radicale):
    connection = connect(specialist, radicale)
    work = connection.calendars.get(name="Work")
    family = connection.calendars.get(name="Family")
    connections.choose_calendars(
        connection=connection, read_busy=set(), receiving=work.pk, now=timezone.now()
    )
    book_two(specialist)
    write_all()
    assert len(events_of(radicale.work)) == 2

    connections.choose_calendars(
        connection=connection, read_busy=set(), receiving=family.pk, now=timezone.now()
    )
    write_all()  # out of the old one
    write_all()  # into the new one

    assert events_of(radicale.work) == []
    assert len(events_of(radicale.family)) == 2
    assert WrittenEvent.objects.filter(calendar=family).exclude(href="").count() == 2


def test_removing_an_account_first_takes_our_consultations_out_of_its_calendar(
    specialist, radicale, client
):
    connection = connect(specialist, radicale)
    book_two(specialist)
    write_all()
    receiving = connection.calendars.get(receives_consultations=True)
    assert len(events_of(radicale.work if receiving.name == "Work" else radicale.family)) == 2
    client.force_login(specialist.owner)
    url = reverse("calendars:remove", args=[connection.pk])
    assert "We will remove the 2 consultations we added to your calendar." in (
        client.get(url).content.decode()
    )

    response = client.post(url, follow=True)

    assert "We are removing the 2 consultations" in response.content.decode()
    # Kept, unlisted and unread, with its credentials, until the events are out.
    connection.refresh_from_db()
    assert connection.removing_since is not None
    assert client.get(url).status_code == 404
    assert not sync.due_batches(now=timezone.now() + timedelta(hours=1))
    assert write_all() == 2
    assert events_of(radicale.work) == events_of(radicale.family) == []
    write_all()  # the sweep after: nothing left to take out, so the connection goes
    assert not CalendarConnection.objects.exists()
    assert not WrittenEvent.objects.exists()


def test_a_removal_the_server_refuses_gives_up_after_a_day(specialist, radicale):
    connection = connect(specialist, radicale)
    book_two(specialist)
    write_all()
    CalendarConnection.objects.filter(pk=connection.pk).update(
        password_sealed=connections.sealing.seal("changed", purpose="password")
    )

    assert connections.remove_connection(connection=connection, now=timezone.now()) == 2
    write_all()

    assert WrittenEvent.objects.exclude(href="").count() == 2
    assert set(WrittenEvent.objects.values_list("last_error", flat=True)) == {
        "Wrong user name or password."
    }
    assert writeback.finish_removals(now=timezone.now() + timedelta(hours=23)) == 0
    assert writeback.finish_removals(now=timezone.now() + timedelta(hours=25)) == 1
    assert not CalendarConnection.objects.exists()


def test_erasing_the_account_takes_our_consultations_out_then_the_credentials(specialist, radicale):
    connection = connect(specialist, radicale)
    book_two(specialist)
    write_all()

    erase_account(user=specialist.owner, now=timezone.now())

    assert CalendarConnection.objects.get().removing_since is not None
    write_all()
    write_all()
    assert events_of(radicale.work) == events_of(radicale.family) == []
    assert not CalendarConnection.objects.filter(pk=connection.pk).exists()
