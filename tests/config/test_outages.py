"""While PostgreSQL or Redis is out of reach, the site answers honestly and fast: 503 with
Retry-After and a calm page, and /healthz names what is down. gunicorn as in production,
pointed at a port where nothing listens."""

import json
import time

from tests.security.live import Browser, free_port, gunicorn_site

PAGES = ["/", "/specialists/", "/articles/", "/accounts/login/"]
DATABASE_PAGES = PAGES[:3]  # the log-in form needs no database to show


def test_with_the_database_down_pages_answer_503_with_retry_after_within_seconds(tmp_path):
    down = f"postgres://postgres@127.0.0.1:{free_port()}/firststep"
    with gunicorn_site(tmp_path, migrate=False, DATABASE_URL=down) as site:
        visitor = Browser(site.url, timeout=10)
        assert visitor.get("/accounts/login/").status == 200
        for path in DATABASE_PAGES:
            asked = time.monotonic()
            page = visitor.get(path)
            took = time.monotonic() - asked

            assert page.status == 503, path
            assert page.headers["Retry-After"] == "30"
            assert "We will be back in a moment" in page.text
            assert took < 5, (path, took)

        health = visitor.get("/healthz")

    assert health.status == 503
    assert health.headers["Retry-After"] == "30"
    assert json.loads(health.text)["database"] == "unavailable"
    assert "Internal Server Error" not in site.log


def test_with_redis_down_pages_still_answer_and_healthz_names_the_broker(tmp_path):
    down = f"redis://127.0.0.1:{free_port()}/0"
    with gunicorn_site(tmp_path, REDIS_URL=down) as site:
        visitor = Browser(site.url, timeout=10)
        statuses = {path: visitor.get(path).status for path in PAGES}
        health = visitor.get("/healthz")

    assert statuses == dict.fromkeys(PAGES, 200)
    assert health.status == 503
    assert health.headers["Retry-After"] == "30"
    assert json.loads(health.text) | {"database": "ok"} == {
        "status": "degraded", "database": "ok", "broker": "unavailable"
    }  # fmt: skip
