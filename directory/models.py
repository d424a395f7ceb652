from functools import cache
from importlib import resources
from typing import ClassVar
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(key, key.replace("_", " ")) for key in sorted(available_timezones())]


def _current_zones() -> list[str]:
    """The zones in use today, one spelling each (the tz database's zone.tab): no old names
    such as Africa/Asmera or Asia/Calcutta, which remain valid for stored values."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    names = {row.split("\t")[2] for row in table.splitlines() if row and not row.startswith("#")}
    return sorted((names & available_timezones()) | {"UTC"})


# What a form offers; TIME_ZONE_CHOICES stays what a stored value may be.
OFFERED_TIME_ZONE_CHOICES = [(key, key.replace("_", " ")) for key in _current_zones()]


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


class Taxonomy(models.Model):
    """A curated list entry: a specialty, an approach or a language."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Specialty(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name_plural = "specialties"


class Approach(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name_plural = "approaches"


class Language(Taxonomy):
    class Meta(Taxonomy.Meta):
        pass


class Payer(Taxonomy):
    """An insurer or programme that pays for sessions (a specialist lists those they bill)."""

    class Meta(Taxonomy.Meta):
        pass


class AgeGroup(Taxonomy):
    """Who the help is for: children, teens, adults, couples, families."""

    class Meta(Taxonomy.Meta):
        pass


class Community(Taxonomy):
    """A community or identity a specialist chooses to say they serve (optional)."""

    class Meta(Taxonomy.Meta):
        verbose_name_plural = "communities"


# Fees are whole units of one of these; a budget filter compares within one currency only.
CURRENCY_CHOICES = [
    ("CAD", "CAD"),
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("AUD", "AUD"),
    ("INR", "INR"),
    ("CLP", "CLP"),
]


PROFILE_SLUG_PLACEHOLDER = "0slug0"


@cache
def _profile_url_around_slug(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    """The profile URL before and after the slug, reversed once per prefix and URLconf (the
    cache key): a results page links two dozen profiles, and reverse() is not cheap."""
    url = reverse("directory:profile", kwargs={"slug": PROFILE_SLUG_PLACEHOLDER})
    before, _placeholder, after = url.partition(PROFILE_SLUG_PLACEHOLDER)
    return before, after


class SpecialistQuerySet(models.QuerySet["Specialist"]):
    def listed(self) -> "SpecialistQuerySet":
        """Profiles the public may see: published ones only."""
        return self.filter(status=Specialist.Status.PUBLISHED)

    def offering_free_consultations(self) -> "SpecialistQuerySet":
        return self.listed().filter(offers_free_consultation=True)


class Specialist(models.Model):
    """A specialist's public profile. Only published profiles appear anywhere public."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Changes requested")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("In my own words")

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist"
    )
    slug = models.SlugField(max_length=80, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    name = models.CharField(_("full name"), max_length=120)
    photo = models.ImageField(upload_to="specialists/", blank=True)
    # The small square used on cards; made from the same upload by directory.photos.
    photo_thumbnail = models.ImageField(upload_to="specialists/", blank=True, editable=False)
    titles = models.CharField(
        _("professional titles"),
        max_length=200,
        help_text=_("For example: Registered Psychotherapist, Art Therapist"),
    )
    license_number = models.CharField(_("license / registration number"), max_length=80, blank=True)
    license_body = models.CharField(_("licensing body"), max_length=160, blank=True)
    license_verified_at = models.DateTimeField(null=True, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    specialties = models.ManyToManyField(Specialty, related_name="specialists", blank=True)
    approaches = models.ManyToManyField(Approach, related_name="specialists", blank=True)
    languages = models.ManyToManyField(Language, related_name="specialists", blank=True)
    offers_online = models.BooleanField(_("offers online sessions"), default=True)
    offers_in_person = models.BooleanField(_("offers in-person sessions"), default=False)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    # Where the city above is (directory.places), set whenever the place is saved: distance
    # search reads these. Empty when the gazetteer does not know the city.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    fees = models.CharField(
        _("fee details"),
        max_length=160,
        blank=True,
        help_text=_("For example: 120-150 CAD per 50-minute session, couples 180 CAD"),
    )
    fee_per_session = models.PositiveIntegerField(
        _("fee per session"),
        null=True,
        blank=True,
        help_text=_("Your usual fee for one session, in whole units of the currency below."),
    )
    fee_currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CAD"
    )
    sliding_scale_from = models.PositiveIntegerField(
        _("sliding scale: lowest fee"),
        null=True,
        blank=True,
        help_text=_("If you offer a sliding scale, the lowest fee you accept. Leave empty if not."),
    )
    payers = models.ManyToManyField(
        Payer, related_name="specialists", blank=True, verbose_name=_("insurance and payers")
    )
    age_groups = models.ManyToManyField(
        AgeGroup, related_name="specialists", blank=True, verbose_name=_("who you work with")
    )
    communities = models.ManyToManyField(
        Community,
        related_name="specialists",
        blank=True,
        verbose_name=_("communities you serve (optional)"),
    )
    gender = models.CharField(
        _("your gender (optional)"),
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text=_("Some clients look for a specialist of a particular gender."),
    )
    gender_description = models.CharField(
        _("your gender in your own words (optional)"), max_length=60, blank=True
    )
    accepting_new_clients = models.BooleanField(_("accepting new clients"), default=True)
    education = models.TextField(blank=True)
    intro = models.CharField(_("short introduction"), max_length=200, blank=True)
    bio = models.TextField(_("biography (Markdown)"), blank=True)
    bio_html = models.TextField(editable=False, blank=True)
    offers_free_consultation = models.BooleanField(
        _("offers a free 30-minute consultation"), default=True
    )
    video_url = models.URLField(_("video introduction URL"), blank=True)
    meeting_link = models.URLField(
        _("meeting link for video consultations"),
        blank=True,
        help_text=_("Shared with clients only in their booking confirmation."),
    )
    # Maintained by bookings (which may import directory, never the reverse) so that search
    # can filter and sort by availability without reading every calendar.
    next_free_slot_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Also maintained by bookings: one bit per (local weekday, part of day) with a free
    # consultation slot in the coming two weeks; see directory.filters.time_bit.
    free_times = models.PositiveIntegerField(default=0, editable=False)
    # Denormalized words for search (name, titles, specialties, approaches, bio),
    # rebuilt by directory.profiles whenever any of them changes.
    search_document = models.TextField(editable=False, blank=True)
    # PostgreSQL only: the weighted tsvector of the fields above, GIN-indexed by migration 0005
    # and kept current by directory.search.reindex(). Stays empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        # No default ordering: on 50,000 rows it would silently sort every query (and widen
        # every DISTINCT); lists say which order they want.
        indexes = [
            models.Index(fields=["status", "offers_free_consultation"]),
            # The default order of the directory, so that page 1 of 50,000 reads 20 rows.
            models.Index(
                fields=["-offers_free_consultation", "next_free_slot_at", "id"],
                condition=models.Q(status="published"),
                name="specialist_listing_order",
            ),
            models.Index(
                fields=["next_free_slot_at", "-offers_free_consultation", "id"],
                condition=models.Q(status="published"),
                name="specialist_soonest_order",
            ),
            # Distance search narrows to a box of latitudes (and longitudes) first.
            models.Index(
                fields=["latitude", "longitude"],
                condition=models.Q(status="published", offers_in_person=True),
                name="specialist_in_person_place",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="specialist_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__lte=80), name="specialist_years_plausible"
            ),
            models.CheckConstraint(
                condition=models.Q(sliding_scale_from=None)
                | models.Q(
                    fee_per_session__isnull=False,
                    sliding_scale_from__lte=models.F("fee_per_session"),
                ),
                name="specialist_sliding_scale_below_fee",
                violation_error_message=_(
                    "A sliding scale starts at or below your fee per session; "
                    "give both, or leave the sliding scale empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        before, after = _profile_url_around_slug(get_script_prefix(), get_urlconf())
        return f"{before}{self.slug}{after}"

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class Licensure(models.Model):
    """One area where a specialist is licensed to practise: an ISO 3166 country ("GB") or,
    where licences are by province or state, a subdivision ("CA-ON"); see directory.licensing.
    """

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="licensures")
    area = models.CharField(max_length=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["specialist", "area"], name="licensure_once_per_area"),
        ]
        # Who may see a client living in an area: from the area to the specialists.
        indexes = [models.Index(fields=["area", "specialist"], name="licensure_area_specialist")]

    def __str__(self) -> str:
        return self.area


class Promotion(models.Model):
    """A listing an admin features for a date range (both days included).

    Only specialists who are published and offer a free consultation are shown as featured;
    see directory.promotions.
    """

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="promotions")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    note = models.CharField(
        _("internal note"), max_length=200, blank=True, help_text=_("Never shown to visitors.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="promotion_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist.name}, {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"


class PromotionChange(models.Model):
    """Who changed which promotion, when, and how: an append-only log."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    promotion_id_at_change = models.PositiveBigIntegerField(_("promotion"))
    specialist = models.ForeignKey(
        Specialist, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    details = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} promotion #{self.promotion_id_at_change}"
