"""The simulated people of `make load` (bench/load.py runs them in a process of their own,
which imports locust before anything else). Each repeats one journey: a search, a profile,
and every other time the slot picker, the booking form and the booking itself."""

import json
import random
import re
import secrets
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlencode

BOOKINGS_PER_CLIENT = 3  # bookings.booking_rules.MAX_UPCOMING_PER_CLIENT
TAKEN = ("Someone has just booked that time", "That time is no longer available")
SEARCHES = (
    "/specialists/",
    "/specialists/?q=psychotherapist",
    "/specialists/?sort=soonest&free_consultation=1",
    "/specialists/?q=counsellor&sort=soonest",
)
# A card links to its profile with where the visit came from (?src=search).
PROFILE_LINK = re.compile(r'href="/specialists/([-a-z0-9]+)/(?:\?[^"]*)?"')
SLOT_LINK = re.compile(r'href="(/specialists/[-a-z0-9]+/book/confirm/\?slot=[^"&]+)')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def swarm(plan_path: str, out_path: str) -> None:
    """Run the simulated people (in the process that imported locust first)."""
    import gevent
    from locust import FastHttpUser, between, task
    from locust.env import Environment

    plan = json.loads(Path(plan_path).read_text())
    slugs: list[str] = plan["slugs"]
    decks: list[list[str]] = plan["clients"]
    samples: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()

    def record(*, name: str, response_time: float, exception: object, **kwargs: object) -> None:
        samples.setdefault(name, []).append(response_time)
        if exception is not None:
            errors[f"{name}: {str(exception)[:120]}"] += 1

    class Person(FastHttpUser):
        host = plan["url"]
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            self.deck = decks.pop()
            self.booked: set[str] = set()
            self.csrf = secrets.token_hex(16)  # a CSRF secret of Django's length, as a cookie

        def page(self, url: str, name: str) -> str | None:
            cookie = f"sessionid={self.deck[0]}; csrftoken={self.csrf}" if self.deck else ""
            with self.client.get(
                url, name=name, headers={"Cookie": cookie}, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                    return None
                return response.text

        @task
        def journey(self) -> None:
            found = self.page(random.choice(SEARCHES), "search")
            if found is None:
                return
            listed = [slug for slug in PROFILE_LINK.findall(found) if slug in slugs]
            slug = random.choice(listed or slugs)
            if self.page(f"/specialists/{slug}/", "profile") is None or random.random() < 0.5:
                return
            if not self.deck:
                outcomes["not booked: every client of this person has three bookings"] += 1
                return
            if slug in self.booked:
                slug = random.choice([s for s in slugs if s not in self.booked])
            self.book(slug)

        def book(self, slug: str) -> None:
            picker = self.page(f"/specialists/{slug}/book/?tz=Europe/Berlin", "slot picker")
            if picker is None:
                return
            offered = SLOT_LINK.findall(picker)[:3]  # the first few: people race for them
            if not offered:
                errors["slot picker: no free time offered"] += 1
                return
            url = random.choice(offered)
            form = self.page(url, "booking form")
            if form is None:
                return
            token = CSRF_FIELD.search(form)
            if token is None:
                errors["booking form: no CSRF token"] += 1
                return
            path, query = url.split("?", 1)
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "slot": parse_qs(query)["slot"][0],
                "tz": "Europe/Berlin",
                "mode": "video",
            }
            with self.client.post(
                path,
                data=urlencode(data),
                name="booking",
                headers={
                    "Cookie": f"sessionid={self.deck[0]}; csrftoken={self.csrf}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                allow_redirects=False,
                catch_response=True,
            ) as response:
                text = response.text or ""
                if response.status_code == 302:
                    response.success()
                    outcomes["booked"] += 1
                    self.booked.add(slug)
                    if len(self.booked) == BOOKINGS_PER_CLIENT:
                        self.deck.pop(0)
                        self.booked = set()
                elif response.status_code == 400 and any(words in text for words in TAKEN):
                    response.success()  # an expected answer, counted apart
                    outcomes["just taken by someone else"] += 1
                else:
                    response.failure(f"answered {response.status_code}")

    environment = Environment(user_classes=[Person], stop_timeout=60)
    environment.events.request.add_listener(record)
    runner = environment.create_local_runner()
    users, seconds = plan["users"], plan["seconds"]
    spawn_rate = max(1, users / 5)
    runner.start(users, spawn_rate=spawn_rate)
    started = time.monotonic()

    def done() -> int:
        return sum(len(times) for times in samples.values())

    # The rate is counted over the run, and again from when every person has arrived.
    gevent.sleep(min(seconds, users / spawn_rate))
    arrived = (time.monotonic() - started, done())
    while time.monotonic() - started < seconds:
        gevent.sleep(min(10, seconds - (time.monotonic() - started)))
        print(f"   {time.monotonic() - started:4.0f} s: {done()} requests", flush=True)
    window = {
        "seconds": time.monotonic() - started,
        "requests": done(),
        "arrived_after_seconds": arrived[0],
        "requests_after_arrival": done() - arrived[1],
    }
    runner.quit()  # lets every person finish the journey in hand (stop_timeout)
    Path(out_path).write_text(
        json.dumps({"samples": samples, "errors": errors, "outcomes": outcomes, "window": window})
    )
