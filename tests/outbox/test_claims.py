"""Claims: each row goes to one sweep, a dead worker's claim is taken over once stale."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Reminder
from outbox.claims import STALE_CLAIM, mark_one_sent_sql
from outbox.models import Email
from tests.factories import ReminderFactory

FIRST = ("due_at", "pk")


def due_emails(count: int, *, now: datetime) -> list[int]:
    rows = Email.objects.bulk_create(
        Email(sender="messaging.contact.email_staff", args={"n": n}, created_at=now, due_at=now)
        for n in range(count)
    )
    return [row.pk for row in rows]


def holders(ids: list[int]) -> list[str]:
    claims = dict(Email.objects.filter(pk__in=ids).values_list("pk", "claim"))
    return [claims[pk] for pk in ids]


@contextmanager
def between_read_and_claim(action: Callable[[], object]) -> Iterator[None]:
    """Run `action` once, just before the first claim of an e-mail is written."""
    done: list[bool] = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith('UPDATE "outbox_email"') and not done:
            done.append(True)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert done, "no claim was written"


@pytest.mark.django_db
def test_a_claim_takes_the_rows_no_worker_holds_and_marks_them_with_its_token():
    now = timezone.now()
    ids = due_emails(3, now=now)
    Email.objects.filter(pk=ids[0]).update(claimed_at=now, claim="another-worker")

    token, claimed = Email.objects.all().claim(now=now)

    assert claimed == 2
    assert len(token) == 32
    assert holders(ids) == ["another-worker", token, token]
    assert set(Email.objects.filter(claim=token).values_list("claimed_at", flat=True)) == {now}


@pytest.mark.django_db
def test_a_claim_is_taken_over_only_once_it_is_older_than_stale_claim():
    now = timezone.now()
    (row,) = due_emails(1, now=now)
    Email.objects.update(claimed_at=now, claim="a-worker-that-died")

    assert Email.objects.all().claim(now=now + STALE_CLAIM)[1] == 0
    token, claimed = Email.objects.all().claim(now=now + STALE_CLAIM + timedelta(seconds=1))

    assert claimed == 1
    assert holders([row]) == [token]


@pytest.mark.django_db
def test_a_row_that_stops_matching_between_the_read_and_the_claim_is_not_claimed():
    now = timezone.now()
    ids = due_emails(3, now=now)

    def given_up() -> None:
        Email.objects.filter(pk=ids[1]).update(failed_at=now)

    with between_read_and_claim(given_up):
        token, read = Email.objects.due(now=now).claim_first(now=now, limit=10, order_by=FIRST)

    assert read == ids
    assert holders(ids) == [token, "", token]


@pytest.mark.django_db
def test_a_sweep_that_claims_between_another_ones_read_and_claim_keeps_its_rows():
    now = timezone.now()
    ids = due_emails(6, now=now)
    other: list[tuple[str, list[int]]] = []

    def other_sweep() -> None:
        other.append(Email.objects.due(now=now).claim_first(now=now, limit=4, order_by=FIRST))

    with between_read_and_claim(other_sweep):
        token, read = Email.objects.due(now=now).claim_first(now=now, limit=10, order_by=FIRST)

    ((other_token, other_read),) = other
    assert (read, other_read) == (ids, ids[:4])
    assert other_token != token
    assert holders(ids) == [other_token] * 4 + [token] * 2


@pytest.mark.django_db
def test_nothing_due_claims_nothing():
    now = timezone.now()
    due_emails(2, now=now + timedelta(minutes=1))

    assert Email.objects.due(now=now).claim_first(now=now, limit=10, order_by=FIRST) == ("", [])
    assert not Email.objects.exclude(claim="").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_that_read_the_same_rows_at_once_on_postgresql_claim_each_row_once():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (this run uses {connection.vendor}); "
            "set DATABASE_URL=postgres://... to run the real race"
        )
    now = timezone.now()
    ids = due_emails(40, now=now)
    both_have_read = threading.Barrier(2)
    claims: list[tuple[str, int]] = []

    def sweep() -> None:
        try:
            due = Email.objects.due(now=now)
            read = list(due.unclaimed(now=now).values_list("pk", flat=True))
            assert sorted(read) == ids
            both_have_read.wait()
            claims.append(due.filter(pk__in=read).claim(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(claimed for _token, claimed in claims) == 40
    assert set(holders(ids)) <= {token for token, _claimed in claims}


@pytest.mark.django_db
def test_release_gives_the_rows_back_with_the_changes_written_alongside():
    now = timezone.now()
    ids = due_emails(2, now=now)
    token, _claimed = Email.objects.all().claim(now=now)

    assert Email.objects.filter(pk=ids[0], claim=token).release(attempts=3) == 1

    released = Email.objects.get(pk=ids[0])
    assert (released.claim, released.claimed_at, released.attempts) == ("", None, 3)
    assert holders(ids) == ["", token]


@pytest.mark.django_db
def test_one_row_is_marked_sent_only_by_the_worker_holding_its_claim():
    now = timezone.now()
    reminder = ReminderFactory(claimed_at=now, claim="the-other-worker")

    mark_sent = mark_one_sent_sql(Reminder)

    with connection.cursor() as cursor:
        params = [connection.ops.adapt_datetimefield_value(now), reminder.pk]
        cursor.execute(mark_sent, [*params, "a-slow-worker"])
        assert cursor.rowcount == 0
        cursor.execute(mark_sent, [*params, "the-other-worker"])
        assert cursor.rowcount == 1

    reminder.refresh_from_db()
    assert reminder.sent_at == now
