"""Celery tasks: one domain function each."""

from celery import shared_task

from insights import counting


@shared_task(name="insights.flush_counts")
def flush_counts() -> int:
    """Every five minutes: the counters in Redis into daily rows."""
    return counting.flush()
