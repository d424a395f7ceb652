"""Sections that other apps add to the public profile page.

bookings and content depend on directory, never the reverse, so they register a provider
here (in their AppConfig.ready) and the profile view renders whatever they return.
Each provider runs a fixed number of queries, whatever the profile holds.
"""

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString

from directory.models import Specialist

# How long the process's `fragments` cache keeps what `drawn` made.
DRAWN_SECONDS = 30 * 60

T = TypeVar("T")


@dataclass(frozen=True)
class Section:
    """What a provider adds: its template drawn with `section` (the context), `specialist`,
    `user` and `csrf_token`; or `html` drawn already (see `drawn`), shown as it is."""

    template: str
    order: int
    context: dict[str, object] = field(default_factory=dict)
    html: SafeString | None = None


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


def drawn(*, templates: Sequence[str], shown: object, draw: Callable[[], T]) -> T:
    """What `draw` makes from `templates` (HTML), kept under a key made of everything it
    shows (`shown`, whose repr must say it all), the templates' own versions and the
    language: an edit is simply a new key, so nothing is ever invalidated and old versions
    age out. Each process keeps its own (the `fragments` cache: no round trip)."""
    cache = caches["fragments"]
    key = (_templates_digest(tuple(templates)), translation.get_language(), shown)
    name = "drawn:" + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
    found: T | None = cache.get(name)
    if found is None:
        found = draw()
        cache.set(name, found, DRAWN_SECONDS)
    return found


@functools.cache
def _templates_digest(templates: tuple[str, ...]) -> str:
    """The templates' own version, so a changed template is never served from old keys."""
    digest = hashlib.blake2b(digest_size=8)
    for name in templates:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()
