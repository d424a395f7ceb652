"""The waitlist on a phone: client A waits, client B cancels, A gets the e-mail, the time is
held for A alone and A books it; a later hold runs out and B sees its time again. A client
with a booked consultation waits for an earlier time and moves it there with one click.

Beat's sweeps are called by the test with the moment they would run at, as the notice and
reminder tests do."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings import availability, booking, holds, hours, waitlist
from bookings.models import Consultation, Hold
from tests.bookings.conftest import deliver_notices, open_hours
from tests.browser.conftest import axe_violations, describe_violations, log_in
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="America/Toronto",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _accessible(page, name: str) -> None:
    page.screenshot(path=f"var/screenshots/test-waitlist-{name}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}:\n{describe_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _free_times(page, slug: str):
    page.goto(f"/specialists/{slug}/book/")
    return page.locator("a.slot")


def test_a_freed_time_is_held_for_the_first_waiting_client_who_books_it(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(10))
    rules = hours.settings_for(specialist=specialist)
    rules.horizon_days = 4
    rules.save()
    now = timezone.now()
    others = [
        booking.book(
            client=UserFactory(),
            specialist=specialist,
            starts_at=slot.starts_at,
            mode="video",
            now=now,
        )
        for slot in availability.slots_for(
            specialist=specialist, now=now, starts=now, ends=now + timedelta(days=5)
        )
    ]
    first_b, *rest = others
    client_a = UserFactory(email="waiting@example.com", first_name="Ana")
    client_b, client_c = first_b.client, UserFactory(email="third@example.com")

    a_context, a_page = _phone(browser, live_server)
    b_context, b_page = _phone(browser, live_server)
    c_context, c_page = _phone(browser, live_server)
    for page, person in ((a_page, client_a), (b_page, client_b), (c_page, client_c)):
        log_in(page, email=person.email, password=PASSWORD)

    # A finds no free time and asks to be told when an earlier one opens.
    expect(_free_times(a_page, specialist.slug)).to_have_count(0)
    _accessible(a_page, "pick-a-time")
    a_page.get_by_role("button", name="Tell me when an earlier time opens").click()
    expect(a_page.get_by_role("heading", name="My waitlists")).to_be_visible()
    expect(a_page.get_by_text("Waiting for any free time.")).to_be_visible()
    _accessible(a_page, "my-waitlists")
    # Back on the page, A sees the wait, not the button again.
    a_page.goto(f"/specialists/{specialist.slug}/book/")
    expect(a_page.get_by_text("You have been on the waitlist since")).to_be_visible()
    expect(a_page.get_by_role("button", name="Tell me when an earlier time opens")).to_have_count(0)
    expect(a_page.get_by_role("button", name="Leave this waitlist")).to_be_visible()
    _accessible(a_page, "pick-a-time-waiting")
    c_page.goto(f"/specialists/{specialist.slug}/book/")
    c_page.get_by_role("button", name="Tell me when an earlier time opens").click()
    expect(c_page.get_by_role("heading", name="My waitlists")).to_be_visible()

    # B cancels; beat's sweep holds the time for A, the first to wait, and e-mails A.
    b_page.goto(f"/consultations/{first_b.pk}/cancel/")
    b_page.get_by_role("button", name="Yes, cancel it").click()
    expect(b_page.get_by_text("The consultation is cancelled.")).to_be_visible()
    assert waitlist.sweep(now=timezone.now()) == 1
    mail.outbox.clear()
    deliver_notices()
    offer = next(m for m in mail.outbox if m.to == [client_a.email])
    hold_url = re.search(r"http://\S+/waitlist/held/\d+/", offer.body)
    assert hold_url is not None, offer.body

    # Held for A alone: B and C see no free time.
    expect(_free_times(b_page, specialist.slug)).to_have_count(0)
    expect(_free_times(c_page, specialist.slug)).to_have_count(0)
    a_page.goto(hold_url.group(0))
    expect(a_page.get_by_role("heading", name="A time held for you")).to_be_visible()
    expect(a_page.get_by_text("Nobody else can book this time until")).to_be_visible()
    _accessible(a_page, "held-time")
    a_page.get_by_role("link", name="Book this time").click()
    a_page.get_by_role("button", name="Book my free consultation").click()
    expect(a_page.get_by_text("Booked. We have e-mailed you the details.")).to_be_visible()
    booked = Consultation.objects.get(client=client_a)
    assert booked.starts_at == first_b.starts_at
    assert Hold.objects.get(client=client_a).status == Hold.Status.BOOKED

    # Another time opens and is held for C, who lets it run out: B sees it again.
    freed = rest[0]
    booking.cancel(consultation=freed, by=specialist.owner, now=timezone.now())
    assert waitlist.sweep(now=timezone.now()) == 1
    expect(_free_times(b_page, specialist.slug)).to_have_count(0)
    c_page.goto("/waitlist/")
    expect(c_page.get_by_text("A time is held for you")).to_be_visible()
    waitlist.sweep(now=timezone.now() + holds.HOLD_FOR + timedelta(seconds=1))
    expect(_free_times(b_page, specialist.slug)).to_have_count(1)
    c_page.get_by_role("link", name="See the held time").click()
    expect(c_page.get_by_text("This time is no longer held for you.")).to_be_visible()

    # C leaves the waitlist with one click.
    c_page.goto("/waitlist/")
    c_page.get_by_role("button", name=re.compile("Leave the waitlist of Mira Okafor")).click()
    expect(c_page.get_by_text("You have left the waitlist.")).to_be_visible()
    expect(c_page.get_by_text("You are not waiting for anyone.")).to_be_visible()
    for context in (a_context, b_context, c_context):
        context.close()


def test_a_booked_client_waits_for_an_earlier_time_and_moves_their_consultation_to_it(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    specialist = SpecialistFactory(name="Mira Okafor", time_zone="America/Toronto")
    open_hours(specialist, starts=time(9), ends=time(10))
    rules = hours.settings_for(specialist=specialist)
    rules.horizon_days = 4
    rules.save()
    now = timezone.now()
    free = availability.slots_for(
        specialist=specialist, now=now, starts=now, ends=now + timedelta(days=5)
    )
    booked = UserFactory(email="booked@example.com", first_name="Dee")
    others = [
        booking.book(
            client=UserFactory(),
            specialist=specialist,
            starts_at=slot.starts_at,
            mode="video",
            now=now,
        )
        for slot in free[:-1]
    ]
    mine = booking.book(
        client=booked, specialist=specialist, starts_at=free[-1].starts_at, mode="video", now=now
    )
    context, page = _phone(browser, live_server)
    log_in(page, email=booked.email, password=PASSWORD)

    # On their consultation's page D asks to hear of an earlier time.
    page.goto(f"/consultations/{mine.pk}/")
    _accessible(page, "consultation-join")
    page.get_by_role("button", name="Tell me if an earlier time opens").click()
    expect(page.get_by_role("heading", name="My waitlists")).to_be_visible()
    expect(page.get_by_text("Waiting for a time before")).to_be_visible()

    # The specialist's booking page leads to the profile, which shows the wait and a way out.
    page.goto(f"/specialists/{specialist.slug}/book/")
    expect(page.get_by_text("You have been on the waitlist since")).to_be_visible()
    expect(page.get_by_role("button", name="Tell me if an earlier time opens")).to_have_count(0)
    expect(page.get_by_role("button", name="Leave this waitlist")).to_be_visible()
    _accessible(page, "profile-waiting")

    # An earlier consultation is cancelled: the time is held for D, whose e-mail says so.
    freed = others[0]
    booking.cancel(consultation=freed, by=freed.client, now=timezone.now())
    assert waitlist.sweep(now=timezone.now()) == 1
    mail.outbox.clear()
    deliver_notices()
    offer = next(m for m in mail.outbox if m.to == [booked.email])
    assert "Move your consultation to it, or let it go" in offer.body
    hold_url = re.search(r"http://\S+/waitlist/held/\d+/", offer.body)
    assert hold_url is not None, offer.body

    # One click moves the consultation; the old time is free again for everyone.
    page.goto(hold_url.group(0))
    expect(page.get_by_text("Your consultation is now on")).to_be_visible()
    _accessible(page, "held-time-move")
    page.get_by_role("button", name="Move my consultation to this time").click()
    expect(page.get_by_text("Moved to the earlier time.")).to_be_visible()
    _accessible(page, "consultation-moved")
    moved = Consultation.objects.get(client=booked)
    assert (moved.pk, moved.starts_at) == (mine.pk, freed.starts_at)
    assert Hold.objects.get(client=booked).status == Hold.Status.BOOKED
    mail.outbox.clear()
    deliver_notices()
    told = sorted(m.to[0] for m in mail.outbox if "new time" in m.subject)
    assert told == sorted([booked.email, specialist.owner.email])
    waitlist.sweep(now=timezone.now())
    other_context, other_page = _phone(browser, live_server)
    log_in(other_page, email=UserFactory().email, password=PASSWORD)
    expect(_free_times(other_page, specialist.slug)).to_have_count(1)
    for each in (context, other_context):
        each.close()
