import logging
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Task(DjangoTask):
    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Publish after the commit; with the broker down, log the failure instead of
        failing a request whose work is already saved."""

        def publish() -> None:  # a named function: Django logs a failure by its name
            self.delay(*args, **kwargs)

        transaction.on_commit(publish, robust=True)


app = Celery("firststep", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
        }
    )

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict) and args.get("name") in self.TASKS:
            return args.get("return_value", "0") != "0"  # a repr: how many it handled
        return not (isinstance(args, tuple) and self.TASKS.intersection(map(str, args)))


for _name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
    logging.getLogger(_name).addFilter(QuietEmptySweep())
