"""Who was shown which listings: listeners are told, nothing is stored here.

insights counts these; it sits above directory, so it registers a listener here (in its
AppConfig.ready) and directory never imports it.
"""

from collections.abc import Callable, Sequence

from django.http import HttpRequest

Listener = Callable[[HttpRequest, Sequence[int], Sequence[int]], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> Listener:
    """Add a listener once (safe to call again when apps are reloaded)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def shown_in_search(
    request: HttpRequest, *, listed: Sequence[int], featured: Sequence[int]
) -> None:
    """A results page showed these specialists (ids), in its list and as featured."""
    for listener in _listeners:
        listener(request, listed, featured)
