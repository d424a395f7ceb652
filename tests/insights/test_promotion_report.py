from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from bookings.models import Consultation
from insights import promotion_report
from insights.models import DailyCount
from tests.factories import ConsultationFactory, PromotionFactory, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def counts(specialist, day, *, impressions, views):
    DailyCount.objects.bulk_create(
        [
            DailyCount(
                specialist=specialist, day=day, metric="search", source="search", count=impressions
            ),
            DailyCount(
                specialist=specialist, day=day, metric="view", source="promotion", count=views
            ),
        ]
    )


def booked(specialist, day):
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    found = ConsultationFactory(specialist=specialist, starts_at=moment + timedelta(days=3))
    Consultation.objects.filter(pk=found.pk).update(created_at=moment)


@pytest.fixture
def promotion():
    """Five days promoted (the 10th to the 14th), with known figures before, during, after."""
    specialist = SpecialistFactory(name="Mira Okafor")
    found = PromotionFactory(
        specialist=specialist, starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 14)
    )
    for offset in range(5):
        counts(specialist, date(2026, 11, 5) + timedelta(days=offset), impressions=10, views=1)
        counts(specialist, date(2026, 11, 10) + timedelta(days=offset), impressions=30, views=4)
    counts(specialist, date(2026, 11, 4), impressions=1000, views=1000)  # six days before
    counts(specialist, date(2026, 11, 15), impressions=1000, views=1000)  # the day after
    booked(specialist, date(2026, 11, 6))
    booked(specialist, date(2026, 11, 11))
    booked(specialist, date(2026, 11, 14))
    other = SpecialistFactory()
    counts(other, date(2026, 11, 11), impressions=500, views=500)
    return found


def test_a_promotions_days_stand_next_to_as_many_days_before_it(promotion):
    [row] = promotion_report.report(promotions=[promotion], now=NOW)

    assert row.days == 5
    assert row.during == {"impressions": 150, "views": 20, "bookings": 2}
    assert row.before == {"impressions": 50, "views": 5, "bookings": 1}


def test_a_running_promotion_compares_only_its_days_so_far(promotion):
    [row] = promotion_report.report(
        promotions=[promotion], now=datetime(2026, 11, 11, 20, tzinfo=UTC)
    )

    assert row.days == 2
    assert row.during == {"impressions": 60, "views": 8, "bookings": 1}
    assert row.before == {"impressions": 20, "views": 2, "bookings": 0}


def test_the_calendar_shows_who_is_promoted_on_each_day(promotion):
    grid = promotion_report.calendar(promotions=[promotion], first=date(2026, 11, 12), weeks=2)

    assert grid[0][0].day == date(2026, 11, 9)  # the Monday
    assert [day.names for day in grid[0]] == [[], *[["Mira Okafor"]] * 5, []]
    assert all(day.names == [] for day in grid[1])


def test_staff_see_the_report_and_others_do_not(client, promotion):
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("insights:promotions"))

    assert page.status_code == 200
    assert "Mira Okafor" in page.content.decode()

    client.force_login(promotion.specialist.owner)
    assert client.get(reverse("insights:promotions")).status_code == 302
