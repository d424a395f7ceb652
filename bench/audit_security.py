"""`make audit-security`: the attacks of the security review, run against gunicorn as in
production (DEBUG off, a SQLite file of its own under var/audit-security/), one line per
item with PASS or FAIL; exits 1 if any failed.

The site runs with one trusted proxy hop, so the script can speak from many addresses
through X-Forwarded-For, as clients behind the load balancer would.
"""

import io
import json
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

from PIL import Image

from tests.security.live import ROOT, Browser, Site, free_port, gunicorn_site

PASSWORD = "audit-pass-2026"  # noqa: S105 - a test account of this run
SITE_URL = "https://firststep.example"
results: list[tuple[str, bool, str]] = []


def check(item: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Run the attack now; record PASS with its detail, or FAIL with what went wrong."""

    def run(attack: Callable[[], str]) -> Callable[[], str]:
        try:
            results.append((item, True, attack()))
        except Exception as error:  # each attack reports; the rest go on
            results.append((item, False, f"{type(error).__name__}: {error}"))
        print(f"{'PASS' if results[-1][1] else 'FAIL'}  {item}: {results[-1][2]}", flush=True)
        return attack

    return run


def _png(width: int, height: int) -> bytes:
    gradient = Image.linear_gradient("L").resize((width, height))
    buffer = io.BytesIO()
    Image.merge("RGBA", [gradient] * 4).save(buffer, format="PNG")
    return buffer.getvalue()


def _logged_in(site: Site, email: str, ip: str) -> Browser:
    _account(site, email)
    browser = Browser(site.url, timeout=60)
    browser.get("/accounts/login/")
    answer = browser.request(
        "POST", "/accounts/login/", {"login": email, "password": PASSWORD},
        headers={"X-Forwarded-For": ip},
    )  # fmt: skip
    assert answer.status == 302, f"log-in answered {answer.status}"
    return browser


def _account(site: Site, email: str) -> None:
    site.shell(
        "from tests.factories import UserFactory\n"
        f"u = UserFactory(email='{email}'); u.set_password('{PASSWORD}'); u.save()"
    )


PROFILE = {
    "name": "Audit Person", "titles": "Counsellor", "years_experience": "3",
    "time_zone": "America/Toronto", "fee_currency": "CAD",
}  # fmt: skip


def _media(site: Site) -> list[Path]:
    return [p for p in (site.var_dir / "media").rglob("*") if p.is_file()]


def attacks(site: Site) -> None:
    owner = _logged_in(site, "photos@example.com", "198.51.100.10")

    @check("photo memory: the worst accepted photo keeps the worker under 200 MB")
    def _() -> str:
        before = site.worker_peak_kb()
        answer = owner.post_file(
            "/profile/", PROFILE, field="photo_upload", name="me.png", content=_png(4000, 2999)
        )
        assert answer.status == 302, f"upload answered {answer.status}"
        peak = site.worker_peak_kb()
        assert peak < 200 * 1024, f"worker peak {peak // 1024} MB"
        return f"12 MP RGBA PNG: worker {before // 1024} -> {peak // 1024} MB"

    @check("photo size: a 40 MP photo is refused with a message, not decoded")
    def _() -> str:
        answer = owner.post_file(
            "/profile/", PROFILE, field="photo_upload", name="big.png", content=_png(6300, 6300)
        )
        assert answer.status == 400 and "megapixels" in answer.text, answer.status
        return "400 with a message"

    @check("no orphan files: a replaced photo is deleted, names are unguessable")
    def _() -> str:
        files = _media(site)
        assert len(files) == 2, [p.name for p in files]
        assert all(len(p.stem.removesuffix("-card")) >= 24 for p in files), files
        assert Browser(site.url).get("/media/specialists/photo.jpg").status == 404
        return f"{len(files)} files on disk after 2 uploads, random names"

    @check("rate limit: photo uploads per account")
    def _() -> str:
        small = _png(400, 400)
        statuses = [
            owner.post_file(
                "/profile/", PROFILE, field="photo_upload", name="s.png", content=small
            ).status
            for _ in range(13)
        ]
        assert 429 in statuses, statuses
        return f"refused (429) after {statuses.index(429)} more uploads in the hour"

    @check("erasure: every file of the account is deleted")
    def _() -> str:
        assert _media(site), "no files before the erasure"
        answer = owner.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
        assert answer.status == 302, answer.status
        time.sleep(0.5)
        left = _media(site)
        assert not left, [p.name for p in left]
        return "no file left"

    @check("e-mail links: built from SITE_URL, never the request's Host")
    def _() -> str:
        forged = Browser(site.url)
        forged.get("/accounts/signup/", Host="evil.example")
        forged.request(
            "POST", "/accounts/signup/",
            {"email": "links@example.com", "password1": PASSWORD, "password2": PASSWORD,
             "role": "client", "first_name": "Robin"},
            headers={"Host": "evil.example"},
        )  # fmt: skip
        links = site.links_in_last_mail()
        assert links and all(link.startswith(SITE_URL + "/") for link in links), links
        assert "evil.example" not in str(site.mails()[-1])
        return f"{len(links)} links, all on {SITE_URL}"

    @check("lock-out: an attacker's failures do not lock the owner out")
    def _() -> str:
        _account(site, "victim@example.com")
        attacker = Browser(site.url)
        attacker.get("/accounts/login/")
        for attempt in range(25):
            attacker.request(
                "POST", "/accounts/login/", {"login": "victim@example.com", "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{attempt + 1}"},
            )  # fmt: skip
        victim = Browser(site.url)
        victim.get("/accounts/login/code/")
        victim.request(
            "POST", "/accounts/login/code/", {"email": "victim@example.com"},
            headers={"X-Forwarded-For": "198.51.100.20"},
        )  # fmt: skip
        body = site.mails()[-1].get_body(preferencelist=("plain",)).get_content()
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.MULTILINE)
        assert code, "no log-in code e-mailed"
        entered = victim.request(
            "POST", "/accounts/login/code/confirm/", {"code": code.group(1)},
            headers={"X-Forwarded-For": "198.51.100.20"},
        )  # fmt: skip
        assert entered.status == 302, entered.status
        told = [m for m in site.mails() if "Failed log-ins" in str(m["Subject"])]
        assert told, "the owner was not told"
        return "25 failures from 25 addresses; the owner logged in by code and was told"

    @check("clean text: a bidi override is stripped from a name")
    def _() -> str:
        writer = _logged_in(site, "names@example.com", "198.51.100.30")
        writer.post("/profile/", {**PROFILE, "name": "Ana \u202egnp.exe"})
        preview = writer.get("/profile/preview/")
        assert "\u202e" not in preview.text and "Ana gnp.exe" in preview.text
        return "stored and shown as 'Ana gnp.exe'"

    @check("CSP: a strict Content-Security-Policy on every page")
    def _() -> str:
        policy = Browser(site.url).get("/").headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, policy
        assert "unsafe-inline" not in policy, policy
        return "script-src 'self', frame-ancestors 'none', no unsafe-inline"

    @check("logs: no secret and no control character in the access or application log")
    def _() -> str:
        token = site.shell(
            "from bookings.models import BookingSettings\n"
            "from tests.factories import SpecialistFactory\n"
            "print(BookingSettings.objects.create(specialist=SpecialistFactory()).feed_token)"
        )
        visitor = Browser(site.url)
        visitor.get(f"/calendar/{token}.ics")
        visitor.get("/specialists/?token=audit-query-secret")
        visitor.get("/x%1b[2J%0d%0aFORGED")
        confirms = [
            urlsplit(link).path for link in site.links_in_last_mail() if "confirm-email" in link
        ]
        time.sleep(0.5)
        log = site.log
        secrets = [token, "audit-query-secret", *(path.split("/")[-2] for path in confirms)]
        leaked = [s for s in secrets if s in log or quote(s, safe="") in log]
        assert not leaked, leaked
        assert "\x1b" not in log and not any(line.startswith("FORGED") for line in log.splitlines())
        return f"{len(secrets)} secrets used, none in {len(log.splitlines())} log lines"


def outage(var_dir: Path) -> None:
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/firststep"
    with gunicorn_site(var_dir, migrate=False, DATABASE_URL=dead) as site:

        @check("outage: database down answers 503 with Retry-After within seconds")
        def _() -> str:
            asked = time.monotonic()
            page = Browser(site.url, timeout=15).get("/specialists/")
            took = time.monotonic() - asked
            health = Browser(site.url, timeout=15).get("/healthz")
            assert page.status == 503 and page.headers["Retry-After"], page.status
            assert took < 5, f"{took:.1f} s"
            assert json.loads(health.text)["database"] == "unavailable"
            assert health.headers["Retry-After"], "no Retry-After on /healthz"
            return f"503 in {took:.2f} s, /healthz names the database"


def main() -> int:
    var_dir = ROOT / "var" / "audit-security"
    shutil.rmtree(var_dir, ignore_errors=True)
    for folder in ("site", "outage"):
        (var_dir / folder).mkdir(parents=True)
    environment = {
        "SITE_URL": SITE_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,evil.example",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }
    print("make audit-security: attacks against gunicorn (DEBUG off)", flush=True)
    with gunicorn_site(var_dir / "site", **environment) as site:
        attacks(site)
    outage(var_dir / "outage")
    failed = [item for item, ok, _ in results if not ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
