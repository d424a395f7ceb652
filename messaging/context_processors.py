from django.http import HttpRequest

from messaging import conversations


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread count for the nav: one query, and only for people logged in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": conversations.unread_total(user=user)}
