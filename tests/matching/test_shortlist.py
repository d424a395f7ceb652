from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from matching import comparison, shortlist
from matching.models import ShortlistEntry
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def ids(user=None, session=None):
    return shortlist.ids_for(user=user, session=session or SessionStore())


# Domain functions


def test_logged_out_the_shortlist_is_ids_in_the_session():
    session = SessionStore()
    first, second = SpecialistFactory(), SpecialistFactory()

    shortlist.add(user=None, session=session, specialist=first)
    shortlist.add(user=None, session=session, specialist=second)
    shortlist.add(user=None, session=session, specialist=first)

    assert shortlist.ids_for(user=None, session=session) == [first.pk, second.pk]
    shortlist.remove(user=None, session=session, specialist_id=first.pk)
    assert shortlist.ids_for(user=None, session=session) == [second.pk]
    assert not ShortlistEntry.objects.exists()


def test_with_an_account_it_is_rows_saved_once_each():
    user, specialist = UserFactory(), SpecialistFactory()

    shortlist.add(user=user, session=SessionStore(), specialist=specialist)
    shortlist.add(user=user, session=SessionStore(), specialist=specialist)

    assert ids(user) == [specialist.pk]
    shortlist.remove(user=user, session=SessionStore(), specialist_id=specialist.pk)
    assert ids(user) == []


@pytest.mark.parametrize("logged_in", [True, False])
def test_the_shortlist_is_bounded(monkeypatch, logged_in):
    monkeypatch.setattr(shortlist, "MAX_ENTRIES", 2)
    user = UserFactory() if logged_in else None
    session = SessionStore()
    for _ in range(2):
        shortlist.add(user=user, session=session, specialist=SpecialistFactory())

    with pytest.raises(shortlist.ShortlistError, match="2 specialists at most"):
        shortlist.add(user=user, session=session, specialist=SpecialistFactory())


def test_at_log_in_the_sessions_list_moves_to_the_account_without_duplicates():
    user = UserFactory()
    already, new, unpublished = SpecialistFactory(), SpecialistFactory(), SpecialistFactory()
    shortlist.add(user=user, session=SessionStore(), specialist=already)
    unpublished.status = unpublished.Status.DRAFT
    unpublished.save()
    session = SessionStore()
    session[shortlist.SESSION_KEY] = [new.pk, already.pk, unpublished.pk]

    shortlist.move_to_account(user=user, session=session)

    assert sorted(ids(user)) == sorted([already.pk, new.pk])
    assert shortlist.SESSION_KEY not in session


def test_at_log_in_the_sessions_list_keeps_the_order_it_was_saved_in():
    user = UserFactory()
    first_made, then_made, last_made = SpecialistFactory.create_batch(3)
    session = SessionStore()
    session[shortlist.SESSION_KEY] = [last_made.pk, first_made.pk, then_made.pk]

    shortlist.move_to_account(user=user, session=session)

    assert ids(user) == [last_made.pk, first_made.pk, then_made.pk]


def test_up_to_four_are_compared_those_chosen_first():
    assert shortlist.compared([1, 2, 3, 4, 5], []) == [1, 2, 3, 4]
    assert shortlist.compared([1, 2, 3, 4, 5], [5, 9, 2]) == [5, 2]


# Pages


def test_the_next_free_time_is_labelled_in_words_as_the_cards_label_it():
    now = timezone.now()
    specialist = SpecialistFactory(
        time_zone="America/Toronto", next_free_slot_at=now + timedelta(days=1)
    )

    def next_free(reader):
        facts = dict(comparison.column(specialist, now=now, reader=reader).facts)
        return facts["Next free consultation"]

    assert next_free(None).endswith("(Toronto time)")
    assert next_free(ZoneInfo("Asia/Kolkata")).endswith("(your time)")


def test_the_licence_check_is_dated_as_the_profile_dates_it():
    specialist = SpecialistFactory(license_verified_at=datetime(2026, 12, 6, 9, tzinfo=UTC))

    facts = dict(comparison.column(specialist, now=timezone.now(), reader=None).facts)

    assert facts["License"] == "Verified by us on 6 December 2026"


def test_a_visitor_saves_from_a_card_and_finds_them_compared(client):
    specialist = SpecialistFactory(name="Saved One", fee_per_session=120)

    response = client.post(
        f"/shortlist/{specialist.slug}/", {"action": "add", "next": "/specialists/"}
    )

    assert response.status_code == 302
    assert response.url == "/specialists/"
    listing = client.get("/specialists/").content.decode()
    assert ": remove Saved One from your shortlist" in listing
    page = client.get("/shortlist/").content.decode()
    assert '<th scope="col">' in page
    assert "120 CAD per session" in page
    assert "Log in to keep it" in page


def test_the_shortlist_follows_the_person_into_their_account(client):
    specialist = SpecialistFactory(name="Kept")
    user = UserFactory(email="sam@example.com")
    client.post(f"/shortlist/{specialist.slug}/", {"action": "add"})

    client.post("/accounts/login/", {"login": "sam@example.com", "password": PASSWORD})

    assert ids(user) == [specialist.pk]
    assert "Kept" in client.get("/shortlist/").content.decode()


def test_a_foreign_next_address_is_ignored(client):
    specialist = SpecialistFactory()

    response = client.post(
        f"/shortlist/{specialist.slug}/", {"action": "add", "next": "https://evil.example/"}
    )

    assert response.url == "/shortlist/"


def test_an_unpublished_specialist_cannot_be_saved_and_get_is_refused(client):
    draft = SpecialistFactory(status="draft")

    assert client.post(f"/shortlist/{draft.slug}/", {"action": "add"}).status_code == 404
    assert client.get(f"/shortlist/{draft.slug}/").status_code == 405


def test_an_empty_shortlist_says_how_to_fill_it(client):
    page = client.get("/shortlist/").content.decode()

    assert "Nobody saved yet." in page


def test_the_shortlist_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    for _ in range(6):
        shortlist.add(user=user, session=SessionStore(), specialist=SpecialistFactory())
    client.get("/shortlist/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/shortlist/")
    for _ in range(6):
        shortlist.add(user=user, session=SessionStore(), specialist=SpecialistFactory())

    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/shortlist/")


# Privacy


def test_the_shortlist_is_in_the_data_export_and_goes_with_the_account():
    from django.utils import timezone

    from privacy import erasure, export

    user, specialist = UserFactory(), SpecialistFactory(name="Saved One")
    shortlist.add(user=user, session=SessionStore(), specialist=specialist)

    exported = export.export_for(user=user, now=timezone.now())
    erasure.erase_account(user=user, now=timezone.now())

    assert [entry["specialist"] for entry in exported["shortlist"]] == ["Saved One"]
    assert not ShortlistEntry.objects.exists()


# Races


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_never_pass_the_limit_on_postgresql(monkeypatch):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL's row locks under threads (this run uses {connection.vendor})"
        )
    monkeypatch.setattr(shortlist, "MAX_ENTRIES", 3)
    user = UserFactory()
    shortlist.add(user=user, session=SessionStore(), specialist=SpecialistFactory())
    shortlist.add(user=user, session=SessionStore(), specialist=SpecialistFactory())
    candidates = [SpecialistFactory() for _ in range(10)]
    barrier = threading.Barrier(len(candidates))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(specialist) -> None:
        barrier.wait()
        try:
            shortlist.add(user=user, session=SessionStore(), specialist=specialist)
            outcome = "saved"
        except shortlist.ShortlistError:
            outcome = "full"
        except Exception as error:
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(s,)) for s in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full"] * 9 + ["saved"]
    assert ShortlistEntry.objects.filter(user=user).count() == 3


def test_a_post_that_says_neither_save_nor_remove_is_a_400_and_changes_nothing(client):
    specialist = SpecialistFactory()

    response = client.post(f"/shortlist/{specialist.slug}/", {"action": "explode"})

    assert response.status_code == 400
    assert shortlist.session_ids(client.session) == []
