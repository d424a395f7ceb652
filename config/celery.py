import logging
import os
from typing import Any

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("firststep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Publish the task registered as `name` once the transaction commits (at once outside
    one); with the broker down, log the failure instead of failing work that is saved.

    Domain modules enqueue by name, so a task module imports the domain modules it calls and
    never the other way round (`make check` holds both to it).
    """

    def publish() -> None:  # a named function: Django logs a failure by its name
        app.send_task(name, args=args)

    transaction.on_commit(publish, robust=True)


@app.task(name="config.ping")
def ping() -> str:
    """A no-op used by the health check and the Celery benchmarks."""
    return "pong"


class QuietEmptySweep(logging.Filter):
    """Sweeps that run every few seconds are logged only when they did something (the
    worker's "received" and "succeeded" lines, beat's "sending due task")."""

    TASKS = frozenset(
        {
            "bookings.send_notices",
            "bookings.settle_waitlists",
            "calendars.sync_due",
            "calendars.write_back",
            "outbox.send_due",
        }
    )

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict) and args.get("name") in self.TASKS:
            return args.get("return_value", "0") != "0"  # a repr: how many it handled
        return not (isinstance(args, tuple) and self.TASKS.intersection(map(str, args)))


for _name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
    logging.getLogger(_name).addFilter(QuietEmptySweep())
