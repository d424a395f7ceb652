from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.parsing import ParseError, busy_intervals, read_calendar

FIXTURES = Path(__file__).parent / "fixtures"
TORONTO = ZoneInfo("America/Toronto")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def read(name: str, *, zone=TORONTO, start=None, end=None, **kwargs):
    data = (FIXTURES / name).read_bytes()
    start, end = start or utc(2027, 1, 1), end or utc(2027, 6, 1)
    return busy_intervals(data=data, zone=zone, start=start, end=end, **kwargs)


def test_a_weekly_series_keeps_its_wall_time_across_dst_with_an_exception_and_a_moved_one():
    assert read("weekly_across_dst.ics") == [
        (utc(2027, 3, 1, 14), utc(2027, 3, 1, 15)),  # 09:00 EST
        # 8 March is an EXDATE; 15 March moved to Tuesday 16 March, 13:00 EDT
        (utc(2027, 3, 16, 17), utc(2027, 3, 16, 18)),
        (utc(2027, 3, 22, 13), utc(2027, 3, 22, 14)),  # 09:00 EDT after the change
        (utc(2027, 3, 29, 13), utc(2027, 3, 29, 14)),
        (utc(2027, 4, 5, 13), utc(2027, 4, 5, 14)),
    ]


def test_an_outlook_feed_with_events_in_two_windows_zones_places_each_in_its_own_zone():
    assert read("outlook_two_zones.ics") == [
        (utc(2027, 1, 12, 9), utc(2027, 1, 12, 10)),  # 10:00 in Berlin (CET)
        (utc(2027, 1, 12, 15), utc(2027, 1, 12, 16)),  # 10:00 in Toronto (EST)
    ]


def test_outlook_working_hours_marked_free_do_not_block_the_day():
    found = read("outlook_two_zones.ics", start=utc(2027, 1, 13), end=utc(2027, 1, 14))

    assert found == []


def test_google_x_wr_timezone_keeps_a_utc_weekly_series_on_its_local_time_after_dst():
    found = read("google_x_wr_timezone.ics")

    assert found[0] == (utc(2027, 3, 1, 9), utc(2027, 3, 1, 10))  # 10:00 CET
    # Berlin moves to summer time on 28 March: the series stays at 10:00 local.
    assert found[4] == (utc(2027, 3, 29, 8), utc(2027, 3, 29, 9))


def test_all_day_and_multi_day_events_block_whole_days_in_the_specialists_zone():
    found = read("all_day_floating_rdate.ics", start=utc(2027, 2, 1), end=utc(2027, 3, 1))

    assert (utc(2027, 2, 1, 5), utc(2027, 2, 4, 5)) in found
    assert (utc(2027, 2, 10, 5), utc(2027, 2, 11, 5)) in found


def test_floating_times_are_read_in_the_specialists_zone():
    found = read("all_day_floating_rdate.ics", start=utc(2027, 2, 1), end=utc(2027, 3, 1))

    assert (utc(2027, 2, 5, 14), utc(2027, 2, 5, 14, 30)) in found
    tokyo = read(
        "all_day_floating_rdate.ics",
        zone=ZoneInfo("Asia/Tokyo"),
        start=utc(2027, 2, 1),
        end=utc(2027, 3, 1),
    )
    assert (utc(2027, 2, 5, 0), utc(2027, 2, 5, 0, 30)) in tokyo


def test_rdates_and_durations_and_overnight_events_are_expanded():
    found = read("all_day_floating_rdate.ics", start=utc(2027, 2, 1), end=utc(2027, 3, 1))

    assert (utc(2027, 2, 6, 15), utc(2027, 2, 6, 16)) in found
    assert (utc(2027, 2, 8, 15), utc(2027, 2, 8, 16)) in found
    assert (utc(2027, 2, 9, 17), utc(2027, 2, 9, 18)) in found
    assert (utc(2027, 2, 11, 22), utc(2027, 2, 12, 8)) in found


def test_free_and_cancelled_events_and_a_cancelled_instance_do_not_block():
    assert read("free_and_cancelled.ics") == [
        (utc(2027, 3, 1, 14), utc(2027, 3, 1, 15)),
        (utc(2027, 3, 4, 8), utc(2027, 3, 4, 9)),
        (utc(2027, 3, 6, 8), utc(2027, 3, 6, 9)),
    ]


def test_only_the_horizon_is_expanded():
    found = read("weekly_across_dst.ics", start=utc(2027, 3, 20), end=utc(2027, 3, 30))

    assert found == [
        (utc(2027, 3, 22, 13), utc(2027, 3, 22, 14)),
        (utc(2027, 3, 29, 13), utc(2027, 3, 29, 14)),
    ]


def test_an_endless_series_stops_at_the_occurrence_cap():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTAMP:20261201T000000Z\r\nDTSTART:20270101T000000Z\r\nDTEND:20270101T000030Z\r\n"
        b"RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    found = busy_intervals(data=data, zone=TORONTO, start=utc(2027, 1, 1), end=utc(2028, 1, 1))

    assert len(found) == 5000


def test_a_web_page_is_not_an_icalendar_file():
    with pytest.raises(ParseError, match="Not an iCalendar file"):
        busy_intervals(
            data=b"<!doctype html><title>Sign in</title>",
            zone=TORONTO,
            start=utc(2027, 1, 1),
            end=utc(2027, 2, 1),
        )


def test_a_damaged_calendar_gives_a_parse_error():
    with pytest.raises(ParseError, match="damaged"):
        busy_intervals(
            data=b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VCALENDAR\r\n",
            zone=TORONTO,
            start=utc(2027, 1, 1),
            end=utc(2027, 2, 1),
        )


@settings(max_examples=150, deadline=None)
@given(
    body=st.lists(
        st.sampled_from(
            [
                b"BEGIN:VEVENT",
                b"END:VEVENT",
                b"DTSTART:20270101T100000Z",
                b"DTSTART;VALUE=DATE:20270102",
                b"DTSTART;TZID=Nowhere/Zone:20270101T100000",
                b"DTEND:20261231T100000Z",
                b"DURATION:-PT1H",
                b"RRULE:FREQ=DAILY;COUNT=x",
                b"RRULE:FREQ=HOURLY",
                b"EXDATE:garbage",
                b"RECURRENCE-ID:20270101T100000Z",
                b"UID:a",
                b"BEGIN:VTIMEZONE",
                b"END:VTIMEZONE",
                b"STATUS:CANCELLED",
            ]
        )
        | st.binary(max_size=20),
        max_size=25,
    )
)
def test_any_input_gives_intervals_or_a_parse_error_never_another_exception(body):
    data = b"BEGIN:VCALENDAR\r\n" + b"\r\n".join(body) + b"\r\nEND:VCALENDAR\r\n"
    try:
        found = busy_intervals(data=data, zone=TORONTO, start=utc(2027, 1, 1), end=utc(2027, 1, 8))
    except ParseError:
        return
    assert all(start < end for start, end in found)


def test_only_the_moments_are_parsed_never_titles_guests_or_alarms():
    data = (
        "\ufeffBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
        "SUMMARY:Session with Jane\r\nDESCRIPTION:Talked about her grief and a very long\r\n"
        '  folded line\r\nATTENDEE;CN="Jane: client";ROLE=REQ-PARTICIPANT:mailto:j@test\r\n'
        "DTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nBEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\nDESCRIPTION:Jane\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\n"
        "TRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()

    calendar = read_calendar(data)

    assert b"Jane" not in calendar.to_ical()
    assert b"grief" not in calendar.to_ical()
    assert busy_intervals(data=data, zone=TORONTO, start=utc(2027, 1, 1), end=utc(2027, 2, 1)) == [
        (utc(2027, 1, 5, 10), utc(2027, 1, 5, 11))
    ]
