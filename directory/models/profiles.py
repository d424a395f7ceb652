"""Specialists' public profiles and the areas where they are licensed."""

from functools import cache

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from directory.models.taxonomy import AgeGroup, Approach, Community, Language, Payer, Specialty
from directory.models.users import TIME_ZONE_CHOICES

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


# The columns the search's filters read, held by the listing indexes: a filtered page's ids
# are found from the index alone, then only its cards are read (directory.search.pages).
LISTING_FILTERS = [
    "licensed_in",
    "offers_online",
    "offers_in_person",
    "accepting_new_clients",
    "fee_currency",
    "fee_per_session",
    "sliding_scale_from",
    "free_times",
    "gender",
]


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
    # Where the specialist is licensed (Licensure), as " CA CA-ON ": written by database
    # triggers on every change of their Licensure rows (migration 0018), and held by the
    # listing indexes, so that "licensed where I live" is answered from an index. Nullable
    # with a database default only so that SQLite adds the column in place: rebuilding
    # the table would drop the triggers that read it. It is never NULL.
    licensed_in = models.TextField(null=True, db_default=models.Value(""), editable=False)  # noqa: DJ001
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
            # The default order of the directory, so that page 1 of 50,000 reads 20 rows; with
            # what the filters read, so that a page of ids is found from the index alone.
            models.Index(
                fields=["-offers_free_consultation", "next_free_slot_at", "id"],
                include=LISTING_FILTERS,
                condition=models.Q(status="published"),
                name="specialist_listing_order",
            ),
            models.Index(
                fields=["next_free_slot_at", "-offers_free_consultation", "id"],
                include=LISTING_FILTERS,
                condition=models.Q(status="published"),
                name="specialist_soonest_order",
            ),
            # Distance search narrows to a box of latitudes (and longitudes) first, and on
            # PostgreSQL finds, orders and counts a page of ids from this index alone.
            models.Index(
                fields=["latitude", "longitude"],
                include=["id", "offers_free_consultation", "next_free_slot_at"],
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
