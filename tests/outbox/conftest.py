from django.utils import timezone

from outbox import sending


def send_outbox() -> int:
    """What the outbox sweep sends of the e-mails written until now."""
    return sending.send_due(now=timezone.now())
