import pytest

from directory import sections
from directory.models import Approach, Language, Specialty


@pytest.fixture
def without_other_sections(monkeypatch):
    """Profile pages with only the directory's own content (other apps test their sections)."""
    monkeypatch.setattr(sections, "_providers", [])


@pytest.fixture
def taxonomy(db):
    """The curated lists, as loaded by the data migration."""
    return {
        "anxiety": Specialty.objects.get(slug="anxiety"),
        "grief": Specialty.objects.get(slug="grief"),
        "trauma": Specialty.objects.get(slug="trauma"),
        "cbt": Approach.objects.get(slug="cbt"),
        "english": Language.objects.get(slug="english"),
        "french": Language.objects.get(slug="french"),
    }


@pytest.fixture
def make_specialist(db):
    """A specialist with specialties, approaches and languages, searchable like a real one."""
    from directory import profiles
    from tests.factories import SpecialistFactory

    def make(*, specialties=(), approaches=(), languages=(), **fields):
        specialist = SpecialistFactory(**fields)
        specialist.specialties.set(specialties)
        specialist.approaches.set(approaches)
        specialist.languages.set(languages)
        profiles.refresh_derived_fields(specialist)
        return specialist

    return make
