from celery import shared_task

from directory import emails


@shared_task(
    name="directory.send_profile_decision",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_profile_decision(specialist_id: int) -> bool:
    return emails.send_profile_decision(specialist_id=specialist_id)
