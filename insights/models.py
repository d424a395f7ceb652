from django.db import models

from directory.models import Specialist


class WidgetSettings(models.Model):
    """A specialist's booking widget: their own website (where a client who booked through
    the widget is offered to go back to) and the sites allowed to frame it (none: any)."""

    specialist = models.OneToOneField(
        Specialist, on_delete=models.CASCADE, primary_key=True, related_name="widget_settings"
    )
    # Origins such as "https://example.org", one per line, already normalised by the form.
    allowed_sites = models.TextField(blank=True)
    # A full address, already checked by the form (insights.sites.parse_website).
    website = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "widget settings"

    def __str__(self) -> str:
        return f"Widget of specialist {self.specialist_id}"

    @property
    def sites(self) -> list[str]:
        return self.allowed_sites.split()


class DailyCount(models.Model):
    """How often something happened to a specialist's listing on one (UTC) day, from one
    source. Only totals: nothing here says who looked."""

    class Metric(models.TextChoices):
        SEARCH_IMPRESSION = "search", "Shown in search results"
        PROFILE_VIEW = "view", "Profile views"
        BOOK_CLICK = "book", "Clicks on book"

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="daily_counts"
    )
    day = models.DateField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    source = models.CharField(max_length=10, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "day", "metric", "source"], name="daily_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.source}: {self.count}"
