from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from directory import profiles, search
from directory.filters import time_bit
from directory.models import Language, Payer, Specialist, Specialty
from matching import answers, ranking
from matching.answers import Answers
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db

# A Tuesday, 19:00 in Toronto.
TUESDAY_EVENING = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


def specialist(*, specialties=(), languages=(), payers=(), **fields):
    made = SpecialistFactory(**fields)
    made.specialties.set(Specialty.objects.filter(slug__in=specialties))
    made.languages.set(Language.objects.filter(slug__in=languages))
    made.payers.set(Payer.objects.filter(slug__in=payers))
    profiles.refresh_derived_fields(made)
    return made


def matched(given, now=None):
    return ranking.match(given, options=search.load_options(), now=now or timezone.now())


def names(result):
    return [m.specialist.name for m in result.matches]


# Ranking


def test_the_topics_in_a_persons_words_come_first_and_say_why():
    specialist(name="Both", specialties=["sleep-and-insomnia", "relationship-issues"])
    specialist(name="Sleep only", specialties=["sleep-and-insomnia"])
    specialist(name="Neither", specialties=["ocd"])

    result = matched(Answers(about="I can't sleep since my breakup"))

    assert names(result) == ["Both", "Sleep only"]
    assert result.topics == ["Sleep and insomnia", "Relationship issues"]
    assert "Works with relationship issues and sleep and insomnia" in result.matches[0].reasons


def test_without_topics_everyone_who_fits_the_firm_wishes_is_ranked():
    specialist(name="French online", languages=["french"], offers_online=True)
    specialist(name="English", languages=["english"])
    specialist(name="French, full", languages=["french"], accepting_new_clients=False)

    result = matched(Answers(about="not sure", language="french", format="online"))

    assert names(result) == ["French online"]
    assert result.matches[0].reasons[:2] == ["Online sessions", "Speaks your language"]


def test_only_those_licensed_where_the_person_lives_are_matched_and_it_is_said():
    from directory.models import Licensure

    for name, area in (("Ontario", "CA-ON"), ("All Canada", "CA"), ("New York", "US-NY")):
        Licensure.objects.create(specialist=specialist(name=name), area=area)
    specialist(name="Unstated")

    result = matched(Answers(about="not sure", format="online", lives_in="CA-ON"))

    assert sorted(names(result)) == ["All Canada", "Ontario"]
    assert "Licensed to see clients in Ontario, Canada" in result.matches[0].reasons


def test_budget_insurance_and_times_lift_a_specialist_and_are_named():
    now = TUESDAY_EVENING - timedelta(days=1)
    specialist(name="Plain", specialties=["anxiety"], fee_per_session=200)
    specialist(
        name="Fits",
        specialties=["anxiety"],
        fee_per_session=150,
        sliding_scale_from=80,
        payers=["sun-life"],
        free_times=time_bit(weekday=1, hour=19),
        next_free_slot_at=TUESDAY_EVENING,
    )

    result = matched(
        Answers(
            about="anxiety",
            max_fee=100,
            currency="CAD",
            payer="sun-life",
            times=("evening",),
            tz="America/Toronto",
        ),
        now=now,
    )

    assert names(result) == ["Fits", "Plain"]
    assert result.matches[0].reasons == [
        "Works with anxiety",
        "Fits your budget (sliding scale from 80 CAD)",
        "Accepts Sun Life",
        "Has free consultation times that suit you",
        "Free consultation Monday evening",
    ]


def test_the_next_free_time_is_said_in_the_persons_zone_or_labelled_as_theirs():
    moment = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in Toronto
    made = SpecialistFactory.build(next_free_slot_at=moment, time_zone="America/Toronto")
    facts = ranking.Facts(topics={}, payer_ids=frozenset(), payer_name="")
    now = moment - timedelta(days=1)

    tokyo = ranking.score(
        made, answers=Answers(), facts=facts, now=now, zone=ZoneInfo("Asia/Tokyo")
    )
    unknown = ranking.score(made, answers=Answers(), facts=facts, now=now, zone=None)

    assert tokyo.reasons == ["Free consultation Wednesday morning"]
    assert unknown.reasons == ["Free consultation Tuesday morning (their time)"]


def test_a_match_unlisted_after_the_pool_was_read_is_left_out():
    gone = specialist(name="Unlisted meanwhile")
    specialist(name="Still listed")
    unlisted: list[bool] = []

    def unlist_after_the_pool(execute, sql, params, many, context):
        found = execute(sql, params, many, context)
        if not unlisted and "free_times" in sql:  # the pool: the scoring reads free_times
            unlisted.append(True)
            Specialist.objects.filter(pk=gone.pk).update(status=Specialist.Status.DRAFT)
        return found

    with connection.execute_wrapper(unlist_after_the_pool):
        result = matched(Answers(about="not sure"))

    assert unlisted
    assert names(result) == ["Still listed"]


def test_matching_costs_a_fixed_number_of_queries(django_assert_num_queries):
    for index in range(30):
        specialist(name=f"S{index}", specialties=["anxiety"], payers=["aetna"])
    options = search.load_options()
    given = Answers(about="panic attacks", payer="aetna", max_fee=90)

    # The pool, the shared topics, the payer, the cards' specialties.
    with django_assert_num_queries(4):
        result = ranking.match(given, options=options, now=timezone.now())

    assert len(result.matches) == ranking.SHOWN


# The session


def test_answers_survive_the_session_and_anything_unreadable_counts_as_none(client):
    session = client.session
    given = Answers(about="grief", times=("morning",), max_fee=80)
    answers.save(session, given)

    assert answers.load(session) == given
    session[answers.SESSION_KEY] = {"about": "grief", "from_an_older_version": 1}
    assert answers.load(session) == Answers(about="grief")
    session[answers.SESSION_KEY] = "garbage"
    assert answers.load(session) is None
