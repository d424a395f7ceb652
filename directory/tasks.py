from celery import shared_task
from django.utils import timezone

from directory import emails, files


@shared_task(
    name="directory.send_profile_decision",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_profile_decision(specialist_id: int) -> bool:
    return emails.send_profile_decision(specialist_id=specialist_id)


@shared_task(name="directory.remove_orphan_files")
def remove_orphan_files() -> int:
    return len(files.remove_orphans(now=timezone.now()))


@shared_task(
    name="directory.send_login_failures",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_login_failures(user_id: int, failures: int) -> bool:
    return emails.send_login_failures(user_id=user_id, failures=failures)
