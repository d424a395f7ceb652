from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from directory import cards
from directory.models import Specialist, Specialty

pytestmark = pytest.mark.django_db


def test_a_card_says_how_the_specialist_sees_clients():
    assert cards.places(Specialist(offers_online=True, offers_in_person=False)) == "Online"
    assert (
        cards.places(Specialist(offers_online=True, offers_in_person=True, city="Lyon"))
        == "Online · In person (Lyon)"
    )
    assert cards.places(Specialist(offers_online=False, offers_in_person=True)) == "In person"


def test_the_next_free_time_is_shown_in_the_readers_zone_else_the_specialists():
    moment = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    specialist = Specialist(next_free_slot_at=moment, time_zone="America/Toronto")

    assert cards.next_free(specialist, reader=None) == "Tue 24 Nov, 10:00"
    assert cards.next_free(specialist, reader=ZoneInfo("Asia/Kolkata")) == "Tue 24 Nov, 20:30"
    assert cards.next_free(Specialist(next_free_slot_at=None, time_zone="UTC"), reader=None) == ""


def test_an_unknown_zone_hides_the_time_rather_than_failing():
    moment = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    assert (
        cards.next_free(Specialist(next_free_slot_at=moment, time_zone="Mars/Olympus"), reader=None)
        == ""
    )
    assert (
        cards.next_free(Specialist(next_free_slot_at=moment, time_zone="../etc"), reader=None) == ""
    )


def test_cards_read_with_their_first_three_specialties_by_name(make_specialist, taxonomy):
    specialist = make_specialist(
        specialties=[
            taxonomy["trauma"],
            taxonomy["grief"],
            taxonomy["anxiety"],
            Specialty.objects.get(slug="depression"),
        ]
    )
    other = make_specialist()

    read = {card.pk: card for card in cards.card_rows(Specialist.objects.all())}

    assert read[specialist.pk].card_specialties == [
        cards.Tag("anxiety", "Anxiety"),
        cards.Tag("depression", "Depression"),
        cards.Tag("grief", "Grief and loss"),
    ]
    assert read[other.pk].card_specialties == []


def test_a_profile_link_is_the_reversed_url_under_any_script_prefix():
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    specialist = Specialist(slug="leanne-sawchuk")
    assert specialist.get_absolute_url() == reverse(
        "directory:profile", kwargs={"slug": "leanne-sawchuk"}
    )
    set_script_prefix("/firststep/")
    try:
        assert specialist.get_absolute_url() == "/firststep/specialists/leanne-sawchuk/"
    finally:
        clear_script_prefix()


def _drawn_once(monkeypatch):
    """Count the cards actually drawn from the template (the rest come from the cache)."""
    drawn = []
    real = cards.render_to_string

    def counting(template, context):
        drawn.append(context["card"].pk)
        return real(template, context)

    monkeypatch.setattr(cards, "render_to_string", counting)
    return drawn


def test_a_card_is_drawn_once_and_then_read_from_the_cache(make_specialist, monkeypatch):
    specialists = [make_specialist(), make_specialist()]
    drawing = cards.Drawing(reader=ZoneInfo("Asia/Kolkata"))
    drawn = _drawn_once(monkeypatch)

    first = cards.drawn(specialists, drawing)
    again = cards.drawn(specialists, drawing)

    assert drawn == [s.pk for s in specialists]
    assert again == first
    assert specialists[0].name in first[0] and specialists[1].name in first[1]


def test_whatever_a_card_shows_changing_draws_it_anew(make_specialist, monkeypatch):
    specialist = make_specialist(next_free_slot_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    drawing = cards.Drawing(reader=ZoneInfo("America/Toronto"))
    before = cards.drawn([specialist], drawing)[0]

    specialist.next_free_slot_at = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    after_booking = cards.drawn([specialist], drawing)[0]
    in_kolkata = cards.drawn([specialist], drawing._replace(reader=ZoneInfo("Asia/Kolkata")))[0]

    assert "Tue 24 Nov, 10:00" in before
    assert "Wed 25 Nov, 11:00" in after_booking
    assert "Wed 25 Nov, 21:30" in in_kolkata


def test_a_cached_card_holds_no_token_and_each_reader_sees_their_own_heart(make_specialist):
    specialist = make_specialist()
    saved = cards.Drawing(reader=None, saved_ids={specialist.pk}, hearts=True)

    mine = cards.drawn([specialist], saved)[0]
    theirs = cards.drawn([specialist], saved._replace(saved_ids=()))[0]

    assert "csrfmiddlewaretoken" not in mine
    assert f"remove {specialist.name} from your shortlist" in mine
    assert f"{specialist.name} to your shortlist" in theirs
    assert 'form="shortlist-form"' in theirs
