from django.db import models

from directory.models import Specialist


class WidgetSettings(models.Model):
    """A specialist's booking widget: the sites allowed to frame it (none listed: any site)."""

    specialist = models.OneToOneField(
        Specialist, on_delete=models.CASCADE, primary_key=True, related_name="widget_settings"
    )
    # Origins such as "https://example.org", one per line, already normalised by the form.
    allowed_sites = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "widget settings"

    def __str__(self) -> str:
        return f"Widget of specialist {self.specialist_id}"

    @property
    def sites(self) -> list[str]:
        return self.allowed_sites.split()
