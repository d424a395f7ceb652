from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory import promotions, search
from directory.models import Promotion, PromotionChange, Specialist
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 21)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def promote(specialist, staff, *, starts_on=TODAY, ends_on=TODAY):
    return promotions.promote(
        specialist=specialist, starts_on=starts_on, ends_on=ends_on, actor=staff
    )


def featured_names(*, page=1, now=NOW, **params):
    parsed = search.parse({**params, "page": str(page)})
    results = search.find(parsed, options=search.load_options(), now=now)
    return [card.name for card in results.featured]


# Pure rotation


def test_rotation_shows_at_most_three_starting_at_the_turn():
    assert promotions.rotate([1, 2, 3, 4, 5], turn=3) == [4, 5, 1]
    assert promotions.rotate([1, 2], turn=7) == [2, 1]
    assert promotions.rotate([], turn=1) == []


def test_rotation_is_fair_over_a_full_cycle():
    candidates = list(range(7))

    shown = Counter(
        shown
        for turn in range(len(candidates))
        for shown in promotions.rotate(candidates, turn=turn)
    )

    assert set(shown.values()) == {3}


# Who is featured


def test_only_active_promotions_of_free_consultations_that_match_are_featured(staff):
    match = SpecialistFactory(name="Match", city="Toronto")
    promote(match, staff)
    promote(SpecialistFactory(name="Elsewhere", city="Berlin"), staff)
    promote(
        SpecialistFactory(name="Expired", city="Toronto"),
        staff,
        ends_on=TODAY - timedelta(1),
        starts_on=TODAY - timedelta(9),
    )
    promote(
        SpecialistFactory(name="Future", city="Toronto"),
        staff,
        starts_on=TODAY + timedelta(1),
        ends_on=TODAY + timedelta(5),
    )
    draft = SpecialistFactory(name="Draft", city="Toronto", status="draft")
    promote(draft, staff)
    no_longer_free = SpecialistFactory(name="No longer free", city="Toronto")
    promote(no_longer_free, staff)
    no_longer_free.offers_free_consultation = False
    no_longer_free.save()

    assert featured_names(location="toronto") == ["Match"]


def test_at_most_three_per_page_and_the_next_page_continues_the_rotation(staff):
    for index in range(5):
        promote(SpecialistFactory(name=f"P{index}"), staff)
    SpecialistFactory.create_batch(20)  # a second page of results

    first = featured_names(page=1)
    second = featured_names(page=2)

    assert len(first) == len(second) == 3
    assert set(first + second) == {"P0", "P1", "P2", "P3", "P4"}


def test_everyone_promoted_gets_an_equal_share_over_time(staff):
    for index in range(5):
        promote(SpecialistFactory(name=f"P{index}"), staff)

    shown = Counter()
    for minute in range(5):
        shown.update(featured_names(now=NOW + timedelta(minutes=minute)))

    assert set(shown.values()) == {3}


def test_the_home_page_features_promoted_specialists_first(client, staff):
    SpecialistFactory(name="Ordinary")
    promote(SpecialistFactory(name="Promoted"), staff)

    with time_machine.travel(NOW, tick=False):
        response = client.get("/")

    content = response.content.decode()
    assert content.index("Promoted") < content.index("Ordinary")
    assert "Why am I seeing this?" in content


def test_search_results_label_featured_listings_and_explain_why(client, staff):
    promote(SpecialistFactory(name="Promoted"), staff)

    with time_machine.travel(NOW, tick=False):
        response = client.get("/specialists/")

    assert b"Featured" in response.content
    assert b"Why am I seeing this?" in response.content


# Changes are recorded


def test_every_change_is_recorded_with_who_when_and_what(staff):
    specialist = SpecialistFactory()

    promotion = promote(specialist, staff)
    promotions.change(
        promotion=promotion,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=7),
        note="Campaign",
        actor=staff,
    )
    promotions.remove(promotion=promotion, actor=staff)

    log = list(PromotionChange.objects.order_by("pk"))
    assert [entry.action for entry in log] == ["created", "changed", "deleted"]
    assert {entry.actor for entry in log} == {staff}
    assert log[1].details["before"]["ends_on"] == TODAY.isoformat()
    assert log[1].details["after"]["ends_on"] == (TODAY + timedelta(days=7)).isoformat()
    assert all(entry.at <= timezone.now() for entry in log)


def test_a_promotion_must_end_after_it_starts_and_offer_a_free_consultation(staff):
    with pytest.raises(promotions.PromotionError):
        promote(SpecialistFactory(), staff, ends_on=TODAY - timedelta(days=1))
    with pytest.raises(promotions.PromotionError):
        promote(SpecialistFactory(offers_free_consultation=False), staff)


def test_the_database_refuses_to_promote_a_specialist_without_free_consultations(staff):
    offering = SpecialistFactory()
    not_offering = SpecialistFactory(offers_free_consultation=False)
    kept = Promotion.objects.create(
        specialist=offering, starts_on=TODAY, ends_on=TODAY, created_by=staff
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(
            specialist=not_offering, starts_on=TODAY, ends_on=TODAY, created_by=staff
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.filter(pk=kept.pk).update(specialist=not_offering)
    assert list(Promotion.objects.values_list("specialist", flat=True)) == [offering.pk]


def test_an_offer_withdrawn_between_the_check_and_the_write_is_still_refused(staff):
    specialist = SpecialistFactory()
    Specialist.objects.filter(pk=specialist.pk).update(offers_free_consultation=False)

    # The object in hand still says it offers one; the database knows better.
    with pytest.raises(promotions.PromotionError, match="Only specialists who offer"):
        promote(specialist, staff)
    assert not PromotionChange.objects.exists()


def test_staff_promote_through_the_admin_and_the_change_is_logged(client, staff):
    specialist = SpecialistFactory()
    client.force_login(staff)

    response = client.post(
        "/admin/directory/promotion/add/",
        {
            "specialist": specialist.pk,
            "starts_on": "2026-11-21",
            "ends_on": "2026-11-30",
            "note": "",
        },
    )

    assert response.status_code == 302
    entry = PromotionChange.objects.get()
    assert (entry.actor, entry.action, entry.specialist) == (staff, "created", specialist)


def test_the_admin_explains_an_impossible_promotion(client, staff):
    client.force_login(staff)

    response = client.post(
        "/admin/directory/promotion/add/",
        {
            "specialist": SpecialistFactory(offers_free_consultation=False).pk,
            "starts_on": "2026-11-21",
            "ends_on": "2026-11-30",
        },
    )

    assert b"Only specialists who offer a free consultation" in response.content
    assert not PromotionChange.objects.exists()


def test_only_staff_promote(client):
    specialist = SpecialistFactory()
    client.force_login(specialist.owner)

    client.post(
        "/admin/directory/promotion/add/",
        {"specialist": specialist.pk, "starts_on": "2026-11-21", "ends_on": "2026-11-30"},
    )

    assert not specialist.promotions.exists()


def test_changing_a_promotion_in_the_admin_is_logged_with_before_and_after(client, staff):
    promotion = promote(SpecialistFactory(), staff)
    client.force_login(staff)

    response = client.post(
        f"/admin/directory/promotion/{promotion.pk}/change/",
        {"starts_on": "2026-11-21", "ends_on": "2026-12-05", "note": "Longer"},
    )

    assert response.status_code == 302
    entry = PromotionChange.objects.get(action="changed")
    assert entry.details["after"]["ends_on"] == "2026-12-05"
    assert entry.details["before"]["ends_on"] == TODAY.isoformat()


def test_deleting_a_promotion_in_the_admin_is_logged(client, staff):
    promotion = promote(SpecialistFactory(), staff)
    client.force_login(staff)

    client.post(f"/admin/directory/promotion/{promotion.pk}/delete/", {"post": "yes"})

    assert not promotions.active_on(TODAY).exists()
    assert PromotionChange.objects.filter(action="deleted", actor=staff).exists()


def test_who_is_promoted_is_kept_a_minute_and_forgotten_by_every_change(
    staff, django_capture_on_commit_callbacks
):
    specialist = SpecialistFactory(name="Promoted")
    assert featured_names() == []

    with django_capture_on_commit_callbacks(execute=True):
        promotion = promote(specialist, staff)
    assert featured_names() == ["Promoted"]
    with django_capture_on_commit_callbacks(execute=True):
        promotions.change(
            promotion=promotion,
            starts_on=TODAY + timedelta(days=1),
            ends_on=TODAY + timedelta(days=2),
            note="",
            actor=staff,
        )
    assert featured_names() == []
    assert featured_names(now=NOW + timedelta(days=1)) == ["Promoted"]
    with django_capture_on_commit_callbacks(execute=True):
        promotions.remove(promotion=promotion, actor=staff)
    assert featured_names(now=NOW + timedelta(days=1)) == []
    assert featured_names() == []

    # Written past the rules' owner, it is seen once the minute is over.
    Promotion.objects.create(
        specialist=specialist, starts_on=TODAY, ends_on=TODAY, created_by=staff
    )
    assert featured_names() == []
    cache.delete(promotions.PROMOTED_KEY)
    assert featured_names() == ["Promoted"]
