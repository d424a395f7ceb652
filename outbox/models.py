from datetime import datetime

from django.db import models
from django.db.models import Q

from outbox.claims import Claimed, ClaimQuerySet


class EmailQuerySet(ClaimQuerySet):
    def due(self, *, now: datetime) -> "EmailQuerySet":
        """Rows due now that were not given up on (claimed or not)."""
        return self.filter(failed_at=None, due_at__lte=now)


class Email(Claimed):
    """An e-mail to send once the change that caused it is committed: the outbox.

    Written in the change's own transaction, so it exists exactly when the change does.
    `sender` is the dotted name of a function that takes `args` (ids, as keywords), reads
    the database again and sends, or decides that there is nothing to send any more. A sent
    row is deleted; one given up on stays, with `failed_at`, for staff to see.
    """

    sender = models.CharField(max_length=200)
    args = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=Q(failed_at=None), name="outbox_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} #{self.pk}"
