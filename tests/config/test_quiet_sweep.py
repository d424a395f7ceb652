"""The development console shows the frequent sweeps only when they did something."""

import logging

import pytest

from config.celery import QuietEmptySweep


def _record(logger: str, msg: str, args: object) -> logging.LogRecord:
    record = logging.LogRecord(logger, logging.INFO, __file__, 1, msg, None, None)
    record.args = args  # as Celery passes them: a dict for task lines, a tuple for beat
    return record


@pytest.mark.parametrize(
    ("logger", "args", "shown"),
    [
        ("celery.worker.strategy", {"name": "bookings.send_notices", "id": "1"}, False),
        ("celery.app.trace", {"name": "bookings.send_notices", "return_value": "0"}, False),
        ("celery.app.trace", {"name": "bookings.send_notices", "return_value": "2"}, True),
        ("celery.beat", ("bookings-send-notices", "bookings.send_notices"), False),
        ("celery.app.trace", {"name": "calendars.sync_due", "return_value": "0"}, False),
        ("celery.app.trace", {"name": "calendars.write_back", "return_value": "3"}, True),
        ("celery.beat", ("calendars-sync-due", "calendars.sync_due"), False),
        ("celery.app.trace", {"name": "outbox.send_due", "return_value": "0"}, False),
        ("celery.app.trace", {"name": "outbox.send_due", "return_value": "1"}, True),
        ("celery.app.trace", {"name": "bookings.sweep_due_reminders", "return_value": "0"}, True),
        ("celery.beat", ("content-relink", "content.recompute_changed_profiles"), True),
    ],
)
def test_only_a_sweep_that_sent_something_is_logged(logger, args, shown):
    assert QuietEmptySweep().filter(_record(logger, "%(name)s", args)) is shown


def test_the_filter_sits_on_celerys_loggers():
    import config.celery  # noqa: F401 - attaches the filter

    for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
        assert any(isinstance(f, QuietEmptySweep) for f in logging.getLogger(name).filters)
