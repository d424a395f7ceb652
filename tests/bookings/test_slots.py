from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.slots import Calendar, Exception_, Rules, slots

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # a Monday
NINE_TO_FIVE = {day: [(9 * 60, 17 * 60)] for day in range(7)}


def local(day: date, hour: int, minute: int = 0, zone=TORONTO) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def day_slots(calendar, day: date, *, now=NOW):
    starts = datetime.combine(day, time(0), tzinfo=calendar.zone)
    return slots(calendar, now=now, starts=starts, ends=starts + timedelta(days=1))


def test_offers_thirty_minute_slots_inside_weekly_hours():
    calendar = Calendar(zone=TORONTO, rules=Rules(), weekly={2: [(9 * 60, 11 * 60)]})

    found = day_slots(calendar, date(2026, 6, 3))

    assert [s.starts_at for s in found] == [
        local(date(2026, 6, 3), 9),
        local(date(2026, 6, 3), 9, 30),
        local(date(2026, 6, 3), 10),
        local(date(2026, 6, 3), 10, 30),
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in found)


def test_several_ranges_a_day_give_slots_in_each_and_none_in_the_break():
    calendar = Calendar(
        zone=TORONTO, rules=Rules(), weekly={2: [(9 * 60, 10 * 60), (14 * 60, 15 * 60)]}
    )

    found = day_slots(calendar, date(2026, 6, 3))

    hours = [s.starts_at.astimezone(TORONTO).strftime("%H:%M") for s in found]
    assert hours == ["09:00", "09:30", "14:00", "14:30"]


def test_refuses_slots_inside_the_notice_window():
    calendar = Calendar(zone=TORONTO, rules=Rules(notice=timedelta(hours=12)), weekly=NINE_TO_FIVE)
    now = local(date(2026, 6, 2), 21)  # 12 hours ahead is 09:00 tomorrow

    found = day_slots(calendar, date(2026, 6, 3), now=now)

    assert found[0].starts_at == local(date(2026, 6, 3), 9)
    found = day_slots(calendar, date(2026, 6, 3), now=now + timedelta(minutes=1))
    assert found[0].starts_at == local(date(2026, 6, 3), 9, 30)


def test_offers_nothing_beyond_the_horizon():
    calendar = Calendar(zone=TORONTO, rules=Rules(horizon=timedelta(days=3)), weekly=NINE_TO_FIVE)

    assert day_slots(calendar, date(2026, 6, 3))
    assert not day_slots(calendar, date(2026, 6, 5))


def test_removes_booked_times_and_the_buffer_around_them():
    busy = (local(date(2026, 6, 3), 10), local(date(2026, 6, 3), 10, 30))
    calendar = Calendar(
        zone=TORONTO,
        rules=Rules(buffer=timedelta(minutes=15)),
        weekly={2: [(9 * 60, 12 * 60)]},
        busy=[busy],
    )

    hours = [
        s.starts_at.astimezone(TORONTO).strftime("%H:%M")
        for s in day_slots(calendar, date(2026, 6, 3))
    ]

    assert hours == ["09:00", "11:00", "11:30"]


def test_a_moved_consultation_does_not_block_its_own_neighbourhood():
    busy = (local(date(2026, 6, 3), 10), local(date(2026, 6, 3), 10, 30))
    calendar = Calendar(zone=TORONTO, rules=Rules(), weekly={2: [(9 * 60, 12 * 60)]}, busy=[busy])
    starts = datetime.combine(date(2026, 6, 3), time(0), tzinfo=TORONTO)

    found = slots(calendar, now=NOW, starts=starts, ends=starts + timedelta(days=1), ignore=busy)

    assert local(date(2026, 6, 3), 10) in [s.starts_at for s in found]


def test_the_daily_cap_closes_a_day_once_it_is_reached():
    busy = [(local(date(2026, 6, 3), 9), local(date(2026, 6, 3), 9, 30))]
    calendar = Calendar(zone=TORONTO, rules=Rules(daily_cap=1), weekly=NINE_TO_FIVE, busy=busy)

    assert not day_slots(calendar, date(2026, 6, 3))
    assert day_slots(calendar, date(2026, 6, 4))


def test_time_off_removes_hours_and_extra_hours_add_them():
    day = date(2026, 6, 3)
    calendar = Calendar(
        zone=TORONTO,
        rules=Rules(),
        weekly={2: [(9 * 60, 11 * 60)]},
        exceptions=[
            Exception_(date=day, off=True, starts=time(9), ends=time(10)),
            Exception_(date=day, off=False, starts=time(18), ends=time(19)),
        ],
    )

    hours = [s.starts_at.astimezone(TORONTO).strftime("%H:%M") for s in day_slots(calendar, day)]

    assert hours == ["10:00", "10:30", "18:00", "18:30"]


def test_a_whole_day_off_offers_nothing_that_day():
    day = date(2026, 6, 3)
    calendar = Calendar(
        zone=TORONTO,
        rules=Rules(),
        weekly=NINE_TO_FIVE,
        exceptions=[Exception_(date=day, off=True, starts=None, ends=None)],
    )

    assert not day_slots(calendar, day)
    assert day_slots(calendar, day + timedelta(days=1))


# --- Daylight saving: nine zones, 2026 and 2027, the day before, of and after each change ---

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",  # UTC-3:30
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute shift
    "Pacific/Chatham",  # UTC+12:45, changes at 02:45
    "Asia/Kolkata",  # no DST: nothing may move
]


def transition_days(zone_key: str, year: int) -> list[date]:
    """The local dates on which the zone's UTC offset changes in `year` (none for Kolkata)."""
    zone = ZoneInfo(zone_key)
    moment = datetime(year, 1, 1, tzinfo=UTC)
    days = []
    while moment.year == year:
        later = moment + timedelta(hours=1)
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            days.append(later.astimezone(zone).date())
        moment = later
    return days


CASES = [
    (zone_key, day + timedelta(days=shift))
    for zone_key in ZONES
    for year in (2026, 2027)
    for day in transition_days(zone_key, year) or [date(year, 3, 29)]
    for shift in (-1, 0, 1)
]
ALL_WALL_TIMES = [time(minute // 60, minute % 60) for minute in range(0, 24 * 60, 30)]


def moments_named(day: date, wall: time, zone: ZoneInfo) -> list[datetime]:
    """Every real instant whose wall-clock reading in `zone` is day + wall (0, 1 or 2)."""
    naive = datetime.combine(day, wall)
    guess = naive.replace(tzinfo=UTC)
    candidates = (guess + timedelta(minutes=15 * step) for step in range(-4 * 16, 4 * 16))
    return sorted(c for c in candidates if c.astimezone(zone).replace(tzinfo=None) == naive)


def test_the_matrix_has_two_transitions_a_year_where_the_zone_has_them():
    for zone_key in ZONES:
        for year in (2026, 2027):
            expected = 0 if zone_key == "Asia/Kolkata" else 2
            assert len(transition_days(zone_key, year)) == expected, (zone_key, year)


@pytest.mark.parametrize(("zone_key", "day"), CASES, ids=lambda v: str(v))
def test_daylight_saving_offers_each_wall_time_as_often_as_it_happens(zone_key, day):
    """A missing wall time is never offered; a repeated one is offered at both instants."""
    zone = ZoneInfo(zone_key)
    calendar = Calendar(
        zone=zone,
        rules=Rules(notice=timedelta(0), horizon=timedelta(days=3650)),
        weekly={weekday: [(0, 24 * 60)] for weekday in range(7)},
    )
    found = day_slots(calendar, day, now=datetime(2025, 1, 1, tzinfo=UTC))
    for wall in ALL_WALL_TIMES:
        named = [
            s.starts_at
            for s in found
            if s.starts_at.astimezone(zone).replace(tzinfo=None) == datetime.combine(day, wall)
        ]
        assert named == moments_named(day, wall, zone), (zone_key, day, wall)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in found)
    assert len({s.starts_at for s in found}) == len(found)
    assert found == sorted(found)


def test_a_nine_oclock_slot_stays_at_nine_across_a_transition():
    zone = ZoneInfo("Europe/Berlin")
    calendar = Calendar(
        zone=zone,
        rules=Rules(notice=timedelta(0), horizon=timedelta(days=3650)),
        weekly={weekday: [(9 * 60, 9 * 60 + 30)] for weekday in range(7)},
    )
    starts = datetime(2026, 3, 27, tzinfo=zone)
    found = slots(
        calendar, now=NOW - timedelta(days=365), starts=starts, ends=starts + timedelta(days=4)
    )

    assert [s.starts_at.astimezone(zone).strftime("%d %H:%M") for s in found] == [
        "27 09:00",
        "28 09:00",
        "29 09:00",
        "30 09:00",
    ]
    assert found[2].starts_at.hour == 7 and found[1].starts_at.hour == 8  # UTC moves instead
