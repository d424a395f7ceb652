"""The curated lists a profile picks from: specialties, approaches, languages and more."""

from django.db import models


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
