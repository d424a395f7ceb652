from typing import Any

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Finding the right person"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from directory import sections
        from matching import trust

        user_logged_in.connect(_move_shortlist, dispatch_uid="matching.move_shortlist")
        sections.register(trust.profile_section)


def _move_shortlist(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At log-in, what was saved while logged out moves to the account."""
    from matching import shortlist

    if request is not None and hasattr(request, "session"):
        shortlist.move_to_account(user=user, session=request.session)
