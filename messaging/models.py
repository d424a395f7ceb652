from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist, User


class ThreadQuerySet(models.QuerySet["Thread"]):
    def for_user(self, user: User) -> "ThreadQuerySet":
        """Threads this person may read: their own, and reported ones for staff."""
        mine = Q(client=user) | Q(specialist__owner=user)
        if user.is_staff:
            mine |= Q(reported_at__isnull=False)
        return self.filter(mine)

    def of_party(self, user: User) -> "ThreadQuerySet":
        return self.filter(Q(client=user) | Q(specialist__owner=user))


class Thread(models.Model):
    """The one conversation between a client and a specialist."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_threads"
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="message_threads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Messages each side has not opened yet; the inbox and the nav badge read these.
    client_unread = models.PositiveIntegerField(default=0)
    specialist_unread = models.PositiveIntegerField(default=0)
    # Once a party reports the conversation, staff may read it to act on the report.
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "specialist"], name="thread_one_per_pair"),
        ]
        indexes = [models.Index(fields=["client", "-last_message_at"])]

    def __str__(self) -> str:
        return f"thread #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("messaging:thread", kwargs={"pk": self.pk})

    def is_client(self, user: User) -> bool:
        return self.client_id == user.pk

    def is_party(self, user: User) -> bool:
        return self.client_id == user.pk or self.specialist.owner_id == user.pk

    def unread_for(self, user: User) -> int:
        return self.client_unread if self.is_client(user) else self.specialist_unread


class Message(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        HELD = "held", _("Held for review")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages"
    )
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            # The retention purge looks for the oldest messages across every conversation.
            models.Index(fields=["created_at"], name="message_created"),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"


class Block(models.Model):
    """A specialist no longer receives messages from this person."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="blocks")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["specialist", "client"], name="block_once"),
        ]

    def __str__(self) -> str:
        return f"block #{self.pk}"


class ContactMessage(models.Model):
    """A message to the platform's staff: from the contact form (a logged-in sender), or from
    "Can't log in?" (no sender; `reply_to` is the address they typed, unchecked)."""

    class Subject(models.TextChoices):
        GENERAL = "general", _("A general question")
        ACCOUNT = "account", _("My account")
        PROFILE = "profile", _("A specialist profile")
        SAFETY = "safety", _("Privacy or safety")
        OTHER = "other", _("Something else")
        CANT_LOG_IN = "cant_log_in", _("I can't log in")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_to = models.EmailField()
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # When the sender was told by e-mail that it arrived ("Can't log in?" only).
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"contact message #{self.pk}"
