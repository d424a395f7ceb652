"""Building and changing specialist profiles."""

from collections.abc import Iterable

from directory import markdown
from directory.models import Specialist


def search_document_for(
    *, name: str, titles: str, bio: str, specialties: Iterable[str], approaches: Iterable[str]
) -> str:
    """The words a profile is found by, in one text (indexed for full-text search)."""
    return "\n".join([name, titles, " ".join(specialties), " ".join(approaches), bio])


def refresh_derived_fields(specialist: Specialist) -> None:
    """Recompute the sanitized bio and the search text from the profile's current data."""
    specialist.bio_html = markdown.render(specialist.bio)
    specialist.search_document = search_document_for(
        name=specialist.name,
        titles=specialist.titles,
        bio=specialist.bio,
        specialties=[s.name for s in specialist.specialties.all()],
        approaches=[a.name for a in specialist.approaches.all()],
    )
    specialist.save(update_fields=["bio_html", "search_document", "updated_at"])
