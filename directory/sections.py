"""Sections that other apps add to the public profile page.

bookings and content depend on directory, never the reverse, so they register a provider
here (in their AppConfig.ready) and the profile view renders whatever they return.
Each provider runs a fixed number of queries, whatever the profile holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from directory.models import Specialist


@dataclass(frozen=True)
class Section:
    template: str
    order: int
    context: dict[str, object] = field(default_factory=dict)


SectionProvider = Callable[[Specialist, HttpRequest], Section | None]
_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> SectionProvider:
    """Add a provider once (safe to call again when apps are reloaded)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(specialist: Specialist, request: HttpRequest) -> list[Section]:
    sections = (provider(specialist, request) for provider in _providers)
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
