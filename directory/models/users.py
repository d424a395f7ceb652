"""Accounts: the user model, and the time zones a person or a profile may be in."""

from importlib import resources
from typing import ClassVar
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def zone_label(key: str) -> str:
    """How a zone is named to people: "America/New_York" -> "America/New York"."""
    return key.replace("_", " ")


TIME_ZONE_CHOICES = [(key, zone_label(key)) for key in sorted(available_timezones())]


def _current_zones() -> list[str]:
    """The zones in use today, one spelling each (the tz database's zone.tab): no old names
    such as Africa/Asmera or Asia/Calcutta, which remain valid for stored values."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    names = {row.split("\t")[2] for row in table.splitlines() if row and not row.startswith("#")}
    return sorted((names & available_timezones()) | {"UTC"})


# What a form offers; TIME_ZONE_CHOICES stays what a stored value may be.
OFFERED_TIME_ZONE_CHOICES = [(key, zone_label(key)) for key in _current_zones()]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Logs in with an e-mail address, never a username."""

    class Role(models.TextChoices):
        CLIENT = "client", _("I am looking for support")
        SPECIALIST = "specialist", _("I am a mental-health specialist")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLIENT)
    # Empty until the browser tells us (or the person picks one): see directory.local_time.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    pronouns = models.CharField(
        _("pronouns (optional)"),
        max_length=40,
        blank=True,
        help_text=_("For example: she/her, he/him, they/them."),
    )

    USERNAME_FIELD = "email"  # type: ignore[misc]
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"user #{self.pk}"

    @property
    def display_name(self) -> str:
        """What other people and our e-mails call this person: the first name they gave, or
        (for accounts made before names were asked) the start of their e-mail address."""
        if not self.is_active:
            return str(_("A former member"))
        return self.first_name or self.email.split("@", 1)[0]

    @property
    def name_with_pronouns(self) -> str:
        return f"{self.display_name} ({self.pronouns})" if self.pronouns else self.display_name

    @property
    def is_specialist(self) -> bool:
        return self.role == self.Role.SPECIALIST
