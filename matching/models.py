from django.conf import settings
from django.db import models

from directory.models import Specialist


class ShortlistEntry(models.Model):
    """A specialist someone with an account saved to compare later (see matching.shortlist)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist"
    )
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "specialist"], name="shortlist_once_each"),
        ]
        indexes = [models.Index(fields=["user", "added_at"])]

    def __str__(self) -> str:
        return f"shortlist entry #{self.pk}"
